"""Every non-trivial read of goals: one queryset each, related rows joined, so a
page costs the same queries however many goals and readings there are."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404

from docs_registry.models import Team

from .models import Goal, GoalReading
from .progress import Progress, progress


@dataclass(frozen=True)
class GoalCard:
    goal: Goal
    progress: Progress


@dataclass(frozen=True)
class TeamGoals:
    team: str
    label: str
    cards: list[GoalCard]


def _goals():
    readings = GoalReading.objects.select_related("recorded_by").order_by(
        "taken_on", "recorded_at", "pk"
    )
    return Goal.objects.select_related("owner", "closed_by").prefetch_related(
        Prefetch("readings", queryset=readings)
    )


def _by_team(goals) -> list[TeamGoals]:
    cards = [
        GoalCard(goal, progress(goal, list(goal.readings.all()))) for goal in goals
    ]
    return [
        TeamGoals(team, label, [card for card in cards if card.goal.team == team])
        for team, label in Team.choices
    ]


def month_bounds(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def goals_during(
    first: date, last: date, *, open_only: bool = False
) -> list[TeamGoals]:
    """Both teams' goals whose period overlaps first–last, by team (Sales, then
    Support), each in order of its period."""
    goals = _goals().filter(period_start__lte=last, period_end__gte=first)
    if open_only:
        goals = goals.filter(closed_at__isnull=True)
    return _by_team(goals.order_by("period_start", "pk"))


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
    goal = get_object_or_404(_goals(), pk=pk)
    return GoalCard(goal, progress(goal, list(goal.readings.all())))
