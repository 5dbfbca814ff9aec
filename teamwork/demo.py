"""Demo goals, written through the services like every demo row (see
docs_registry's seed_demo, which calls `seed`). Safe to run again: a goal whose
statement already exists is left as it is."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from docs_registry.models import User

from . import services
from .models import Goal

READINGS_EVERY_DAYS = 4
MONTH_OF_READINGS = 30

# (team, owner, statement, measure, unit, direction, baseline, target, help line,
#  readings from the first to the last of the month)
GOALS = (
    (
        "sales",
        "sales-lead",
        "Close ten new accounts",
        "new accounts closed",
        "accounts",
        "at_least",
        Decimal(0),
        Decimal(10),
        "Tell us when a trial customer asks support about seats or plans.",
        (Decimal(0), Decimal(9)),
    ),
    (
        "support",
        "support-lead",
        "Bring the average support call under ten minutes",
        "average support call time",
        "min",
        "at_most",
        Decimal(14),
        Decimal(10),
        "Mention the Premium Support add-on on renewal calls.",
        (Decimal(14), Decimal("10.5")),
    ),
)


def seed(users: dict[str, User]) -> int:
    """One goal per team over the last month and this one, with a reading every
    few days for the past month. Returns how many goals were created."""
    today = timezone.localdate()
    start = (today - timedelta(days=MONTH_OF_READINGS)).replace(day=1)
    end = today.replace(day=calendar.monthrange(today.year, today.month)[1])
    existing = set(Goal.objects.values_list("statement", flat=True))
    created = 0
    for team, owner, statement, measure, unit, direction, baseline, target, help_line, (
        first,
        last,
    ) in GOALS:
        if statement in existing:
            continue
        goal = services.goal_create(
            actor=users["manager"],
            team=team,
            owner=users[owner],
            statement=statement,
            measure=measure,
            unit=unit,
            direction=direction,
            baseline=baseline,
            target=target,
            period_start=start,
            period_end=end,
            help_line=help_line,
        )
        _readings(goal, users[owner], today, first, last)
        created += 1
    return created


def _readings(goal: Goal, owner: User, today: date, first: Decimal, last: Decimal):
    days = list(range(MONTH_OF_READINGS, -1, -READINGS_EVERY_DAYS))
    for step, back in enumerate(days):
        value = first + (last - first) * step / (len(days) - 1)
        services.reading_record(
            goal=goal,
            actor=owner,
            value=value.quantize(Decimal("0.1")),
            taken_on=today - timedelta(days=back),
        )
