"""Every write of the field app: the rules, the locks and the audit trail."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from docs_registry import permissions
from docs_registry.models import Document, User
from docs_registry.revisions import lock_document
from docs_registry.services.errors import ServiceError
from docs_registry.services.history import save_with_history
from docs_registry.text import normalise_text

from .models import (
    AREA_MAX_LENGTH,
    CUSTOMER_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    CustomerException,
    FieldReport,
    Sighting,
)
from .selectors import field_report_heard_by

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
    document = lock_document(document.pk)
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


# --- field reports ------------------------------------------------------------------

Kind = FieldReport.Kind
Status = FieldReport.Status


@transaction.atomic
def field_report_file(
    *,
    actor: User,
    kind: str,
    text: str,
    customer: str = "",
    area: str = "",
    documents: list[Document] = (),
) -> FieldReport:
    """File a report from the field. It has a known kind and a short, non-empty
    text (TEXT_MAX_LENGTH characters at most). ServiceError otherwise, nothing
    written."""
    permissions.require(permissions.can_file_field_report(actor))
    if kind not in Kind.values:
        raise ServiceError(
            f"“{str(kind)[:40]}” is not a kind of report: choose one of "
            + ", ".join(label.lower() for label in Kind.labels)
            + ".",
            code="unknown_kind",
        )
    text = _clean(text)
    if not text:
        raise ServiceError("Say what you heard: the text is empty.", code="no_text")
    if len(text) > TEXT_MAX_LENGTH:
        raise ServiceError(
            f"Keep it short: at most {TEXT_MAX_LENGTH} characters (this is "
            f"{len(text)}).",
            code="text_too_long",
        )
    report = FieldReport(
        kind=kind,
        text=text,
        customer=_clean(customer)[:CUSTOMER_MAX_LENGTH],
        area=_clean(area)[:AREA_MAX_LENGTH],
        reporter=actor,
        reported_at=timezone.now(),
    )
    save_with_history(report, actor=actor, reason="Filed")
    report.documents.set(documents)
    return report


@transaction.atomic
def field_report_seen_again(*, report: FieldReport, actor: User) -> Sighting:
    """Someone heard the same thing again: a sighting with who and when, once per
    person (the reporter counts already). ServiceError if already counted."""
    permissions.require(permissions.can_file_field_report(actor))
    report = FieldReport.objects.select_for_update().get(pk=report.pk)
    if field_report_heard_by(report, actor):
        raise ServiceError("You are already counted on this report.", code="counted")
    sighting = Sighting.objects.create(
        report=report, seen_by=actor, seen_at=timezone.now()
    )
    # The report's row is locked above: no sighting is counted twice or missed.
    FieldReport.objects.filter(pk=report.pk).update(heard=F("heard") + 1)
    return sighting


def _resolvable(report: FieldReport, actor: User) -> FieldReport:
    report = FieldReport.objects.select_for_update().get(pk=report.pk)
    permissions.require(
        permissions.can_resolve_field_report(actor, report),
        "Only the owners of the documents it concerns, or a manager, do this.",
    )
    if report.status != Status.OPEN:
        raise ServiceError(
            f"This report is already {report.get_status_display().lower()}.",
            code="not_open",
        )
    return report


@transaction.atomic
def field_report_answer(
    *, report: FieldReport, actor: User, document: Document, number: int
) -> FieldReport:
    """Link an open report to the version that answered it: a version that exists
    of one of the documents it concerns."""
    report = _resolvable(report, actor)
    if not report.documents.filter(pk=document.pk).exists():
        raise ServiceError(
            f"This report does not concern {document.doc_id}.", code="other_document"
        )
    if not 1 <= number <= document.current_version.number:
        raise ServiceError(
            f"{document.doc_id} has no version {number}.", code="unknown_version"
        )
    report.status = Status.ANSWERED
    report.answered_document = document
    report.answered_number = number
    report.resolved_by = actor
    report.resolved_at = timezone.now()
    save_with_history(
        report, actor=actor, reason=f"Answered in {document.doc_id} v{number}"
    )
    return report


@transaction.atomic
def field_report_close(*, report: FieldReport, actor: User, reason: str) -> FieldReport:
    """Close an open report with a reason (nothing to change, won't do...)."""
    reason = _required_reason(reason, what="close it")
    report = _resolvable(report, actor)
    report.status = Status.CLOSED
    report.close_reason = reason
    report.resolved_by = actor
    report.resolved_at = timezone.now()
    save_with_history(report, actor=actor, reason=f"Closed: {reason}")
    return report
