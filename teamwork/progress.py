"""How a goal is doing: its latest reading against a straight line from the
baseline on the first day to the target on the last, and the small chart of its
readings. Pure functions over rows already read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .models import Direction, Goal, GoalReading, number_text

# The sparkline's drawing box, in SVG user units.
WIDTH, HEIGHT, MARGIN = 120, 32, 3


def daily_values(readings: list[GoalReading]) -> list[GoalReading]:
    """One reading per day, in date order: a later reading for the same day is a
    correction and replaces the earlier one."""
    by_day: dict[date, GoalReading] = {}
    for reading in sorted(readings, key=lambda r: (r.taken_on, r.recorded_at, r.pk)):
        by_day[reading.taken_on] = reading
    return list(by_day.values())


def expected_on(goal: Goal, day: date) -> Decimal:
    """Where the straight line from baseline to target stands on `day`."""
    length = (goal.period_end - goal.period_start).days
    elapsed = min(max((day - goal.period_start).days, 0), length)
    share = Decimal(1) if length == 0 else Decimal(elapsed) / Decimal(length)
    return goal.baseline + (goal.target - goal.baseline) * share


def is_on_track(goal: Goal, reading: GoalReading) -> bool:
    expected = expected_on(goal, reading.taken_on)
    if goal.direction == Direction.AT_LEAST:
        return reading.value >= expected
    return reading.value <= expected


@dataclass(frozen=True)
class Progress:
    latest: GoalReading | None
    expected: Decimal | None
    on_track: bool | None
    points: str  # the readings' polyline, "x,y x,y"
    target_y: str  # where the target's line is drawn
    values: list[GoalReading]

    @property
    def state(self) -> str:
        """no_reading, on_track or behind (as the API says it)."""
        if self.latest is None:
            return "no_reading"
        return "on_track" if self.on_track else "behind"

    @property
    def expected_text(self) -> str:
        if self.expected is None:
            return ""
        return number_text(self.expected.quantize(Decimal("0.1")))


def progress(goal: Goal, readings: list[GoalReading]) -> Progress:
    values = daily_values(readings)
    latest = values[-1] if values else None
    points, target_y = _sparkline(goal, values)
    return Progress(
        latest=latest,
        expected=expected_on(goal, latest.taken_on) if latest else None,
        on_track=is_on_track(goal, latest) if latest else None,
        points=points,
        target_y=target_y,
        values=values,
    )


def _sparkline(goal: Goal, values: list[GoalReading]) -> tuple[str, str]:
    """The readings as polyline points over the whole period (x: the day, y: the
    value, scaled so that the target and every reading fit)."""
    numbers = [r.value for r in values] + [goal.target, goal.baseline]
    low, high = min(numbers), max(numbers)
    span = (high - low) or Decimal(1)
    days = max((goal.period_end - goal.period_start).days, 1)

    def y(value: Decimal) -> str:
        inner = HEIGHT - 2 * MARGIN
        return _fixed(MARGIN + inner * float((high - value) / span))

    def x(day: date) -> str:
        inner = WIDTH - 2 * MARGIN
        return _fixed(MARGIN + inner * (day - goal.period_start).days / days)

    points = " ".join(f"{x(r.taken_on)},{y(r.value)}" for r in values)
    return points, y(goal.target)


def _fixed(number: float) -> str:
    return f"{number:.1f}"
