"""What waits for each person, kept as rows (models.PendingDocument) in the same
transaction as every write that can change it.

Counting what waits for a person from the archive looks at every document
addressed to them (0.1 s on SQLite, 0.5 s on PostgreSQL with 10,000), and every
page shows that count. Each write changes only some pairs of person and document,
so it rewrites only those pairs' rows:

- a publish, retirement or change of audience (`document_changed`): that document,
  for everyone;
- an acknowledgment or a version shown: that person and that document;
- a dismissal ("Mark these as seen"), a change of teams, a new person: that person,
  for every document.

Each person's totals (how many documents wait, and the versions they span) move
with their rows, in the same transaction, on their digest state
(models.DigestState): every page's header shows them, read with the counters.

The rule itself is `pending_baseline`, the one place that decides. Writers run one
at a time (`_one_writer_at_a_time`), so a publish and an acknowledgment of the same
document at the same moment cannot each write rows from a view the other has
already changed. Writes that send no signals (the bench seeder's bulk rows, a
restore of an export) call `rebuild` afterwards.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime

from django.db import transaction
from django.db.models import Count, F, Max, Q, Sum
from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import (
    Acknowledgment,
    Audience,
    DigestState,
    Document,
    PendingDocument,
    SeenVersion,
    User,
    Version,
)
from .revisions import take_writers_turn

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# How many pairs of person and document one query of readings covers: one
# document for everyone, or one person for every document, each in one query.
_PAIRS_PER_QUERY = 20_000
# People rewritten together by `rebuild`: the documents are read once for them.
_PEOPLE_PER_REBUILD = 10


def pending_baseline(
    *,
    current: int,
    published_at: datetime,
    latest_major: int,
    acknowledged: int,
    shown: int,
    seen_at: datetime | None,
) -> int | None:
    """The version a person already knows of a document, if a change waits for
    them, else None. A major change waits until acknowledged (what they were only
    shown does not count); a minor one until they acknowledge or are shown the
    current version, or dismiss it ("Mark these as seen" after it was published).
    """
    if latest_major > acknowledged:
        return acknowledged
    known = max(acknowledged, shown)
    if current > known and published_at > (seen_at or _EPOCH):
        return known
    return None


def _one_writer_at_a_time() -> None:
    # The pages' counter row is locked by every write that moves it; taking it
    # here too orders the pending rows' writers with those writes.
    take_writers_turn()


def _newest(model, people: Q, documents: Q) -> dict[tuple[int, int], int]:
    rows = (
        model.objects.filter(people, documents)
        .values("user_id", "document_id")
        .annotate(newest=Max("number"))
        .values_list("user_id", "document_id", "newest")
    )
    return {(user_id, document_id): newest for user_id, document_id, newest in rows}


def _rewrite(people: Q, documents: Q) -> None:
    """Make the rows of these people × these documents what the rule says.

    `people` and `documents` are filters on User and Document; the pairs rewritten
    are those where both match. Writes only the rows that differ. In the caller's
    transaction; a write made outside one (a save in autocommit) gets its own."""
    with transaction.atomic(savepoint=False):
        _one_writer_at_a_time()
        _write(people, documents, _wanted(people, documents))


# A row's values, as compared and written: baseline, versions, needs an
# acknowledgment, published at. Tuples, not model instances: a person who has
# read nothing yet has a row for every document.
Row = tuple[int, int, bool, datetime]


def _wanted(people: Q, documents: Q) -> dict[tuple[int, int], Row]:
    """The rows the rule gives for these people × these documents, by (person,
    document), from the documents' facts, each person's newest acknowledgment and
    version shown, and their dismissal time."""
    facts = list(
        Document.objects.filter(documents)
        .filter(status=Document.Status.ACTIVE, current_version__isnull=False)
        .values_list(
            "pk",
            "audience",
            "latest_major_number",
            "current_version__number",
            "current_version__published_at",
            "pending_version__number",
            "pending_version__published_at",
            "pending_version__significance",
        )
    )
    facts = [(pk, audience, *_newest_facts(*rest)) for pk, audience, *rest in facts]
    readers = list(
        User.objects.filter(people)
        .filter(Q(in_sales=True) | Q(in_support=True))
        .values_list("pk", "in_sales", "in_support", "digest_state__seen_at")
    )
    wanted: dict[tuple[int, int], Row] = {}
    document_ids = [pk for pk, *_ in facts]
    per_query = max(1, _PAIRS_PER_QUERY // max(1, len(facts)))
    for start in range(0, len(readers), per_query):
        batch = readers[start : start + per_query]
        in_batch = Q(user_id__in=[pk for pk, *_ in batch])
        of_documents = Q(document_id__in=document_ids)
        if len(document_ids) > 1:
            # A long list of ids is a large statement; the filter says the same.
            of_documents = Q(document__in=Document.objects.filter(documents))
        acknowledged = _newest(Acknowledgment, in_batch, of_documents)
        shown = _newest(SeenVersion, in_batch, of_documents)
        for user_id, in_sales, in_support, seen_at in batch:
            addressed = {Audience.BOTH}
            addressed |= {Audience.SALES} if in_sales else set()
            addressed |= {Audience.SUPPORT} if in_support else set()
            for pk, audience, latest_major, current, published_at in facts:
                if audience not in addressed:
                    continue
                pair = (user_id, pk)
                baseline = pending_baseline(
                    current=current,
                    published_at=published_at,
                    latest_major=latest_major,
                    acknowledged=acknowledged.get(pair, 0),
                    shown=shown.get(pair, 0),
                    seen_at=seen_at,
                )
                if baseline is not None:
                    wanted[pair] = (
                        baseline,
                        current - baseline,
                        latest_major > baseline,
                        published_at,
                    )
    return wanted


def _newest_facts(
    latest_major: int,
    current: int,
    published_at: datetime,
    pending: int | None,
    pending_published_at: datetime | None,
    pending_significance: str | None,
) -> tuple[int, int, datetime]:
    """(latest major, newest number, its publication time), counting a change
    announced for later from when it was published: both teams hear of it then."""
    if pending is None:
        return latest_major, current, published_at
    if pending_significance == Version.Significance.MAJOR:
        latest_major = pending
    return latest_major, pending, pending_published_at


def _write(people: Q, documents: Q, wanted: dict[tuple[int, int], Row]) -> None:
    scope = PendingDocument.objects.filter(
        user__in=User.objects.filter(people),
        document__in=Document.objects.filter(documents),
    )
    stale = []
    # How each person's totals move: the rows they lose and gain.
    moved: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for pk, *pair, baseline, versions, needs, published_at in scope.values_list(
        "pk",
        "user_id",
        "document_id",
        "baseline",
        "versions",
        "needs_acknowledgment",
        "published_at",
    ):
        if wanted.get(tuple(pair)) == (baseline, versions, needs, published_at):
            del wanted[tuple(pair)]
        else:
            stale.append(pk)
            moved[pair[0]][0] -= 1
            moved[pair[0]][1] -= versions
    for (user_id, _), (_, versions, _, _) in wanted.items():
        moved[user_id][0] += 1
        moved[user_id][1] += versions
    for start in range(0, len(stale), 500):
        PendingDocument.objects.filter(pk__in=stale[start : start + 500]).delete()
    PendingDocument.objects.bulk_create(
        (
            PendingDocument(
                user_id=user_id,
                document_id=document_id,
                baseline=baseline,
                versions=versions,
                needs_acknowledgment=needs,
                published_at=published_at,
            )
            for (user_id, document_id), (
                baseline,
                versions,
                needs,
                published_at,
            ) in wanted.items()
        ),
        batch_size=500,
    )
    _move_totals(moved)


def _move_totals(moved: dict[int, list[int]]) -> None:
    """Move each person's totals by what their rows lost and gained: one UPDATE
    for each distinct change (a publish moves hundreds of people alike)."""
    by_change: dict[tuple[int, int], list[int]] = defaultdict(list)
    for user_id, (documents, versions) in moved.items():
        if documents or versions:
            by_change[documents, versions].append(user_id)
    # A person's first row may come before their digest state does (a new row:
    # whoever already had one has a state, made then or by migration 0027).
    gaining = [
        user_id
        for (documents, _), user_ids in by_change.items()
        if documents > 0
        for user_id in user_ids
    ]
    DigestState.objects.bulk_create(
        (DigestState(user_id=user_id) for user_id in gaining),
        ignore_conflicts=True,
        batch_size=500,
    )
    for (documents, versions), user_ids in by_change.items():
        for start in range(0, len(user_ids), 500):
            DigestState.objects.filter(
                user_id__in=user_ids[start : start + 500]
            ).update(
                waiting_documents=F("waiting_documents") + documents,
                waiting_versions=F("waiting_versions") + versions,
            )


def _count_totals(user_ids: list[int]) -> None:
    """These people's totals counted afresh from their rows (`rebuild`: rows may
    have been written around this module)."""
    counted = dict.fromkeys(user_ids, (0, 0)) | {
        user_id: (documents, versions)
        for user_id, documents, versions in PendingDocument.objects.filter(
            user_id__in=user_ids
        )
        .order_by()
        .values("user_id")
        .annotate(documents=Count("pk"), versions=Sum("versions"))
        .values_list("user_id", "documents", "versions")
    }
    DigestState.objects.bulk_create(
        (DigestState(user_id=user_id) for user_id in user_ids), ignore_conflicts=True
    )
    for user_id, (documents, versions) in counted.items():
        DigestState.objects.filter(user_id=user_id).update(
            waiting_documents=documents, waiting_versions=versions
        )


def document_changed(document_id: int) -> None:
    """A document's current version, audience or status changed: rewrite its rows
    for everyone. Publishing calls it once the document points at the new version
    (that pointer is written with an UPDATE, which sends no signal)."""
    _rewrite(Q(), Q(pk=document_id))


def person_changed(user_id: int) -> None:
    """A person's teams or dismissal time changed: rewrite their rows."""
    _rewrite(Q(pk=user_id), Q())


def rebuild(user_ids: Iterable[int] | None = None) -> None:
    """Rewrite everyone's rows (or these people's), a few people at a time (their
    rows are held in memory while compared): after writes that send no signals,
    and once when the table is created."""
    people = User.objects.order_by("pk").values_list("pk", flat=True)
    if user_ids is not None:
        people = people.filter(pk__in=list(user_ids))
    people = list(people)
    for start in range(0, len(people), _PEOPLE_PER_REBUILD):
        chunk = people[start : start + _PEOPLE_PER_REBUILD]
        with transaction.atomic():
            _rewrite(Q(pk__in=chunk), Q())
            _count_totals(chunk)


def expected_rows(user_id: int) -> dict[int, tuple[int, int, bool]]:
    """What the rows of one person should be, worked out afresh for every document:
    document id → (baseline, versions, needs acknowledgment). Tests compare the
    kept rows (`kept_rows`) with it after each kind of write."""
    return {
        document_id: (baseline, versions, needs)
        for (_, document_id), (baseline, versions, needs, _) in _wanted(
            Q(pk=user_id), Q()
        ).items()
    }


def kept_totals(user_id: int) -> tuple[int, int]:
    """The person's totals as kept (0, 0 without a digest state)."""
    found = DigestState.objects.filter(user_id=user_id).values_list(
        "waiting_documents", "waiting_versions"
    )
    return next(iter(found), (0, 0))


def kept_rows(user_id: int) -> dict[int, tuple[int, int, bool]]:
    return {
        document_id: (baseline, versions, needs)
        for document_id, baseline, versions, needs in PendingDocument.objects.filter(
            user_id=user_id
        ).values_list("document_id", "baseline", "versions", "needs_acknowledgment")
    }


@receiver(post_save, sender=Acknowledgment, dispatch_uid="samepage_pending_ack")
@receiver(post_save, sender=SeenVersion, dispatch_uid="samepage_pending_seen")
def _reading_saved(sender, instance, created, **kwargs) -> None:
    if created:
        _rewrite(Q(pk=instance.user_id), Q(pk=instance.document_id))


@receiver(post_save, sender=DigestState, dispatch_uid="samepage_pending_digest")
def _dismissed(sender, instance, created, update_fields, **kwargs) -> None:
    # Only the dismissal time counts; a new state without one changes nothing.
    if created and instance.seen_at is None:
        return
    if update_fields is not None and "seen_at" not in update_fields:
        return
    person_changed(instance.user_id)


@receiver(post_save, sender=User, dispatch_uid="samepage_pending_person")
def _person_saved(sender, instance, created, update_fields, **kwargs) -> None:
    if (
        created
        or update_fields is None
        or {"in_sales", "in_support"} & set(update_fields)
    ):
        person_changed(instance.pk)


@receiver(post_save, sender=Document, dispatch_uid="samepage_pending_document")
def _document_saved(sender, instance, **kwargs) -> None:
    # A new document has no version yet: publishing its first one calls
    # document_changed.
    if instance.current_version_id is not None:
        document_changed(instance.pk)
