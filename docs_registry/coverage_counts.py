"""How many of each team have acknowledged each document's latest major version,
kept as counts (models.CoverageCount) in the same transaction as every write that
can change them.

The coverage report shows every active document with its count. Counted from
the archive, that is every acknowledgment there is: 3.3 s on PostgreSQL with
10,000 documents and 1.95 million acknowledgments, for the first view after each
acknowledgment. Each write changes few counts, so it recounts or moves only those:

- an acknowledgment (`_acknowledged`): its document, recounted;
- a publish, a change of audience or any save of a document (`document_changed`):
  that document, recounted from its acknowledgments (a few hundred at most: one
  per person at the latest major version or later);
- a change of a person's teams, or their leaving or coming back (`_person_saved`):
  every document they have acknowledged at its latest major version, moved by
  one on each team they joined or left, in one UPDATE.

Writers take their turn first (revisions.take_writers_turn), as pending.py's do:
a major publish and an acknowledgment at the same moment cannot each count from
a view the other has already changed. Writes that send no signals (the bench
seeder's bulk rows, a restore of an export) call `rebuild` afterwards.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection as default_connection
from django.db import transaction
from django.db.models import F
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from .models import Acknowledgment, CoverageCount, Document, User
from .revisions import take_writers_turn

# One statement recounts any set of documents (`{documents}` and `{acknowledgments}`
# say which: the same ids on both, or every document): each person who
# acknowledged the latest major version or a later one counts once per document,
# on each team they are on, while active. Raw SQL so that the migration that
# makes the table can count with it, whatever the models say then.
_RECOUNT = """
INSERT INTO docs_registry_coveragecount (document_id, sales, support, either)
SELECT d.id,
       COALESCE(SUM(CASE WHEN u.in_sales THEN 1 ELSE 0 END), 0),
       COALESCE(SUM(CASE WHEN u.in_support THEN 1 ELSE 0 END), 0),
       COUNT(u.id)
FROM docs_registry_document d
LEFT JOIN (
    SELECT DISTINCT a.document_id, a.user_id
    FROM docs_registry_acknowledgment a
    JOIN docs_registry_document ad ON ad.id = a.document_id
    WHERE a.number >= ad.latest_major_number AND {acknowledgments}
) readers ON readers.document_id = d.id
LEFT JOIN docs_registry_user u ON u.id = readers.user_id AND u.is_active
    AND (u.in_sales OR u.in_support)
WHERE {documents}
GROUP BY d.id
ON CONFLICT (document_id) DO UPDATE SET
    sales = excluded.sales, support = excluded.support, either = excluded.either
"""
# Where a person's teams come from, in the order `_teams` gives them.
_TEAM_FIELDS = ("is_active", "in_sales", "in_support")


def recount(document_ids: Iterable[int] | None = None, *, connection=None) -> None:
    """Count these documents' readers afresh (every document's with None)."""
    connection = connection or default_connection
    if document_ids is None:
        sql, params = _RECOUNT.format(documents="1 = 1", acknowledgments="1 = 1"), []
    else:
        ids = list(document_ids)
        if not ids:
            return
        marks = ", ".join(["%s"] * len(ids))
        sql = _RECOUNT.format(
            documents=f"d.id IN ({marks})",
            acknowledgments=f"a.document_id IN ({marks})",
        )
        params = ids + ids  # the same ids for both
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def rebuild() -> None:
    """Every document's counts afresh (after writes in bulk)."""
    with transaction.atomic():
        recount()


def document_changed(document_id: int) -> None:
    """A document's latest major version or audience may have changed (a publish
    writes them with an UPDATE, which sends no signal): recount it."""
    with transaction.atomic(savepoint=False):
        take_writers_turn()
        recount([document_id])


def _teams(is_active: bool, in_sales: bool, in_support: bool) -> tuple[int, int, int]:
    """Where a person counts: (sales, support, either), each 0 or 1."""
    sales, support = int(is_active and in_sales), int(is_active and in_support)
    return sales, support, max(sales, support)


def _person_moved(user_id: int, before: tuple, after: tuple) -> None:
    """Move the counts of every document the person has acknowledged at its latest
    major version by what they left and joined."""
    sales, support, either = (new - old for new, old in zip(after, before, strict=True))
    if not (sales or support or either):
        return
    read = Acknowledgment.objects.filter(
        user_id=user_id, number__gte=F("document__latest_major_number")
    ).values("document_id")
    with transaction.atomic(savepoint=False):
        take_writers_turn()
        CoverageCount.objects.filter(document_id__in=read).update(
            sales=F("sales") + sales,
            support=F("support") + support,
            either=F("either") + either,
        )


@receiver(post_save, sender=Acknowledgment, dispatch_uid="samepage_coverage_ack")
def _acknowledged(sender, instance: Acknowledgment, created: bool, **kwargs) -> None:
    if created:
        document_changed(instance.document_id)


@receiver(post_save, sender=Document, dispatch_uid="samepage_coverage_document")
def _document_saved(sender, instance: Document, **kwargs) -> None:
    document_changed(instance.pk)


@receiver(pre_save, sender=User, dispatch_uid="samepage_coverage_person_before")
def _person_saving(sender, instance: User, update_fields, **kwargs) -> None:
    # Where the person counted before this save: the counts move by the difference.
    if instance._state.adding or instance.pk is None:
        return
    if update_fields is not None and not set(_TEAM_FIELDS) & set(update_fields):
        return  # a sign-in's last_login, say
    stored = User.objects.filter(pk=instance.pk).values_list(*_TEAM_FIELDS).first()
    if stored is not None:
        instance._counted_before = _teams(*stored)


@receiver(post_save, sender=User, dispatch_uid="samepage_coverage_person")
def _person_saved(sender, instance: User, **kwargs) -> None:
    # A new person has acknowledged nothing yet.
    before = instance.__dict__.pop("_counted_before", None)
    if before is not None:
        after = _teams(*(getattr(instance, name) for name in _TEAM_FIELDS))
        _person_moved(instance.pk, before, after)


def expected_counts() -> dict[int, tuple[int, int, int]]:
    """Every document's counts worked out afresh from the archive, by document id:
    (sales, support, either). Tests compare the kept counts (`kept_counts`) with
    it after each kind of write."""
    counts = dict.fromkeys(Document.objects.values_list("pk", flat=True), (0, 0, 0))
    readers = (
        Acknowledgment.objects.filter(
            number__gte=F("document__latest_major_number"), user__is_active=True
        )
        .values_list("document_id", "user_id", "user__in_sales", "user__in_support")
        .distinct()
    )
    for document_id, _, in_sales, in_support in readers:
        sales, support, either = counts[document_id]
        counts[document_id] = (
            sales + in_sales,
            support + in_support,
            either + (in_sales or in_support),
        )
    return counts


def kept_counts() -> dict[int, tuple[int, int, int]]:
    rows = CoverageCount.objects.values_list(
        "document_id", "sales", "support", "either"
    )
    return {document_id: tuple(counts) for document_id, *counts in rows}
