"""Who is on the same page: for each document's latest major version, how many of
its audience have acknowledged it, and who has not."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet

from ..models import Acknowledgment, Audience, Document, User
from .digest import audiences_for_teams, user_teams

TEAMS = ("sales", "support")


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
        if not self.audience_size:
            return 100
        return round(100 * self.acknowledged / self.audience_size)


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


def _acknowledged_counts(documents: QuerySet[Document], team: str) -> dict[int, int]:
    """Per document, the audience members who acknowledged its latest major version
    (or a later one), in one query."""
    in_audience = Q(pk__in=[])
    for audience in Audience.values:
        in_audience |= Q(document__audience=audience) & _team_filter(
            _audience_teams(audience, team), prefix="user__"
        )
    rows = (
        Acknowledgment.objects.filter(
            in_audience,
            document__in=documents,
            number__gte=F("document__latest_major_number"),
            user__is_active=True,
        )
        .values("document_id")
        .annotate(people=Count("user_id", distinct=True))
    )
    return {row["document_id"]: row["people"] for row in rows}


def coverage_report(
    *, team: str = "", category_id: int | None = None, owner: User | None = None
) -> list[Coverage]:
    """Every active document (for `team`'s members only, when given), lowest
    coverage first. Three queries whatever the number of documents."""
    documents = Document.objects.filter(status=Document.Status.ACTIVE)
    if team:
        documents = documents.filter(audience__in=audiences_for_teams([team]))
    if category_id:
        documents = documents.filter(category_id=category_id)
    if owner is not None:
        documents = documents.filter(owner=owner)
    sizes = _audience_sizes(team)
    acknowledged = _acknowledged_counts(documents, team)
    report = [
        Coverage(
            document=document,
            required_number=document.latest_major_number,
            audience_size=sizes[document.audience],
            acknowledged=acknowledged.get(document.pk, 0),
        )
        for document in documents.select_related("owner", "category").only(
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
    ]
    report.sort(key=lambda row: (row.percent, -row.missing, row.document.doc_id))
    return report


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
