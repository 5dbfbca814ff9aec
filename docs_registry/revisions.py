"""The one place where writes move the revision counter (models.Revision).

Every write that can change what a page shows passes through here, in its own
transaction: each save of a model with history (documents, categories, glossary
terms, people, questions: simple-history writes a record per save), and each saved
version, acknowledgment, version shown and digest state. Writes that send none of
those signals (rebuilding the search index, the bench seeder's bulk rows) call
`revision_bump` themselves; an import writes history records in its transaction,
which is enough. Callers never need to remember anything else."""

from django.db.models import F
from django.db.models.signals import post_save
from django.dispatch import receiver
from simple_history.signals import post_create_historical_record

from .models import Acknowledgment, DigestState, Revision, SeenVersion, Version


def revision_bump() -> None:
    """Move the counter forward, inside the caller's transaction. The UPDATE holds
    the row's lock until that transaction ends, so two writers commit in the order
    of their numbers, and a number, once read, covers every write counted up to it."""
    if Revision.objects.filter(pk=1).update(number=F("number") + 1):
        return
    # The row is created by the migration; only a flushed database lacks it.
    Revision.objects.bulk_create([Revision(pk=1, number=0)], ignore_conflicts=True)
    Revision.objects.filter(pk=1).update(number=F("number") + 1)


@receiver(post_create_historical_record, dispatch_uid="samepage_revision_history")
def _history_recorded(sender, **kwargs) -> None:
    revision_bump()


@receiver(post_save, sender=Version, dispatch_uid="samepage_revision_version")
@receiver(post_save, sender=Acknowledgment, dispatch_uid="samepage_revision_ack")
@receiver(post_save, sender=DigestState, dispatch_uid="samepage_revision_digest")
@receiver(post_save, sender=SeenVersion, dispatch_uid="samepage_revision_seen")
def _saved(sender, **kwargs) -> None:
    revision_bump()
