"""Every non-trivial read of the field app: one queryset each, related rows
joined."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import partial
from typing import NamedTuple

from django.db.models import (
    CharField,
    DateField,
    DateTimeField,
    F,
    IntegerField,
    Prefetch,
    Q,
    QuerySet,
)
from django.db.models.functions import Upper
from django.db.models.lookups import Exact
from django.utils import timezone

from docs_registry.models import Document, User
from docs_registry.prepared import (
    Asked,
    Param,
    PreparedList,
    PreparedQuery,
    any_of,
    numbered,
    prepared,
)

from .models import CustomerException, FieldReport, Sighting

State = CustomerException.State

SHOW_ACTIVE, SHOW_PROPOSED, SHOW_ALL = "active", "proposed", "all"


def _exceptions() -> QuerySet[CustomerException]:
    return CustomerException.objects.select_related(
        "document", "proposed_by", "decided_by", "revoked_by"
    )


def active_q(today: date) -> Q:
    """Approved, not revoked, and `today` within its days: computed from the
    dates, so nobody has to act when an exception expires."""
    return Q(state=State.APPROVED, valid_from__lte=today, valid_until__gte=today)


def exception_list(
    *,
    today: date,
    customer: str = "",
    account: str = "",
    show: str = SHOW_ACTIVE,
    people: bool = True,
) -> PreparedList:
    """Exceptions whose customer name contains `customer` and whose account
    reference is `account` (any case): the active ones, those awaiting approval,
    or all of them (expired, declined and revoked too), soonest ending first,
    each with its document; with who proposed, decided and revoked it unless
    `people` is false (the list page shows none of them). Prepared once for each
    combination of filters in use (at most 24): through the ORM, building the
    query and PostgreSQL planning it were most of a list page worked out afresh."""
    values = {"customer": customer, "account": account}
    if show == SHOW_ACTIVE:
        values["today"] = today
    values = {name: value for name, value in values.items() if value}
    shape = (
        frozenset(values),
        show if show in (SHOW_ACTIVE, SHOW_PROPOSED) else SHOW_ALL,
        people,
    )
    return PreparedList(prepared(_exceptions_found, *shape), **values)


def _exceptions_found(
    filters: frozenset, show: str, people: bool
) -> QuerySet[CustomerException]:
    """The exceptions the filters named in `filters` find (their values are Params
    of the same names), as `exception_list` gives them."""
    exceptions = CustomerException.objects.all()
    if "customer" in filters:
        exceptions = exceptions.filter(
            customer__icontains=Param("customer", CharField())
        )
    if "account" in filters:
        # Not `account__iexact` (see _exception_search).
        account = Param("account", CharField())
        exceptions = exceptions.filter(Exact(Upper("account"), Upper(account)))
    if show == SHOW_ACTIVE:
        exceptions = exceptions.filter(active_q(Param("today", DateField())))
    elif show == SHOW_PROPOSED:
        exceptions = exceptions.filter(state=State.PROPOSED)
    if people:
        exceptions = exceptions.select_related(
            "document", "proposed_by", "decided_by", "revoked_by"
        )
    else:
        exceptions = exceptions.select_related("document").only(*_ITEM_AND_CITATION)
    return exceptions.order_by("valid_until", "customer", "pk")


# What an exception's item on a document page shows (field_tags.exception_items):
# its who-when columns and reasons stay in the database (0.80 → 0.66 ms for 20).
_ITEM_FIELDS = (
    "customer",
    "account",
    "granted",
    "document_id",
    "version_number",
    "valid_from",
    "valid_until",
    "state",
)


# An item read apart from its document: the document's ID, for its citation.
_ITEM_AND_CITATION = (*_ITEM_FIELDS, "document__doc_id")


_ACTIVE_EXCEPTIONS = PreparedQuery(
    lambda: (
        CustomerException.objects.filter(
            active_q(Param("today", DateField())),
            document_id=Param("document", IntegerField()),
        )
        .only(*_ITEM_FIELDS)
        .order_by("valid_until", "customer", "pk")
    )
)


def _exception_search() -> QuerySet[CustomerException]:
    words = Param("words", CharField())
    return (
        CustomerException.objects.select_related("document")
        .only(*_ITEM_AND_CITATION)
        # Not `account__iexact`: its lookup escapes the value as it compiles, which
        # a Param gives only when the query runs. SQLite's UPPER, like its LIKE,
        # ignores the case of ASCII letters only.
        .filter(Q(customer__icontains=words) | Q(Exact(Upper("account"), Upper(words))))
        .exclude(state=State.DECLINED)
        .order_by("-valid_until", "customer", "pk")[:EXCEPTIONS_FOUND]
    )


# What the header search lists above the documents: a name finds a handful.
EXCEPTIONS_FOUND = 10
# Prepared: a search page read cold compiled this query each time (2.3 of its
# 2.7 ms).
_EXCEPTION_SEARCH = PreparedQuery(_exception_search)


def exception_search(words: str) -> list[CustomerException]:
    """What the header search finds: the first EXCEPTIONS_FOUND exceptions whose
    customer name contains `words` or whose account reference is `words`, the
    latest ending first, declined ones left out."""
    words = words.strip()
    if not words:
        return []
    return _EXCEPTION_SEARCH.run(words=words)


def active_exceptions_for(document: Document, today: date) -> list[CustomerException]:
    """The exceptions in force today against any version of `document`, each
    given `document` rather than joining it again."""
    exceptions = _ACTIVE_EXCEPTIONS.run(today=today, document=document.pk)
    for exception in exceptions:
        exception.document = document
    return exceptions


# What a digest lists of newly granted exceptions: the full list is /exceptions/.
NEW_EXCEPTIONS_SHOWN = 20


def exceptions_granted_since(
    *, audiences: list[str], since: datetime | None, today: date
) -> list[CustomerException]:
    """Exceptions approved after `since` (ever, when None) against documents
    addressed to `audiences`, still active or yet to start on `today`, most
    recently approved first: the readers of a policy learn of its exceptions
    in their digest."""
    return exceptions_granted_asked(
        audiences=audiences, since=since, today=today
    ).objects()


def exceptions_granted_asked(
    *, audiences: list[str], since: datetime | None, today: date
) -> Asked:
    """`exceptions_granted_since` as a query to run or keep as rows."""
    if not audiences:
        return Asked(None, {})
    values = numbered("audience", audiences) | {"today": today}
    if since is not None:
        values["since"] = since
    return Asked(prepared(_granted, len(audiences), since is not None), values)


# Prepared once for each number of audiences (2 or 3) and with or without "since".
def _granted(audiences: int, has_since: bool) -> QuerySet[CustomerException]:
    granted = CustomerException.objects.filter(
        any_of("document__audience", "audience", audiences, CharField()),
        state=State.APPROVED,
        valid_until__gte=Param("today", DateField()),
    )
    if has_since:
        granted = granted.filter(decided_at__gt=Param("since", DateTimeField()))
    # What an item shows, in the digest page and its email: no reasons, no people.
    return (
        granted.select_related("document")
        .only(*_ITEM_AND_CITATION)
        .order_by("-decided_at", "-pk")[:NEW_EXCEPTIONS_SHOWN]
    )


def exception_get(pk: int) -> CustomerException:
    return _exceptions().get(pk=pk)


def exception_steps(exception: CustomerException) -> list:
    """Every step with who and when, oldest first (the history records)."""
    return list(
        exception.history.select_related("history_user").order_by(
            "history_date", "history_id"
        )
    )


# --- field reports ------------------------------------------------------------------

SORT_NEWEST, SORT_MOST = "newest", "most"
PERIOD_DAYS = {"week": 7, "month": 30, "quarter": 91}


def _documents_named() -> Prefetch:
    return Prefetch(
        "documents", queryset=Document.objects.only("pk", "doc_id", "owner")
    )


def _reports() -> QuerySet[FieldReport]:
    return (
        FieldReport.objects.select_related("reporter", "answered_document")
        .prefetch_related(_documents_named())
        # Counted as each sighting is recorded: sorting a week's 200 reports by
        # their sightings counted afresh took 0.5 ms on SQLite, 1.4 on PostgreSQL.
        .annotate(seen=F("heard"))
    )


class ReportRow(NamedTuple):
    """A field report as the reports page lists it (field_tags.report_rows): its
    columns as plain values, and `doc_ids`, the IDs of the documents it names, in
    order (filled in for a page at a time, see ReportList)."""

    pk: int
    kind: str
    text: str
    customer: str
    area: str
    reported_at: datetime
    status: str
    heard: int  # the reporter and everyone who heard it again
    answered_doc_id: str | None
    answered_number: int | None
    reporter_username: str
    reporter_first_name: str
    reporter_last_name: str
    doc_ids: list[str]

    @property
    def reporter_name(self) -> str:
        return User.name_from(
            self.reporter_username, self.reporter_first_name, self.reporter_last_name
        )

    @property
    def answered_in(self) -> str:
        if self.answered_doc_id is None:
            return ""
        return f"{self.answered_doc_id} v{self.answered_number}"


# The columns of a ReportRow, in its order (all but `doc_ids`).
_REPORT_ROW_FIELDS = (
    "pk",
    "kind",
    "text",
    "customer",
    "area",
    "reported_at",
    "status",
    "heard",
    "answered_document__doc_id",
    "answered_number",
    *(f"reporter__{name}" for name in User.NAME_FIELDS),
)


def _report_row(values: tuple) -> ReportRow:
    return ReportRow(*values, doc_ids=[])


class ReportList(PreparedList):
    """The reports a filter finds, for Paginator, as ReportRows: a page's rows
    in one statement and the documents they name in another."""

    def __getitem__(self, window: slice) -> list[ReportRow]:
        reports = super().__getitem__(window)
        if reports:
            by_pk = {report.pk: report for report in reports}
            named = prepared(_doc_ids_named, len(reports))
            for report_pk, doc_id in named.run(**numbered("report", list(by_pk))):
                by_pk[report_pk].doc_ids.append(doc_id)
        return reports


def field_report_list(
    *,
    today: date,
    kind: str = "",
    area: str = "",
    team: str = "",
    period: str = "",
    sort: str = SORT_NEWEST,
) -> ReportList:
    """Reports, newest or most heard first, filtered by kind, area (any case), the
    reporter's team and how recent they are, as ReportRows. Prepared once for
    each combination of the filters in use (at most 48): the page worked out
    afresh builds no query, and PostgreSQL plans none (through the ORM, with its
    documents prefetched, it took 18 ms of the page's 26 cold)."""
    values = {"kind": kind, "area": area}
    if period in PERIOD_DAYS:
        values["start"] = _period_start(today, period)
    values = {name: value for name, value in values.items() if value}
    shape = (
        frozenset(values),
        team if team in ("sales", "support") else "",
        SORT_MOST if sort == SORT_MOST else SORT_NEWEST,
    )
    rows = prepared(
        _listed_reports,
        *shape,
        rows_as=_report_row,
        counted=partial(_reports_found, *shape),
    )
    return ReportList(rows, **values)


def _reports_found(filters: frozenset, team: str, sort: str) -> QuerySet[FieldReport]:
    """The reports the filters named in `filters` find (their values are Params
    of the same names), reporters of `team` alone if one is given, in `sort`'s
    order."""
    reports = FieldReport.objects.all()
    if "kind" in filters:
        reports = reports.filter(kind=Param("kind", CharField()))
    if "area" in filters:
        # Not `area__iexact`: its lookup escapes the value as it compiles (see
        # _exception_search).
        area = Param("area", CharField())
        reports = reports.filter(Exact(Upper("area"), Upper(area)))
    if team:
        reports = reports.filter(**{f"reporter__in_{team}": True})
    if "start" in filters:
        reports = reports.filter(reported_at__gte=Param("start", DateTimeField()))
    if sort == SORT_MOST:
        return reports.order_by(*_MOST_HEARD)
    return reports.order_by("-reported_at", "-pk")


def _listed_reports(filters: frozenset, team: str, sort: str) -> QuerySet:
    return _reports_found(filters, team, sort).values_list(*_REPORT_ROW_FIELDS)


# Prepared once for each number of reports a page lists (1 to 50).
def _doc_ids_named(count: int) -> QuerySet:
    """(report, document ID) for each document that `count` reports name, in the
    order of the IDs."""
    return (
        FieldReport.documents.through.objects.filter(
            any_of("fieldreport_id", "report", count, IntegerField())
        )
        .values_list("fieldreport_id", "document__doc_id")
        .order_by("document__doc_id")
    )


def _period_start(today: date, period: str) -> datetime:
    # Whole days, so that a page kept under the date stays right all day.
    start = datetime.combine(today - timedelta(days=PERIOD_DAYS[period]), time.min)
    return timezone.make_aware(start)


def field_report_get(pk: int) -> FieldReport:
    return _reports().get(pk=pk)


def field_report_sightings(report: FieldReport) -> list[Sighting]:
    return list(report.sightings.select_related("seen_by").order_by("seen_at", "pk"))


# Enough for a dashboard: the full list is /field/.
OWNER_REPORTS_SHOWN = 50


def field_reports_for_owner(user) -> list[FieldReport]:
    """Open reports about documents `user` owns, most heard first."""
    return list(
        _reports()
        .filter(
            status=FieldReport.Status.OPEN,
            pk__in=FieldReport.documents.through.objects.filter(
                document__owner=user
            ).values("fieldreport_id"),
        )
        .order_by("-seen", "-reported_at", "-pk")[:OWNER_REPORTS_SHOWN]
    )


def field_report_heard_by(report: FieldReport, user) -> bool:
    """Whether `user` is counted on the report already (filed it or heard it)."""
    return (
        report.reporter_id == user.pk
        or Sighting.objects.filter(report=report, seen_by=user).exists()
    )


# What the sales digest lists from the field: the week's most heard.
WEEK_REPORTS_SHOWN = 10


# What the monthly meeting lists from the field: the month's most heard.
MONTH_REPORTS_SHOWN = 10


# Most heard first: the period's reports in this order, and the top ones shown.
_MOST_HEARD = ("-heard", "-reported_at", "-pk")


def _most_heard(shown: int, **period) -> QuerySet[FieldReport]:
    """The `shown` reports filed in a period that most heard, joined to their
    reporter alone. The top ones are chosen from the index of when reports were
    filed, which holds how many heard each (FieldReport.Meta), and only they are
    read and joined: not each of the week's 200 reports joined to its reporter
    and then sorted."""
    top = FieldReport.objects.filter(**period).order_by(*_MOST_HEARD)[:shown]
    return (
        _reports()
        .select_related(None)
        .prefetch_related(None)
        .select_related("reporter")
        .defer(*User.fields_not_shown("reporter"))
        .filter(pk__in=top.values("pk"))
        .order_by(*_MOST_HEARD)
    )


# Prepared (docs_registry/prepared.py): through the ORM, building and compiling
# these took 2 ms, three times their running time, on every digest and meeting
# page worked out afresh. The server plans each once for any period, and that
# plan reads the index alone to choose (joined to every user and then sorted,
# the week's 200 reports took 0.7 ms on PostgreSQL; chosen first, 0.1).
_REPORTED_DURING = PreparedQuery(
    lambda: _most_heard(
        MONTH_REPORTS_SHOWN,
        reported_at__gte=Param("start", DateTimeField()),
        reported_at__lt=Param("end", DateTimeField()),
    )
)


def field_reports_during(start: datetime, end: datetime) -> list[FieldReport]:
    """The reports filed from `start` up to `end`, most heard first (the monthly
    meeting's pack, which names neither documents nor answers)."""
    return _REPORTED_DURING.run(start=start, end=end)


class WeekReport(NamedTuple):
    """One of the week's most heard reports as the sales digest lists it (and its
    email): only what is shown, as plain values."""

    pk: int
    kind: str
    text: str
    customer: str
    seen: int  # the reporter and everyone who heard it again
    doc_ids: list[str]  # the IDs of the documents it names, in order

    def get_kind_display(self) -> str:
        return FieldReport.Kind(self.kind).label


def field_reports_of_week(today: date) -> list[WeekReport]:
    """The last 7 days' reports, most heard first (the sales digest)."""
    reports: list[WeekReport] = []
    for *shown, named in _WEEK_ROWS.run(start=_period_start(today, "week")):
        if not reports or reports[-1].pk != shown[0]:
            reports.append(WeekReport(*shown, doc_ids=[]))
        if named is not None:
            reports[-1].doc_ids.append(named)
    return reports


def _week_rows() -> QuerySet:
    """The week's most heard reports (chosen first, as `_most_heard` chooses),
    one row for each document a report names (its ID last; None for a report
    that names none), in the order they are listed: only the columns shown, as
    values. One statement: the documents' IDs read by a query of their own cost
    a round trip, 0.2 ms of a sales digest's CPU worked out afresh, for 22 short
    rows; and each report made a model instance, with the dates it does not
    show converted, took a digest worked out afresh 0.3 ms more on SQLite."""
    top = FieldReport.objects.filter(
        reported_at__gte=Param("start", DateTimeField())
    ).order_by(*_MOST_HEARD)[:WEEK_REPORTS_SHOWN]
    return (
        FieldReport.objects.filter(pk__in=top.values("pk"))
        .order_by(*_MOST_HEARD, "documents__doc_id")
        .values_list("pk", "kind", "text", "customer", "heard", "documents__doc_id")
    )


# Prepared (docs_registry/prepared.py), as the month's reports are.
_WEEK_ROWS = PreparedQuery(_week_rows)
