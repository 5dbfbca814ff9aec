"""The managers' change history across all documents: every publish (from the
append-only Version table) and every metadata change (simple-history records),
merged newest first in one SQL UNION so it pages and filters in the database."""

from __future__ import annotations

import heapq
import itertools
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import connection
from django.db.models import CharField, F, QuerySet, Value
from django.utils import timezone

from ..models import Category, ChangeKind, Document, User, Version
from .documents import field_changes

PUBLISH = "publish"
KINDS = {PUBLISH: "Publish", **dict(ChangeKind.choices)}
_COLUMNS = ("when", "kind", "who_id", "document_id", "ref", "text")


@dataclass(frozen=True)
class ChangeFilters:
    document: Document | None = None
    who: User | None = None
    owner: User | None = None
    audience: str = ""
    category: Category | None = None
    since: date | None = None
    until: date | None = None
    kind: str = ""


@dataclass
class Change:
    when: datetime
    kind: str
    who: User | None
    document: Document
    summary: str
    version_number: int | None = None
    changes: tuple[tuple[str, str, str], ...] = ()

    @property
    def kind_label(self) -> str:
        return KINDS.get(self.kind, self.kind)


def _documents(filters: ChangeFilters) -> QuerySet[Document] | None:
    """The documents the filters allow, or None when they allow every one."""
    conditions = {}
    if filters.document:
        conditions["pk"] = filters.document.pk
    if filters.owner:
        conditions["owner"] = filters.owner
    if filters.audience:
        conditions["audience"] = filters.audience
    if filters.category:
        conditions["category"] = filters.category
    return Document.objects.filter(**conditions).values("pk") if conditions else None


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _filtered(rows: QuerySet, filters: ChangeFilters, *, when: str, who: str, doc: str):
    documents = _documents(filters)
    if documents is not None:
        rows = rows.filter(**{f"{doc}__in": documents})
    if filters.who:
        rows = rows.filter(**{who: filters.who.pk})
    if filters.since:
        rows = rows.filter(**{f"{when}__gte": _day_start(filters.since)})
    if filters.until:
        rows = rows.filter(**{f"{when}__lt": _day_start(filters.until + timedelta(1))})
    return rows


def change_rows(filters: ChangeFilters) -> ChangeRows:
    """One row per change: (when, kind, who_id, document_id, ref, text), newest
    first. `ref` is the version number of a publish, the history id otherwise."""
    publishes = _filtered(
        # v1 is part of the creation, which the history record already shows.
        Version.objects.filter(number__gt=1),
        filters,
        when="published_at",
        who="published_by_id",
        doc="document_id",
    ).annotate(
        when=F("published_at"),
        kind=Value(PUBLISH, output_field=CharField()),
        who_id=F("published_by_id"),
        ref=F("number"),
        text=F("summary"),
    )
    records = _filtered(
        Document.history.model.objects.all(),
        filters,
        when="history_date",
        who="history_user_id",
        doc="id",
    ).annotate(
        when=F("history_date"),
        kind=F("change_kind"),
        who_id=F("history_user_id"),
        document_id=F("id"),
        ref=F("history_id"),
        text=F("history_change_reason"),
    )
    if filters.kind == PUBLISH:
        halves = [publishes]
    elif filters.kind:
        halves = [records.filter(change_kind=filters.kind)]
    else:
        halves = [publishes, records]
    return ChangeRows([half.values(*_COLUMNS).order_by() for half in halves])


def _newest_first(row: dict) -> tuple:
    return row["when"], row["ref"]


class ChangeRows:
    """The rows of the publishes and of the metadata changes, merged newest first,
    for Django's Paginator and the CSV.

    Each half is read in the order of its date index and only as far as the
    window asked for ends (the first page: 100 rows of each), then the two are
    merged here; the count is the sum of the halves' counts, in one statement.
    As one UNION sorted and counted by the database, every view read every
    version: 0.1 s of PostgreSQL's time with the bench's 200,000 (the page 0.06
    s, its count 0.05), against 0.2 ms for the page and 17 ms for the count."""

    def __init__(self, halves: list[QuerySet]):
        self.halves = [half.order_by("-when", "-ref") for half in halves]
        self.counted: int | None = None

    def count(self) -> int:
        if self.counted is None:
            self.counted = _count_together(self.halves)
        return self.counted

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list[dict]:
        start, stop = window.start or 0, window.stop
        if stop is None or window.step is not None:
            raise TypeError("ChangeRows reads a window with an end: rows[a:b]")
        if stop <= start:
            return []
        read = [list(half[:stop]) for half in self.halves]
        merged = heapq.merge(*read, key=_newest_first, reverse=True)
        return list(itertools.islice(merged, start, stop))

    def iterator(self, chunk_size: int) -> Iterator[dict]:
        """Every row, newest first, each half read `chunk_size` rows at a time."""
        return heapq.merge(
            *(half.iterator(chunk_size=chunk_size) for half in self.halves),
            key=_newest_first,
            reverse=True,
        )


def _count_together(halves: list[QuerySet]) -> int:
    """The rows of all `halves`, counted in one statement."""
    counts, params = [], []
    for half in halves:
        sql, half_params = half.order_by().values("pk").query.sql_with_params()
        # The ORM's own SQL, its values bound as parameters.
        counts.append(f"(SELECT COUNT(*) FROM ({sql}) half)")  # noqa: S608
        params += half_params
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + " + ".join(counts), params)
        return cursor.fetchone()[0]


def hydrate(rows: list[dict]) -> list[Change]:
    """Turn one page of rows into Changes, in three queries whatever its size."""
    documents = Document.objects.select_related("category", "owner").in_bulk(
        {row["document_id"] for row in rows}
    )
    people = User.objects.in_bulk({row["who_id"] for row in rows if row["who_id"]})
    history_ids = [row["ref"] for row in rows if row["kind"] != PUBLISH]
    deltas = _field_changes_for(history_ids, {row["document_id"] for row in rows})
    return [
        Change(
            when=row["when"],
            kind=row["kind"],
            who=people.get(row["who_id"]),
            document=documents[row["document_id"]],
            summary=row["text"] or "",
            version_number=row["ref"] if row["kind"] == PUBLISH else None,
            changes=deltas.get(row["ref"], ()) if row["kind"] != PUBLISH else (),
        )
        for row in rows
    ]


def _field_changes_for(history_ids: list[int], document_ids: set[int]):
    """Field-level changes of the given history records, each paired in Python
    with the record before it (one query, not `prev_record` per row)."""
    if not history_ids:
        return {}
    by_document = defaultdict(list)
    records = (
        Document.history.model.objects.filter(id__in=document_ids)
        .select_related("owner", "category")
        .order_by("history_date", "history_id")
    )
    for record in records:
        by_document[record.id].append(record)
    wanted = set(history_ids)
    deltas = {}
    for series in by_document.values():
        for previous, record in zip([None, *series], series, strict=False):
            if record.history_id in wanted and previous is not None:
                deltas[record.history_id] = field_changes(previous, record)
    return deltas
