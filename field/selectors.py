"""Every non-trivial read of the field app: one queryset each, related rows
joined."""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet

from docs_registry.models import Document

from .models import CustomerException

State = CustomerException.State

SHOW_ACTIVE, SHOW_PROPOSED, SHOW_ALL = "active", "proposed", "all"


def _exceptions() -> QuerySet[CustomerException]:
    return CustomerException.objects.select_related(
        "document", "proposed_by", "decided_by", "revoked_by"
    )


def active_q(today: date) -> Q:
    """Approved, not revoked, and `today` within its days: computed from the
    dates, so nobody has to act when an exception expires."""
    return Q(state=State.APPROVED, valid_from__lte=today, valid_until__gte=today)


def exception_list(
    *, today: date, customer: str = "", account: str = "", show: str = SHOW_ACTIVE
) -> QuerySet[CustomerException]:
    """Exceptions whose customer name contains `customer` and whose account
    reference is `account` (any case): the active ones, those awaiting approval,
    or all of them (expired, declined and revoked too), soonest ending first."""
    exceptions = _exceptions()
    if customer:
        exceptions = exceptions.filter(customer__icontains=customer)
    if account:
        exceptions = exceptions.filter(account__iexact=account)
    if show == SHOW_ACTIVE:
        exceptions = exceptions.filter(active_q(today))
    elif show == SHOW_PROPOSED:
        exceptions = exceptions.filter(state=State.PROPOSED)
    return exceptions.order_by("valid_until", "customer", "pk")


def exception_search(*, today: date, words: str) -> QuerySet[CustomerException]:
    """What the header search finds: exceptions whose customer name contains
    `words` or whose account reference is `words`, in force first."""
    words = words.strip()
    if not words:
        return CustomerException.objects.none()
    return (
        _exceptions()
        .filter(Q(customer__icontains=words) | Q(account__iexact=words))
        .exclude(state=State.DECLINED)
        .order_by("-valid_until", "customer", "pk")
    )


def active_exceptions_for(document: Document, today: date) -> list[CustomerException]:
    """The exceptions in force today against any version of `document`."""
    return list(
        CustomerException.objects.filter(active_q(today), document=document)
        .select_related("document")
        .order_by("valid_until", "customer", "pk")
    )


def exception_get(pk: int) -> CustomerException:
    return _exceptions().get(pk=pk)


def exception_steps(exception: CustomerException) -> list:
    """Every step with who and when, oldest first (the history records)."""
    return list(
        exception.history.select_related("history_user").order_by(
            "history_date", "history_id"
        )
    )
