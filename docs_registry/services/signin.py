"""Clearing a sign-in lockout before its cool-off time ends."""

from __future__ import annotations

from axes.utils import reset

from .. import permissions
from ..models import User
from .errors import ServiceError


def lockout_clear(*, actor: User, username: str) -> int:
    """Forget every recorded failed sign-in for `username`, so it can sign in
    again at once; returns how many records went. Managers only (raises
    PermissionDenied); an empty username is refused (ServiceError), because
    django-axes reads an empty username as "everyone"."""
    permissions.require(
        permissions.can_clear_lockouts(actor), "Only managers clear lockouts."
    )
    if not username:
        raise ServiceError("Name the account to clear.", code="username_required")
    return reset(username=username)
