"""Failed sign-ins as django-axes records them: one row per username, address
and browser, counting failures since its first; rows older than the cool-off
time no longer count."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Sum
from django.utils import timezone


@dataclass(frozen=True)
class LockedSignIn:
    username: str
    failures: int
    last_failure: datetime
    unlocks_at: datetime


def _recent():
    return AccessAttempt.objects.filter(
        attempt_time__gte=timezone.now() - get_cool_off()
    )


def locked_sign_ins() -> list[LockedSignIn]:
    """Usernames locked now, by name: as many recent failures as the limit."""
    rows = (
        _recent()
        .values("username")
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
        .order_by("username")
    )
    return [
        LockedSignIn(
            username=row["username"],
            failures=row["failures"],
            last_failure=row["last"],
            unlocks_at=row["last"] + get_cool_off(),
        )
        for row in rows
    ]


def failures_from_address(address: str) -> int:
    """Recent failed sign-ins from one address, whatever usernames they tried."""
    total = (
        _recent().filter(ip_address=address).aggregate(n=Sum("failures_since_start"))
    )
    return total["n"] or 0
