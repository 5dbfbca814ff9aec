"""Who is on the same page: for each document's latest major version, how many of
its audience have acknowledged it, and who has not."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from django.db.models import Count, F, Q, QuerySet

from ..models import Acknowledgment, Audience, Document, User
from .digest import audiences_for_teams, user_teams

TEAMS = ("sales", "support")


def percent_of(acknowledged: int, audience_size: int) -> int:
    if not audience_size:
        return 100
    return round(100 * acknowledged / audience_size)


@dataclass(frozen=True)
class Coverage:
    document: Document
    required_number: int
    audience_size: int
    acknowledged: int

    @property
    def missing(self) -> int:
        return self.audience_size - self.acknowledged

    @property
    def percent(self) -> int:
        return percent_of(self.acknowledged, self.audience_size)


def _team_filter(teams: tuple[str, ...], prefix: str = "") -> Q:
    """People on any of `teams`."""
    condition = Q(pk__in=[])
    for team in teams:
        condition |= Q(**{f"{prefix}in_{team}": True})
    return condition


def _audience_teams(audience: str, team: str = "") -> tuple[str, ...]:
    teams = TEAMS if audience == Audience.BOTH else (audience,)
    return tuple(t for t in teams if not team or t == team)


def audience_members(document: Document, team: str = "") -> QuerySet[User]:
    return User.objects.filter(
        _team_filter(_audience_teams(document.audience, team)), is_active=True
    )


def _audience_sizes(team: str) -> dict[str, int]:
    """Active people addressed by each audience value, in one query."""
    return User.objects.filter(is_active=True).aggregate(
        **{
            audience: Count("pk", filter=_team_filter(_audience_teams(audience, team)))
            for audience in Audience.values
        }
    )


def _kept_count(audience: str, team: str) -> str:
    """The kept count (models.CoverageCount) of those addressed by `audience`
    who are on `team` (on any team, when none is given)."""
    if team:
        return team
    return "either" if audience == Audience.BOTH else audience


class _Row(NamedTuple):
    pk: int
    doc_id: str
    required_number: int
    audience_size: int
    acknowledged: int

    def lowest_first(self) -> tuple:
        """The report's order: lowest coverage, then most people missing."""
        missing = self.audience_size - self.acknowledged
        return percent_of(self.acknowledged, self.audience_size), -missing, self.doc_id


# What the report shows of each document (and its owner and category).
_SHOWN = (
    "doc_id",
    "title",
    "audience",
    "latest_major_number",
    "owner__username",
    "owner__first_name",
    "owner__last_name",
    "owner__is_active",
    "category__name",
)


class CoverageReport(Sequence):
    """The report's rows in order, for Django's Paginator: the order is worked
    out from the kept counts of every document (numbers only), the documents
    themselves are read only for the rows asked for, in one query each time."""

    def __init__(self, rows: list[_Row], batch: int = 500):
        self.rows = rows
        self.batch = batch  # documents read at once while iterating (the CSV)

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return self._coverage(self.rows[index])
        return self._coverage([self.rows[index]])[0]

    def __iter__(self) -> Iterator[Coverage]:
        for start in range(0, len(self.rows), self.batch):
            yield from self._coverage(self.rows[start : start + self.batch])

    @staticmethod
    def _coverage(rows: list[_Row]) -> list[Coverage]:
        documents = Document.objects.select_related("owner", "category").only(*_SHOWN)
        found = documents.in_bulk([row.pk for row in rows])
        return [
            Coverage(
                document=found[row.pk],
                required_number=row.required_number,
                audience_size=row.audience_size,
                acknowledged=row.acknowledged,
            )
            for row in rows
        ]


def coverage_report(
    *, team: str = "", category_id: int | None = None, owner: User | None = None
) -> CoverageReport:
    """Every active document (for `team`'s members only, when given), lowest
    coverage first, from the counts kept as people acknowledge (counted from the
    acknowledgments, it took seconds with millions of them). Two queries, and
    one for each page of rows read."""
    documents = Document.objects.filter(status=Document.Status.ACTIVE)
    if team:
        documents = documents.filter(audience__in=audiences_for_teams([team]))
    if category_id:
        documents = documents.filter(category_id=category_id)
    if owner is not None:
        documents = documents.filter(owner=owner)
    sizes = _audience_sizes(team)
    # Which of the kept counts (sales, support, either) each audience reads.
    counted = {
        audience: ("sales", "support", "either").index(_kept_count(audience, team))
        for audience in Audience.values
    }
    rows = []
    for pk, doc_id, audience, required, *kept in documents.values_list(
        "pk",
        "doc_id",
        "audience",
        "latest_major_number",
        "coverage_count__sales",
        "coverage_count__support",
        "coverage_count__either",
    ):
        size = sizes[audience]
        acknowledged = kept[counted[audience]] or 0  # no row yet: nobody
        rows.append(_Row(pk, doc_id, required, size, acknowledged))
    rows.sort(key=_Row.lowest_first)
    return CoverageReport(rows)


def document_coverage(document: Document) -> tuple[Coverage, list[User]]:
    """The coverage of one document and the people who have not acknowledged its
    latest major version."""
    members = audience_members(document)
    acknowledged = Acknowledgment.objects.filter(
        document=document, number__gte=document.latest_major_number
    ).values("user_id")
    missing = list(members.exclude(pk__in=acknowledged).order_by("username"))
    size = members.count()
    coverage = Coverage(
        document=document,
        required_number=document.latest_major_number,
        audience_size=size,
        acknowledged=size - len(missing),
    )
    return coverage, missing


def unacknowledged_documents(person: User) -> QuerySet[Document]:
    """Documents addressed to `person` whose latest major version they have not
    acknowledged: the per-person view."""
    covered = Acknowledgment.objects.filter(
        user=person, number__gte=F("document__latest_major_number")
    ).values("document_id")
    return (
        Document.objects.filter(
            status=Document.Status.ACTIVE,
            audience__in=audiences_for_teams(user_teams(person)),
        )
        .exclude(pk__in=covered)
        .select_related("owner", "category", "current_version")
        .defer("current_version__body", "current_version__body_html")
        .order_by("doc_id")
    )
