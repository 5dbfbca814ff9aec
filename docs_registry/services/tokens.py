"""Personal API tokens: created and revoked by their user, checked on each API call.

Only a token's SHA-256 is stored. The token is long and random, so a lookup by its
hash is as safe as a constant-time comparison: an attacker who times the query
learns about hashes, not about the token."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.db import DatabaseError
from django.db.models import CharField, Q
from django.utils import timezone

from .. import permissions, read_only
from ..models import ApiToken, User
from ..prepared import Param, PreparedQuery
from .errors import ServiceError

TOKEN_PREFIX = "sp_"  # noqa: S105 -- a public marker, not a secret
# Enough to tell tokens apart on the profile page; reveals nothing useful.
SHOWN_PREFIX_LENGTH = 8
# `last_used_at` is refreshed at most this often: not a write per request.
LAST_USED_RESOLUTION = timedelta(minutes=1)
NAME_MAX_LENGTH = ApiToken._meta.get_field("name").max_length


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """A new active token for `user`, and the token itself — returned this once,
    never stored. Raises ServiceError for an empty or over-long name."""
    name = (name or "").strip()
    if not name:
        raise ServiceError("Give the token a name.", code="name_required")
    if len(name) > NAME_MAX_LENGTH:
        raise ServiceError(
            f"A token name is at most {NAME_MAX_LENGTH} characters.",
            code="name_too_long",
        )
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        key_hash=_hash(raw),
        key_prefix=raw[:SHOWN_PREFIX_LENGTH],
    )
    return token, raw


def api_token_revoke(*, token: ApiToken, actor: User) -> ApiToken:
    """Revoke the token for good. Revoking a revoked token changes nothing.
    Raises PermissionDenied unless the actor is the token's own user."""
    permissions.require(
        bool(actor.is_active and token.user_id == actor.pk),
        "Only its own user revokes a token.",
    )
    if token.revoked_at is None:
        now = timezone.now()
        # Conditional, so two revocations at once keep the first time.
        ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=now
        )
        token.refresh_from_db(fields=["revoked_at"])
    return token


def api_token_authenticate(raw: str) -> User | None:
    """The active user whose active token `raw` is, or None."""
    if not raw or not raw.startswith(TOKEN_PREFIX):
        return None
    found = _ACTIVE_TOKEN.run(key_hash=_hash(raw))
    if not found:
        return None
    (token,) = found
    _touch(token)
    return token.user


# Read on every API call: prepared (docs_registry/prepared.py), since building and
# compiling it through the ORM took as long as the rest of a kept answer.
_ACTIVE_TOKEN = PreparedQuery(
    lambda: ApiToken.objects.select_related("user").filter(
        key_hash=Param("key_hash", CharField()),
        revoked_at__isnull=True,
        user__is_active=True,
    )
)


def _touch(token: ApiToken) -> None:
    now = timezone.now()
    cutoff = now - LAST_USED_RESOLUTION
    if token.last_used_at is not None and token.last_used_at > cutoff:
        return
    # Conditional too: concurrent requests from one integration write once.
    try:
        ApiToken.objects.filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lte=cutoff), pk=token.pk
        ).update(last_used_at=now)
    except DatabaseError as error:
        # A read-only database still serves reads; the time is a hint only.
        if not read_only.is_read_only_error(error):
            raise
        read_only.report(error)
