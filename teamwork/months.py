"""Months as addresses: "2026-11" in a URL, the first of the month in code."""

from __future__ import annotations

import re
from datetime import date

_MONTH = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")


def parse_month(text: str) -> date | None:
    """The first day of the month written YYYY-MM, or None for anything else."""
    found = _MONTH.fullmatch(text or "")
    if found is None or int(found[1]) < 1:
        return None
    return date(int(found[1]), int(found[2]), 1)


def month_text(first: date) -> str:
    return f"{first:%Y-%m}"


def next_month(first: date) -> date:
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)


def previous_month(first: date) -> date:
    return date(first.year - (first.month == 1), (first.month - 2) % 12 + 1, 1)
