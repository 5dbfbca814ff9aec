"""Confirming a document still accurate when its review comes round."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from .. import permissions
from ..models import SUMMARY_MAX_LENGTH, ChangeKind, Document, User
from ..revisions import lock_document
from .errors import ServiceError
from .history import save_with_history

CONFIRMED_REASON = "Confirmed accurate"


@transaction.atomic
def review_confirm(*, document: Document, actor: User, note: str = "") -> Document:
    """Record that the owner checked the document and it is still accurate: its
    review interval starts again from now. No version is published; the document's
    history gets a "Confirmed accurate" record with who, when and the note.

    Raises PermissionDenied unless the actor owns the (active) document,
    ServiceError for a note over the length limit.
    """
    locked = lock_document(document.pk)
    permissions.require(
        permissions.can_publish(actor, locked),
        "Only the document's owner confirms it accurate.",
    )
    note = (note or "").strip()
    if len(note) > SUMMARY_MAX_LENGTH:
        raise ServiceError(
            f"The note is at most {SUMMARY_MAX_LENGTH} characters.",
            code="note_too_long",
        )
    locked.last_reviewed_at = timezone.now()
    reason = f"{CONFIRMED_REASON}: {note}" if note else CONFIRMED_REASON
    save_with_history(locked, actor=actor, reason=reason, kind=ChangeKind.REVIEWED)
    document.last_reviewed_at = locked.last_reviewed_at
    return locked
