"""Every write of the field app: the rules, the locks and the audit trail."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from docs_registry import permissions
from docs_registry.models import Document, User
from docs_registry.services.errors import ServiceError
from docs_registry.services.history import save_with_history
from docs_registry.text import normalise_text

from .models import CustomerException

State = CustomerException.State


def _clean(text: str) -> str:
    return normalise_text(text).strip()


def _required_reason(reason: str, *, what: str) -> str:
    reason = _clean(reason)
    if not reason:
        raise ServiceError(f"Say why you {what}.", code="reason_required")
    return reason


@transaction.atomic
def exception_propose(
    *,
    actor: User,
    customer: str,
    account: str = "",
    granted: str,
    document: Document,
    version_number: int,
    valid_from: date,
    valid_until: date | None,
    why: str,
) -> CustomerException:
    """Record a proposed exception. It departs from a version that exists of a
    document that is not retired, and ends on or after the day it starts: there
    are no open-ended exceptions. Raises ServiceError (nothing written) otherwise."""
    permissions.require(permissions.can_propose_exception(actor))
    document = Document.objects.select_for_update().get(pk=document.pk)
    if document.is_retired:
        raise ServiceError(
            f"{document.doc_id} is retired: an exception departs from a policy in "
            "force.",
            code="retired_document",
        )
    current = document.current_version.number
    if not 1 <= version_number <= current:
        raise ServiceError(
            f"{document.doc_id} has no version {version_number}: its versions are "
            f"v1 to v{current}.",
            code="unknown_version",
        )
    if valid_until is None:
        raise ServiceError(
            "Give the last day the exception applies: none is open-ended.",
            code="no_expiry",
        )
    if valid_until < valid_from:
        raise ServiceError(
            "The exception would end before it starts: its last day must be on or "
            "after its first.",
            code="ends_before_start",
        )
    customer, granted, why = _clean(customer), _clean(granted), _clean(why)
    if not (customer and granted and why):
        raise ServiceError(
            "Name the customer, what was granted and why.", code="missing_text"
        )
    exception = CustomerException(
        customer=customer,
        account=_clean(account),
        granted=granted,
        document=document,
        version_number=version_number,
        why=why,
        valid_from=valid_from,
        valid_until=valid_until,
        proposed_by=actor,
        proposed_at=timezone.now(),
    )
    save_with_history(exception, actor=actor, reason="Proposed")
    return exception


def _locked(exception: CustomerException) -> CustomerException:
    return (
        CustomerException.objects.select_for_update()
        .select_related("document")
        .get(pk=exception.pk)
    )


def _decide(
    *, exception: CustomerException, actor: User, reason: str, state: str, verb: str
) -> CustomerException:
    permissions.require(
        permissions.can_decide_exception(actor),
        "Only a manager approves or declines an exception.",
    )
    reason = _required_reason(reason, what=verb)
    exception = _locked(exception)
    if exception.state != State.PROPOSED:
        raise ServiceError(
            f"This exception is already {exception.get_state_display().lower()}.",
            code="already_decided",
        )
    exception.state = state
    exception.decided_by = actor
    exception.decided_at = timezone.now()
    exception.decision_reason = reason
    save_with_history(exception, actor=actor, reason=f"{state.title()}: {reason}")
    return exception


@transaction.atomic
def exception_approve(
    *, exception: CustomerException, actor: User, reason: str
) -> CustomerException:
    """A manager approves a proposed exception (with a reason): from its first day
    to its last it is active. PermissionDenied for anyone else; ServiceError if it
    was already decided."""
    return _decide(
        exception=exception,
        actor=actor,
        reason=reason,
        state=State.APPROVED,
        verb="approve it",
    )


@transaction.atomic
def exception_decline(
    *, exception: CustomerException, actor: User, reason: str
) -> CustomerException:
    """A manager declines a proposed exception, with a reason."""
    return _decide(
        exception=exception,
        actor=actor,
        reason=reason,
        state=State.DECLINED,
        verb="decline it",
    )


@transaction.atomic
def exception_revoke(
    *, exception: CustomerException, actor: User, reason: str
) -> CustomerException:
    """A manager ends an approved exception before its last day, with a reason."""
    permissions.require(
        permissions.can_decide_exception(actor),
        "Only a manager revokes an exception.",
    )
    reason = _required_reason(reason, what="revoke it")
    exception = _locked(exception)
    if exception.state != State.APPROVED:
        raise ServiceError(
            "Only an approved exception can be revoked.", code="not_approved"
        )
    exception.state = State.REVOKED
    exception.revoked_by = actor
    exception.revoked_at = timezone.now()
    exception.revocation_reason = reason
    save_with_history(exception, actor=actor, reason=f"Revoked: {reason}")
    return exception
