"""Append-only rows have no history records, so nothing else moves the revision
counter when one is written (docs_registry/revisions.py): these receivers do, in
the writer's transaction, so no service has to remember."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from docs_registry.revisions import revision_bump

from .models import GoalReading


@receiver(post_save, sender=GoalReading, dispatch_uid="teamwork_revision_reading")
def _appended(sender, **kwargs) -> None:
    revision_bump()
