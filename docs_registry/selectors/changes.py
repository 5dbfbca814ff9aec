"""The managers' change history across all documents: every publish (from the
append-only Version table) and every metadata change (simple-history records),
merged newest first in one SQL UNION so it pages and filters in the database."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

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


def change_rows(filters: ChangeFilters) -> QuerySet:
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
        return publishes.values(*_COLUMNS).order_by("-when", "-ref")
    if filters.kind:
        return (
            records.filter(change_kind=filters.kind)
            .values(*_COLUMNS)
            .order_by("-when", "-ref")
        )
    # Both halves must be plain values() with no ordering of their own.
    union = (
        publishes.values(*_COLUMNS)
        .order_by()
        .union(records.values(*_COLUMNS).order_by(), all=True)
    )
    return union.order_by("-when", "-ref")


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
