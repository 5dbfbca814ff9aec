"""Bounds for numbers taken from a request, checked before they reach a query;
moments taken from a request (`?at=`).

SQLite refuses a Python integer outside 64 bits with an OverflowError, and
PostgreSQL an out-of-range one with a DataError: either would be a server error
for what is only a bad request.
"""

import re
from datetime import UTC, date, datetime, time
from typing import Annotated

from django.utils import timezone
from pydantic import Field

# Primary keys are BigAutoField: 64-bit signed on every database we run on.
ID_MAX = 2**63 - 1
# Version numbers are PositiveIntegerField: 32-bit `integer` on PostgreSQL.
NUMBER_MAX = 2**31 - 1

# A row id in an API query string; anything else is a 400 naming the parameter.
RowId = Annotated[int, Field(ge=1, le=ID_MAX)]


class MomentError(ValueError):
    """A moment asked for (`?at=`) that cannot be read; its text says why."""


# A `+` sent unencoded in a query string arrives as a space.
_SPACED_OFFSET = re.compile(r" (\d{2}(:?\d{2})?)$")
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_FAR = datetime.max.replace(tzinfo=UTC)


def moment_asked(raw: str) -> datetime:
    """`?at=` as a moment: a date (YYYY-MM-DD) is the end of that day in the site's
    time zone; an ISO 8601 time without a zone is in the site's time zone.
    MomentError, with what to write instead, for anything else."""
    raw = raw.strip()
    try:
        if _DATE_ONLY.match(raw):
            moment = datetime.combine(date.fromisoformat(raw), time.max)
        else:
            moment = datetime.fromisoformat(_SPACED_OFFSET.sub(r"+\1", raw))
    except ValueError:
        raise MomentError(
            f"“{raw[:40]}” is not a date: write a day as 2026-12-15, or a time as "
            "2026-12-15T09:00:00+01:00."
        ) from None
    if moment.tzinfo is None:
        moment = timezone.make_aware(moment)
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        # Within hours of the calendar's ends: before or after everything kept.
        return datetime.min.replace(tzinfo=UTC) if moment.year == 1 else _FAR


def day_label(moment: datetime) -> str:
    """A moment's day as pages write it (1 Jan 2027), in the site's time zone."""
    return day_text(timezone.localtime(moment))


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun")
_MONTHS += ("Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def day_text(day: date) -> str:
    """`day` as pages write it, "1 Jan 2027": Django's date format "j M Y" in
    English, the site's language, at a tenth of its cost (long lists write one
    per row)."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"
