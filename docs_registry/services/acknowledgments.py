"""Acknowledgments: a person confirms having read a document at a version."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from .. import permissions
from ..models import Acknowledgment, DigestState, Document, User
from .errors import ServiceError


def record_acknowledgment(*, user: User, document: Document, number: int) -> bool:
    """Record the acknowledgment unless one of `number` or later exists (it covers
    every earlier version). Returns whether a row was written. No checks: callers
    have made them."""
    if Acknowledgment.objects.filter(
        user=user, document=document, number__gte=number
    ).exists():
        return False
    # get_or_create absorbs the race of two clicks at once (unique constraint).
    _, created = Acknowledgment.objects.get_or_create(
        user=user,
        document=document,
        number=number,
        defaults={"acknowledged_at": timezone.now()},
    )
    return created


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
    if not 1 <= number <= document.current_version.number:
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


def digest_mark_seen(*, user: User, at: datetime) -> None:
    """Minor changes published up to `at` have been shown to `user`: they need no
    acknowledgment, so being seen is what takes them off the digest."""
    DigestState.objects.update_or_create(user=user, defaults={"seen_at": at})
