"""Reads of documents, their versions and their history."""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import NamedTuple

from django.db.models import CharField, IntegerField, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.http import Http404

from ..addresses import address
from ..caching import cache_key, remember
from ..models import (
    Audience,
    Category,
    ChangeKind,
    Document,
    DocumentOwner,
    Draft,
    User,
    Version,
)
from ..prepared import (
    JOINED_BY_KEY,
    Asked,
    OutOfRange,
    Param,
    PreparedList,
    PreparedQuery,
    prepared,
)

SORTS = {
    "id": ("doc_id",),
    "title": ("title", "doc_id"),
    "changed": ("-changed_at", "doc_id"),
}

# The browse list never shows bodies; leaving them out keeps the page light.
_LIST_DEFERRED = ("current_version__body", "current_version__body_html")


def document_list(
    *,
    query: str = "",
    audience: str = "",
    category_id: int | None = None,
    owner_id: int | None = None,
    owner_inactive: bool = False,
    include_retired: bool = False,
    sort: str = "id",
) -> QuerySet[Document]:
    documents = Document.objects.select_related(
        "category", "owner", "current_version"
    ).defer(*_LIST_DEFERRED)
    if not include_retired:
        documents = documents.filter(status=Document.Status.ACTIVE)
    if query:
        documents = documents.filter(
            Q(doc_id__icontains=query) | Q(title__icontains=query)
        )
    if audience == Audience.BOTH:
        documents = documents.filter(audience=Audience.BOTH)
    elif audience in (Audience.SALES, Audience.SUPPORT) or isinstance(audience, Param):
        # A team sees the documents addressed to it and those for both teams.
        documents = documents.filter(Q(audience=audience) | Q(audience=Audience.BOTH))
    if category_id:
        documents = documents.filter(category_id=category_id)
    if owner_id:
        documents = documents.filter(owner_id=owner_id)
    if owner_inactive:
        documents = documents.filter(owner__is_active=False)
    return documents.order_by(*SORTS.get(sort, SORTS["id"]))


class DocumentRow(NamedTuple):
    """A row of the Documents page (listing.document_rows): plain values, since
    building four model instances for each of fifty rows took a millisecond."""

    doc_id: str
    title: str
    status: str
    audience: str
    category_name: str
    owner_username: str
    owner_first_name: str
    owner_last_name: str
    owner_is_active: bool
    number: int | None  # of the current version (none before the first publish)
    published_at: datetime | None

    def get_absolute_url(self) -> str:
        return address("docs_registry:document", self.doc_id)

    @property
    def is_retired(self) -> bool:
        return self.status == Document.Status.RETIRED

    @property
    def audience_label(self) -> str:
        return Audience(self.audience).label

    @property
    def owner_name(self) -> str:
        return User.name_from(
            self.owner_username, self.owner_first_name, self.owner_last_name
        )


# The columns of a DocumentRow, in its order.
_ROW_FIELDS = (
    "doc_id",
    "title",
    "status",
    "audience",
    "category__name",
    *(f"owner__{name}" for name in User.NAME_FIELDS),
    "owner__is_active",
    "current_version__number",
    "current_version__published_at",
)


def document_rows(**filters) -> PreparedList:
    """`document_list(**filters)` as DocumentRows, with only what the page shows,
    for Paginator: prepared once for each combination of the filters in use (at
    most 192), so a page worked out afresh builds no query."""
    unknown = filters.keys() - _FILTERS
    if unknown:
        raise TypeError(f"Unknown filters: {sorted(unknown)}")
    audience = filters.get("audience", "")
    values = {name: filters.get(name) for name in ("query", "category_id", "owner_id")}
    if audience in (Audience.SALES, Audience.SUPPORT):
        values["audience"] = audience
    values = {name: value for name, value in values.items() if value}
    sort = filters.get("sort", "id")
    shape = (
        frozenset(values),
        audience == Audience.BOTH,
        bool(filters.get("owner_inactive")),
        bool(filters.get("include_retired")),
        sort if sort in SORTS else "id",
    )
    rows = prepared(
        _row_values,
        *shape,
        rows_as=DocumentRow._make,
        counted=partial(_rows_shaped, *shape),
    )
    return PreparedList(rows, **values)


# What document_list filters by.
_FILTERS = {
    "query",
    "audience",
    "category_id",
    "owner_id",
    "owner_inactive",
    "include_retired",
    "sort",
}
# How each filter's value is written to the database.
_FILTER_FIELDS = {
    "query": CharField(),
    "audience": CharField(),
    "category_id": IntegerField(),
    "owner_id": IntegerField(),
}


def _row_values(*shape) -> QuerySet[Document]:
    return _rows_shaped(*shape).values_list(*_ROW_FIELDS)


def _rows_shaped(
    names, both: bool, owner_inactive: bool, include_retired: bool, sort: str
) -> QuerySet[Document]:
    filters = {name: Param(name, _FILTER_FIELDS[name]) for name in names}
    if both:
        filters["audience"] = Audience.BOTH
    return document_list(
        owner_inactive=owner_inactive,
        include_retired=include_retired,
        sort=sort,
        **filters,
    )


_DOCUMENT = PreparedQuery(
    lambda: (
        Document.objects.select_related(
            "category",
            "owner",
            "retired_by",
            "current_version__published_by",
            "pending_version",
        )
        .defer(
            "pending_version__body",
            "pending_version__body_html",
            *User.fields_not_shown("owner"),
            *User.fields_not_shown("retired_by"),
            *User.fields_not_shown("current_version__published_by"),
        )
        .filter(doc_id=Param("doc_id", CharField()))
    )
)


def document_get(doc_id: str) -> Document:
    """The document with everything its pages show, or 404. IDs match in any case."""
    for document in _DOCUMENT.run(doc_id=doc_id.upper()):
        return document
    raise Http404("No document has that ID.")


def document_get_kept(doc_id: str, revision: int) -> Document:
    """`document_get`, kept under the revision (see caching.py): for pages and API
    reads that only show the document."""
    key = cache_key("document", doc_id.upper(), revision)
    return remember(key, lambda: document_get(doc_id))


_VERSION = PreparedQuery(
    lambda: (
        Version.objects.select_related("published_by")
        .defer(*User.fields_not_shown("published_by"))
        .filter(
            document_id=Param("document", IntegerField()),
            number=Param("number", IntegerField()),
        )
    )
)


def version_get(document: Document, number: int) -> Version:
    if document.current_version.number == number:
        return document.current_version
    try:
        found = _VERSION.run(document=document.pk, number=number)
    except OutOfRange:
        found = []  # a number no version can have
    if not found:
        raise Http404("No such version.")
    return found[0]


def withdrawn_before_applied(
    effective_at: datetime | None, next_published_at: datetime | None
) -> bool:
    """Whether a version announced for `effective_at` was replaced before then:
    the next version was published before its moment came."""
    return bool(effective_at and next_published_at and next_published_at < effective_at)


def version_in_force(document: Document, at: datetime) -> Version | None:
    """The version in force at `at`: the highest-numbered one whose moment (its
    effective date, else its publication) had come, leaving out those withdrawn
    before they applied. None before the document existed."""
    rows = list(
        Version.objects.filter(document=document)
        .order_by("number")
        .values_list("pk", "published_at", "effective_at")
    )
    chosen = None
    for index, (pk, published_at, effective_at) in enumerate(rows):
        following = rows[index + 1][1] if index + 1 < len(rows) else None
        if withdrawn_before_applied(effective_at, following):
            continue
        if (effective_at or published_at) <= at:
            chosen = pk
    if chosen is None:
        return None
    return Version.objects.select_related("published_by").get(pk=chosen)


def version_withdrawn(version: Version) -> bool:
    """`withdrawn_before_applied` for one version (a query only when it had an
    effective date)."""
    if version.effective_at is None:
        return False
    following = (
        Version.objects.filter(
            document_id=version.document_id, number=version.number + 1
        )
        .values_list("published_at", flat=True)
        .first()
    )
    return withdrawn_before_applied(version.effective_at, following)


# A comparison lists the summaries of at most this many versions between its two,
# newest first, so that its cost does not grow with the span; the history has all.
SUMMARIES_LISTED = 50


class Compared(NamedTuple):
    """The two versions a comparison compares, oldest first, and the versions
    after the older up to the newer, newest first: the summaries of the change
    between, the newest `SUMMARIES_LISTED` of them."""

    old: Version
    new: Version
    between: list[Version]


def _span(first: int, second: int) -> tuple[int, int, int]:
    """The older and newer of two versions, and the number after which the
    summaries between them start (a document's numbers run 1, 2, 3...)."""
    low, high = sorted((first, second))
    return low, max(low, high - SUMMARIES_LISTED), high


def compared_versions_asked(document: Document, first: int, second: int) -> Asked:
    """What a comparison of `first` and `second` shows of `document`'s versions,
    as one query to run or keep as rows (`compared_versions` sorts its objects)."""
    low, after, high = _span(first, second)
    return Asked(
        _COMPARED_VERSIONS,
        {"document": document.pk, "low": low, "after": after, "high": high},
    )


def compared_versions(versions: list[Version], first: int, second: int) -> Compared:
    """`versions` (as `compared_versions_asked` reads them) sorted out; 404 when
    either version does not exist."""
    low, after, high = _span(first, second)
    found = {version.number: version for version in versions}
    if low not in found or high not in found:
        raise Http404("No such version.")
    between = [version for version in versions if version.number > after]
    return Compared(found[low], found[high], between)


# One query for the two versions and the summaries between (two took a round trip
# more), each with its publisher and without the bodies: the comparison reads
# them only if it is not stored.
_COMPARED_VERSIONS = PreparedQuery(
    lambda: (
        Version.objects.filter(
            Q(number=Param("low", IntegerField()))
            | Q(
                number__gt=Param("after", IntegerField()),
                number__lte=Param("high", IntegerField()),
            ),
            document_id=Param("document", IntegerField()),
        )
        .select_related("published_by")
        .defer("body", "body_html", *User.fields_not_shown("published_by"))
        .order_by("-number")
    )
)


def draft_for(document: Document, user: User) -> Draft | None:
    return Draft.objects.filter(document=document, author=user).first()


def document_owners() -> QuerySet[User]:
    """People who own a document, with only their names (the filters' options):
    as listed in DocumentOwner (see owners.py), not found from the documents."""
    listed = DocumentOwner.objects.values("user_id")
    return User.objects.filter(pk__in=listed).only(*User.NAME_FIELDS)


class FilterOptions(NamedTuple):
    """What the browse and search filters offer: every category as (pk, name,
    prefix) rows, by name, and the people who own a document as (pk, username,
    first name, last name) rows, by name as shown."""

    categories: list[tuple]
    owners: list[tuple]


# Which list a row of `_filter_options` belongs to.
_CATEGORY, _OWNER = 0, 1


def _constant(sql: str, output_field) -> RawSQL:
    # A literal written into the SQL (ours, not a value given): as a parameter,
    # PostgreSQL types it as text and the statement is not prepared.
    return RawSQL(sql, (), output_field=output_field)  # noqa: S611


def _filter_options() -> QuerySet:
    """Both lists in one statement (a round trip is 2–3 % of a cold browse or
    search page), each row saying which it belongs to, in no order: sorted by
    name, SQLite read the owners' names from the index on the people's
    usernames, the whole staff. The owners come from their own rows
    (DocumentOwner, see owners.py), each joined to its person by key."""
    categories = (
        Category.objects.order_by()
        .annotate(
            list=_constant(str(_CATEGORY), IntegerField()),
            unused=_constant("''", CharField()),
        )
        .values_list("list", "pk", "name", "prefix", "unused")
    )
    owners = DocumentOwner.objects.annotate(
        list=_constant(str(_OWNER), IntegerField())
    ).values_list("list", "user_id", *(f"user__{name}" for name in User.NAME_FIELDS))
    return categories.union(owners, all=True)


# Prepared: building and compiling the query cost more than running it. With
# hash and merge joins off: planned alone, PostgreSQL read the people's whole
# index to join the bench's 50 owners (a merge join), or hashed the whole staff
# while the owners' table had no statistics yet.
_FILTER_OPTIONS = PreparedQuery(
    _filter_options,
    setting=JOINED_BY_KEY,
)


def filter_options() -> FilterOptions:
    """The filters' categories and owners, read together on every browse and
    search page worked out afresh."""
    categories, owners = [], []
    for which, *row in _FILTER_OPTIONS.run():
        if which == _CATEGORY:
            categories.append(tuple(row[:3]))
        else:
            owners.append(tuple(row))
    categories.sort(key=lambda row: (row[1], row[0]))
    owners.sort(key=lambda row: (User.name_from(*row[1:]).casefold(), row[1]))
    return FilterOptions(categories, owners)


def owner_choices() -> QuerySet[User]:
    return User.objects.filter(is_active=True).order_by("username")


@dataclass(frozen=True)
class HistoryEntry:
    """One line of a document's history: a publish or a metadata change."""

    when: datetime
    kind: str  # "publish" or a ChangeKind value
    who: User | None
    summary: str
    version: Version | None = None
    changes: tuple[tuple[str, str, str], ...] = ()
    withdrawn: bool = False

    @property
    def kind_label(self) -> str:
        return "Publish" if self.kind == "publish" else ChangeKind(self.kind).label


HISTORY_FIELDS = ("title", "category", "audience", "owner", "status")


def field_changes(previous, record) -> tuple[tuple[str, str, str], ...]:
    """(field, before, after) for each tracked field that differs between two
    consecutive history records of one document."""
    delta = record.diff_against(previous, included_fields=list(HISTORY_FIELDS))
    changed = {change.field for change in delta.changes}
    return tuple(
        (name, _display(previous, name), _display(record, name))
        for name in HISTORY_FIELDS
        if name in changed
    )


# What a history line shows, people by their names alone: loading only that took
# a quarter off each of the history's two queries.
_RECORD_FIELDS = (
    "history_id",
    "history_date",
    "history_change_reason",
    "change_kind",
    *(name for name in HISTORY_FIELDS if name not in ("category", "owner")),
    "category__name",
    *(f"owner__{name}" for name in User.NAME_FIELDS),
    *(f"history_user__{name}" for name in User.NAME_FIELDS),
)
# A line of a list of versions (listing.version_items): the history's and the
# digest's.
VERSION_LINE_FIELDS = (
    "document_id",
    "number",
    "significance",
    "summary",
    "published_at",
    "effective_at",
    *(f"published_by__{name}" for name in User.NAME_FIELDS),
)


_HISTORY_RECORDS = PreparedQuery(
    lambda: (
        Document.history.filter(id=Param("document", IntegerField()))
        .select_related("history_user", "owner", "category")
        .only(*_RECORD_FIELDS)
        .order_by("history_date", "history_id")
    )
)


def _metadata_entries(document: Document) -> list[HistoryEntry]:
    """Metadata changes, each paired with the record before it in Python (one query,
    rather than `prev_record` per row)."""
    records = _HISTORY_RECORDS.run(document=document.pk)
    entries = []
    previous = None
    for record in records:
        entries.append(
            HistoryEntry(
                when=record.history_date,
                kind=record.change_kind or ChangeKind.DETAILS,
                who=record.history_user,
                summary=record.history_change_reason or "",
                changes=field_changes(previous, record) if previous else (),
            )
        )
        previous = record
    return entries


def _display(record, field: str) -> str:
    value = getattr(record, field)
    if field == "audience":
        return Audience(value).label
    if field == "status":
        return Document.Status(value).label
    return str(value)


# Each version's publisher looked up by key (JOINED_BY_KEY): the plan for any
# document hashed the whole staff, 0.12 ms of PostgreSQL's 0.14.
_HISTORY_VERSIONS = PreparedQuery(
    lambda: (
        Version.objects.filter(document_id=Param("document", IntegerField()))
        .select_related("published_by")
        .only(*VERSION_LINE_FIELDS)
        .order_by("published_at", "number")
    ),
    setting=JOINED_BY_KEY,
)


def document_history(document: Document) -> list[HistoryEntry]:
    """Every version and every metadata change of a document, newest first."""
    versions = _HISTORY_VERSIONS.run(document=document.pk)
    following = [later.published_at for later in versions[1:]] + [None]
    publishes = [
        HistoryEntry(
            when=version.published_at,
            kind="publish",
            who=version.published_by,
            summary=version.summary,
            version=version,
            withdrawn=withdrawn_before_applied(version.effective_at, next_published),
        )
        for version, next_published in zip(versions, following, strict=True)
    ]
    # Creation publishes v1 and writes a "created" record in the same transaction:
    # one event, shown once, as v1.
    metadata = [
        entry
        for entry in _metadata_entries(document)
        if not (publishes and entry.kind == ChangeKind.CREATED)
    ]
    return list(reversed(list(heapq.merge(publishes, metadata, key=_when))))


def _when(entry: HistoryEntry) -> datetime:
    return entry.when
