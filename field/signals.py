"""Sightings are append-only rows without history: each moves the revision counter
itself (see docs_registry/revisions.py), so nobody has to remember to."""

from django.db.models.signals import m2m_changed, post_save
from django.dispatch import receiver

from docs_registry.revisions import revision_bump

from .models import FieldReport, Sighting


@receiver(post_save, sender=Sighting, dispatch_uid="field_sighting_revision")
@receiver(m2m_changed, sender=FieldReport.documents.through, dispatch_uid="field_docs")
def _moved(sender, **kwargs) -> None:
    revision_bump()
