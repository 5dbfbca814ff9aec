"""Acknowledgments: a person confirms having read a document at a version."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from .. import permissions
from ..models import Acknowledgment, DigestState, Document, SeenVersion, User
from ..revisions import take_writers_turn
from .errors import ServiceError


def _record_once(model, *, user: User, document: Document, number: int, **at) -> bool:
    """Write `model`'s row for `number` unless the user has one of `number` or
    later (it covers every earlier version). Returns whether a row was written."""
    if model.objects.filter(user=user, document=document, number__gte=number).exists():
        return False
    # get_or_create absorbs the race of two clicks at once (unique constraint).
    _, created = model.objects.get_or_create(
        user=user, document=document, number=number, defaults=at
    )
    return created


def record_acknowledgment(*, user: User, document: Document, number: int) -> bool:
    """Record the acknowledgment unless one of `number` or later exists. Returns
    whether a row was written. No checks: callers have made them."""
    return _record_once(
        Acknowledgment,
        user=user,
        document=document,
        number=number,
        acknowledged_at=timezone.now(),
    )


def acknowledgment_record(*, user: User, document: Document, number: int) -> bool:
    """`user` has read `document` at version `number`, and so every earlier version.

    Idempotent: acknowledging a version already covered changes nothing (returns
    False). Raises PermissionDenied unless the user is in the document's audience,
    ServiceError for a version the document does not have.
    """
    permissions.require(
        permissions.can_acknowledge(user, document),
        f"{document.doc_id} is addressed to {document.get_audience_display()}, "
        "and you are not on that team: there is nothing for you to acknowledge.",
    )
    # A change announced for later counts too: everyone is told before it applies.
    if not 1 <= number <= document.newest_version.number:
        raise ServiceError(
            f"{document.doc_id} has no version {number}.", code="unknown_version"
        )
    return record_acknowledgment(user=user, document=document, number=number)


@transaction.atomic
def acknowledgments_record(
    *, user: User, versions: Iterable[tuple[Document, int]]
) -> int:
    """Acknowledge several documents at once ("acknowledge all shown"): all or
    nothing. Returns how many acknowledgments were written."""
    return sum(
        acknowledgment_record(user=user, document=document, number=number)
        for document, number in versions
    )


@transaction.atomic
def digest_mark_seen(*, user: User, at: datetime) -> None:
    """`user` dismissed what their digest showed them at `at` ("Mark these as
    seen"): minor changes, answers and glossary changes up to then need no
    acknowledgment, so being seen is what takes them off the digest. Later ones
    stay. Never moves backwards (an old page submitted late dismisses nothing
    new)."""
    at = min(at, timezone.now())
    # Before the person's digest state: their acknowledgment in another tab takes
    # the counter row first too, so neither waits on the other's row.
    take_writers_turn()
    state, created = DigestState.objects.get_or_create(
        user=user, defaults={"seen_at": at}
    )
    if not created and (state.seen_at is None or state.seen_at < at):
        state.seen_at = at
        state.save(update_fields=["seen_at"])


@transaction.atomic
def version_shown_record(*, user: User, document: Document, number: int) -> bool:
    """`user` was shown `document` at version `number` (its current version page):
    its minor changes up to there leave their digest. Returns whether a row was
    written; none when the user already acknowledged or was shown that version or
    a later one, or is not in the document's audience."""
    if not permissions.can_acknowledge(user, document):
        return False
    if Acknowledgment.objects.filter(
        user=user, document=document, number__gte=number
    ).exists():
        return False  # what was acknowledged was seen
    take_writers_turn()  # before the person's digest state (see digest_mark_seen)
    return _record_once(
        SeenVersion,
        user=user,
        document=document,
        number=number,
        seen_at=timezone.now(),
    )
