"""The one place where writes move the revision counters (models.Revision) and a
person's own readings counter (DigestState.readings).

Every write that can change what a page shows passes through here, in its own
transaction: each save of a model with history (documents, categories, glossary
terms, people, questions: simple-history writes a record per save) and each saved
version move both counters; an acknowledgment moves the pages' counter (coverage
counts it) and the person's readings; a version shown or a digest dismissal moves
only the person's readings, since nobody else's pages show them. So one person's
reading never empties what is kept for everyone else: their pending documents,
their digest (caching.reader_revision). Writes that send none of those signals
(rebuilding the search index, the bench seeder's bulk rows) call `revision_bump`
themselves; an import writes history records in its transaction, which is enough.
Callers never need to remember anything else."""

from django.db.models import F
from django.db.models.signals import post_save
from django.dispatch import receiver
from simple_history.signals import post_create_historical_record

from .models import (
    Acknowledgment,
    DigestState,
    Document,
    Revision,
    SeenVersion,
    Version,
)

PAGES, CONTENT = 1, 2  # the rows of models.Revision


def _move(pk: int) -> None:
    if Revision.objects.filter(pk=pk).update(number=F("number") + 1):
        return
    # The rows are created by migrations; only a flushed database lacks them.
    Revision.objects.bulk_create([Revision(pk=pk, number=0)], ignore_conflicts=True)
    Revision.objects.filter(pk=pk).update(number=F("number") + 1)


def revision_bump(*, content: bool = True) -> None:
    """Move the counters forward, inside the caller's transaction: the pages'
    counter, and unless `content` is off the one of what waits for people. Each
    UPDATE holds its row's lock until that transaction ends, so writers commit in
    the order of their numbers, and a number, once read, covers every write
    counted up to it. Always row 1 first: writers never wait on each other in
    opposite orders."""
    _move(PAGES)
    if content:
        _move(CONTENT)


def take_writers_turn() -> None:
    """Wait for the writers before us, inside the caller's transaction: take the
    pages' counter row's lock (without moving it) until that transaction ends.
    Every writer takes this row before any other row it locks, so two writers
    never hold each other's rows (no deadlock on PostgreSQL), and after it every
    read sees what they committed. (SQLite writes one at a time anyway.)"""
    list(Revision.objects.select_for_update().filter(pk=PAGES).values_list("pk"))


def lock_document(pk: int) -> Document:
    """The document's row, locked until the caller's transaction ends, after the
    writers' turn as every row a writer locks: a publish that locked the document
    and then waited for the counter row deadlocked with a reader whose version
    shown held the counter row and then checked the document row (its foreign
    key) on PostgreSQL."""
    take_writers_turn()
    return Document.objects.select_for_update().get(pk=pk)


def reader_moved(user_id: int) -> None:
    """One person's own reading changed (an acknowledgment, a version shown, a
    dismissal): only what is kept for them moves, through their digest state."""
    if not DigestState.objects.filter(user_id=user_id).update(
        readings=F("readings") + 1
    ):
        DigestState.objects.get_or_create(user_id=user_id, defaults={"readings": 1})


@receiver(post_create_historical_record, dispatch_uid="samepage_revision_history")
def _history_recorded(sender, **kwargs) -> None:
    revision_bump()


@receiver(post_save, sender=Version, dispatch_uid="samepage_revision_version")
def _published(sender, **kwargs) -> None:
    revision_bump()


@receiver(post_save, sender=Acknowledgment, dispatch_uid="samepage_revision_ack")
def _acknowledged(sender, instance, **kwargs) -> None:
    # Coverage, shown to owners and managers, counts acknowledgments.
    revision_bump(content=False)
    reader_moved(instance.user_id)


@receiver(post_save, sender=SeenVersion, dispatch_uid="samepage_revision_seen")
@receiver(post_save, sender=DigestState, dispatch_uid="samepage_revision_digest")
def _reader_saved(sender, instance, **kwargs) -> None:
    reader_moved(instance.user_id)  # an UPDATE: it sends no signal of its own
