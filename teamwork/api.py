"""Goals in the JSON API (registered on docs_registry.api's NinjaAPI when the app
is ready): both teams' goals by period, and readings posted by a goal's owner with
a personal token, e.g. by a CRM or helpdesk job every night."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Path, Query, Schema, Status
from ninja.errors import HttpError
from pydantic import WithJsonSchema

from docs_registry.api import (
    ID_MAX,
    WRITE_ENDPOINTS,
    BearerToken,
    ErrorOut,
    PersonOut,
    _person,
    api,
)
from docs_registry.services.errors import ServiceError

from . import selectors, services
from .models import NUMBER_DIGITS, NUMBER_PLACES, GoalReading
from .months import parse_month
from .selectors import GoalCard

READINGS_URL_NAME = "goal-readings"
# A value that fits the table: 12 digits, 2 of them after the point.
VALUE_BOUND = Decimal(10) ** (NUMBER_DIGITS - NUMBER_PLACES)


class ReadingOut(Schema):
    value: float
    taken_on: date
    recorded_by: PersonOut
    recorded_at: datetime


class GoalOut(Schema):
    id: int
    team: str
    owner: PersonOut
    statement: str
    measure: str
    unit: str
    direction: str
    target: float
    baseline: float
    period_start: date
    period_end: date
    help_line: str
    closed: bool
    latest: ReadingOut | None
    status: str = Field(description="on_track, behind or no_reading")
    expected: float | None = Field(
        description="Where the straight line from baseline to target stands on the "
        "latest reading's day."
    )
    readings: list[ReadingOut]
    url: str


class GoalList(Schema):
    period_first: date
    period_last: date
    results: list[GoalOut]


class ReadingIn(Schema):
    # Stated as a number with two decimals at most: the JSON a job sends. (A
    # numeric string is taken too, but is not what the schema promises.)
    value: Annotated[
        Decimal,
        Field(gt=-VALUE_BOUND, lt=VALUE_BOUND, decimal_places=2),
        WithJsonSchema(
            {
                "type": "number",
                "exclusiveMinimum": -float(VALUE_BOUND),
                "exclusiveMaximum": float(VALUE_BOUND),
                "multipleOf": 0.01,
            }
        ),
    ]
    taken_on: date | None = Field(
        None, description="The day measured; today if left out."
    )


def _reading(reading: GoalReading) -> dict:
    return {
        "value": reading.value,
        "taken_on": reading.taken_on,
        "recorded_by": _person(reading.recorded_by),
        "recorded_at": reading.recorded_at,
    }


def _goal(request: HttpRequest, card: GoalCard) -> dict:
    goal, shown = card.goal, card.progress
    return {
        "id": goal.pk,
        "team": goal.team,
        "owner": _person(goal.owner),
        "statement": goal.statement,
        "measure": goal.measure,
        "unit": goal.unit,
        "direction": goal.direction,
        "target": goal.target,
        "baseline": goal.baseline,
        "period_start": goal.period_start,
        "period_end": goal.period_end,
        "help_line": goal.help_line,
        "closed": goal.is_closed,
        "latest": _reading(shown.latest) if shown.latest else None,
        "status": shown.state,
        "expected": shown.expected,
        "readings": [_reading(r) for r in card.readings],
        "url": request.build_absolute_uri(goal.get_absolute_url()),
    }


@api.get(
    "/goals/",
    response={200: GoalList, 400: ErrorOut, 401: ErrorOut},
    url_name="goals",
)
def goal_list(
    request,
    month: Annotated[
        str,
        Query(
            pattern=r"^[1-9]\d{3}-(0[1-9]|1[0-2])$",
            description="YYYY-MM: the goals whose period overlaps that month. "
            "Left out: the goals whose period includes today.",
        ),
    ] = "",
):
    """Both teams' goals with their readings, Sales first."""
    if month:
        first = parse_month(month)
        first, last = selectors.month_bounds(first.year, first.month)
    else:
        first = last = timezone.localdate()
    teams = selectors.goals_during(first, last)
    return {
        "period_first": first,
        "period_last": last,
        "results": [_goal(request, card) for team in teams for card in team.cards],
    }


@api.post(
    "/goals/{goal_id}/readings/",
    response={
        201: ReadingOut,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
    },
    url_name=READINGS_URL_NAME,
    auth=[BearerToken()],
)
def reading_post(
    request, goal_id: Annotated[int, Path(ge=1, le=ID_MAX)], reading: ReadingIn
):
    """Record a reading of a goal one owns (a personal token, not a session): 400
    for a day outside the goal's period or still to come, 403 for a goal one does
    not own or that is closed."""
    card = _card(goal_id)
    try:
        saved = services.reading_record(
            goal=card.goal,
            actor=request.auth,
            value=reading.value,
            taken_on=reading.taken_on or timezone.localdate(),
        )
    except ServiceError as error:
        raise HttpError(400, error.message) from None
    return Status(201, _reading(saved))


def _card(goal_id: int) -> GoalCard:
    try:
        return selectors.goal_card(goal_id)
    except Http404:
        raise HttpError(404, f"No goal has the id {goal_id}.") from None


WRITE_ENDPOINTS.add(READINGS_URL_NAME)
