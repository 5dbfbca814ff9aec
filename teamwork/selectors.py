"""Every non-trivial read of goals: one queryset each, related rows joined, so a
page costs the same queries however many goals and readings there are."""

from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import (
    DateField,
    Exists,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
)
from django.shortcuts import get_object_or_404

from docs_registry.handoff_blocks import DIRECTIONS
from docs_registry.models import Acknowledgment, Document, Team, Version
from docs_registry.prepared import Param, PreparedQuery, any_of, numbered, prepared

from .models import Goal, GoalReading, HandoffRule, Meeting
from .progress import Progress, progress


@dataclass(frozen=True)
class GoalCard:
    goal: Goal
    progress: Progress
    readings: list[GoalReading]  # in the order they were taken and recorded


@dataclass(frozen=True)
class TeamGoals:
    team: str
    label: str
    cards: list[GoalCard]


def _card(goal: Goal, readings: list[GoalReading]) -> GoalCard:
    return GoalCard(goal, progress(goal, readings), readings)


def _by_team(cards: list[GoalCard]) -> list[TeamGoals]:
    return [
        TeamGoals(team, label, [card for card in cards if card.goal.team == team])
        for team, label in Team.choices
    ]


def month_bounds(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


# Prepared (docs_registry/prepared.py), with and without the closed goals: through
# the ORM, building and compiling the goals' query and their readings' prefetch
# took a fifth of a meeting page worked out afresh, for a month with no goal.
def _goals_overlapping(open_only: bool) -> QuerySet[Goal]:
    goals = Goal.objects.select_related("owner", "closed_by").filter(
        period_start__lte=Param("last", DateField()),
        period_end__gte=Param("first", DateField()),
    )
    if open_only:
        goals = goals.filter(closed_at__isnull=True)
    return goals.order_by("period_start", "pk")


# Prepared once for each number of goals (a period holds a few; a goal's page,
# one): their readings in the order they were taken, then recorded.
def _readings_of(count: int) -> QuerySet[GoalReading]:
    return (
        GoalReading.objects.filter(any_of("goal_id", "goal", count, IntegerField()))
        .select_related("recorded_by")
        .order_by("taken_on", "recorded_at", "pk")
    )


def goals_during(
    first: date, last: date, *, open_only: bool = False
) -> list[TeamGoals]:
    """Both teams' goals whose period overlaps first–last, by team (Sales, then
    Support), each in order of its period, with its readings."""
    goals = prepared(_goals_overlapping, open_only).run(first=first, last=last)
    readings = defaultdict(list)
    if goals:
        found = prepared(_readings_of, len(goals))
        for reading in found.run(**numbered("goal", [goal.pk for goal in goals])):
            readings[reading.goal_id].append(reading)
    return _by_team([_card(goal, readings[goal.pk]) for goal in goals])


def current_goals(today: date) -> list[TeamGoals]:
    """The open goals whose period includes today: what the home pages show."""
    return goals_during(today, today, open_only=True)


def goal_months(today: date) -> list[date]:
    """The first day of every month, up to this one, in which a goal's period
    starts: the periods one can browse back to, newest first."""
    return list(
        Goal.objects.filter(Q(period_start__lte=today)).dates(
            "period_start", "month", order="DESC"
        )
    )


def goal_get(pk: int) -> Goal:
    """The goal alone: enough to decide who may do what on its page."""
    return get_object_or_404(Goal, pk=pk)


def goal_card(pk: int) -> GoalCard:
    goal = get_object_or_404(Goal.objects.select_related("owner", "closed_by"), pk=pk)
    return _card(goal, prepared(_readings_of, 1).run(**numbered("goal", [goal.pk])))


# Hand-off rules --------------------------------------------------------------------

HANDOFF_QUERY_MAX_LENGTH = 200
_RULE_TEXT = ("when", "do", "say", "to", "within")


@dataclass(frozen=True)
class RuleColumn:
    direction: str
    label: str
    rules: list


def current_rules(query: str = "") -> list[HandoffRule]:
    """The rules of the current versions of active documents, with their document
    and version, by document ID; `query`'s words each found in a rule's text or
    its document's ID or title."""
    # Asked rule by rule (is its version an active document's current one?), by
    # the unique index on current versions: a join ordered by document ID led
    # SQLite, which keeps no statistics of an empty table, to walk all 10,000
    # documents for no rule (30 ms), and so did `version_id__in` the current
    # versions (6 ms), which it lists first.
    current = Document.objects.filter(
        current_version_id=OuterRef("version_id"), status=Document.Status.ACTIVE
    )
    rules = HandoffRule.objects.filter(Exists(current)).order_by()
    for word in query[:HANDOFF_QUERY_MAX_LENGTH].split():
        matches = Q(version__document__doc_id__icontains=word) | Q(
            version__document__title__icontains=word
        )
        for field in _RULE_TEXT:
            matches |= Q(**{f"{field}__icontains": word})
        rules = rules.filter(matches)
    versions = Version.objects.defer("body", "body_html").select_related("document")
    rules = rules.prefetch_related(Prefetch("version", queryset=versions))
    return sorted(rules, key=lambda rule: (rule.version.document.doc_id, rule.position))


def handoff_matrix(query: str = "") -> list[RuleColumn]:
    rules = current_rules(query)
    return [
        RuleColumn(direction, label, [r for r in rules if r.direction == direction])
        for direction, label in DIRECTIONS.items()
    ]


def acknowledged_numbers(user) -> dict[int, int]:
    """The newest version of each document the person has acknowledged."""
    return dict(
        Acknowledgment.objects.filter(user=user)
        .values("document_id")
        .annotate(newest=Max("number"))
        .values_list("document_id", "newest")
    )


_MEETING_ROW = PreparedQuery(
    lambda: Meeting.objects.filter(month=Param("month", DateField()))
)


def meeting_row(first: date) -> Meeting | None:
    """The month's meeting alone, to decide who may write on its page."""
    found = _MEETING_ROW.run(month=first)
    return found[0] if found else None
