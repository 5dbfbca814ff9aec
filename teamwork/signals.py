"""Append-only rows have no history records, so nothing else moves the revision
counter when one is written (docs_registry/revisions.py): these receivers do, in
the writer's transaction, so no service has to remember. And every published
version's hand-off rules are extracted in the publish's own transaction: the
registry's services know nothing of this app, and a version is saved once."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from docs_registry.models import Version
from docs_registry.revisions import revision_bump

from .handoffs import rules_record
from .models import GoalReading, MeetingNote


@receiver(post_save, sender=GoalReading, dispatch_uid="teamwork_revision_reading")
@receiver(post_save, sender=MeetingNote, dispatch_uid="teamwork_revision_note")
def _appended(sender, **kwargs) -> None:
    revision_bump()


@receiver(post_save, sender=Version, dispatch_uid="teamwork_handoff_rules")
def _published(sender, instance, created, raw=False, **kwargs) -> None:
    if created and not raw:
        rules_record(instance)  # the version's own save moved the revision
