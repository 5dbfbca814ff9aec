"""Customer exceptions in the JSON API (mounted by docs_registry/api.py): found by
customer or account reference for a helpdesk or CRM side panel, and approved by a
manager's personal token."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Path, Query, Router, Schema
from ninja.errors import HttpError

from docs_registry.api import (
    ID_MAX,
    WRITE_ENDPOINTS,
    BearerToken,
    ErrorOut,
    Page,
    _paginate,
    _person,
)
from docs_registry.api import PersonOut as Person
from docs_registry.services.errors import ServiceError

from . import selectors, services
from .models import (
    ACCOUNT_MAX_LENGTH,
    CUSTOMER_MAX_LENGTH,
    REASON_MAX_LENGTH,
    CustomerException,
)

router = Router(tags=["exceptions"])


class ExceptionOut(Schema):
    id: int
    customer: str
    account: str
    granted: str
    doc_id: str
    version: int
    citation: str
    valid_from: date
    valid_until: date
    state: str
    standing: Literal[
        "proposed", "declined", "revoked", "expired", "upcoming", "active"
    ]
    proposed_by: Person
    decided_by: Person | None
    why: str
    url: str


class ExceptionPage(Schema):
    count: int
    next: str | None
    previous: str | None
    results: list[ExceptionOut]


class DecisionIn(Schema):
    reason: str = Field(min_length=1, max_length=REASON_MAX_LENGTH)


def _item(request: HttpRequest, exception: CustomerException, today: date) -> dict:
    return {
        "id": exception.pk,
        "customer": exception.customer,
        "account": exception.account,
        "granted": exception.granted,
        "doc_id": exception.document.doc_id,
        "version": exception.version_number,
        "citation": exception.citation,
        "valid_from": exception.valid_from,
        "valid_until": exception.valid_until,
        "state": exception.state,
        "standing": exception.standing(today),
        "proposed_by": _person(exception.proposed_by),
        "decided_by": exception.decided_by and _person(exception.decided_by),
        "why": exception.why,
        "url": request.build_absolute_uri(exception.get_absolute_url()),
    }


@router.get(
    "/",
    response={200: ExceptionPage, 400: ErrorOut, 401: ErrorOut, 404: ErrorOut},
    url_name="exceptions",
)
def exception_list(
    request,
    customer: Annotated[str, Query(max_length=CUSTOMER_MAX_LENGTH)] = "",
    account: Annotated[str, Query(max_length=ACCOUNT_MAX_LENGTH)] = "",
    show: Literal["active", "proposed", "all"] = "active",
    page: Page = 1,
):
    """A customer's exceptions: by default those in force today. `customer` matches
    part of the name, `account` the whole account reference (any case); `show=all`
    includes expired, declined and revoked ones, each with its `standing`."""
    today = timezone.localdate()
    exceptions = selectors.exception_list(
        today=today, customer=customer.strip(), account=account.strip(), show=show
    )
    return _paginate(request, exceptions, page, lambda e: _item(request, e, today))


@router.post(
    "/{pk}/approve/",
    # A personal token only: a browser session would need a CSRF check.
    auth=[BearerToken()],
    response={200: ExceptionOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut}
    | {404: ErrorOut, 409: ErrorOut},
    url_name="exception_approve",
)
def exception_approve(
    request, pk: Annotated[int, Path(ge=1, le=ID_MAX)], decision: DecisionIn
):
    """A manager approves a proposed exception, with a reason: 403 for any other
    token, 409 if it was already decided."""
    try:
        exception = selectors.exception_get(pk)
    except CustomerException.DoesNotExist:
        raise HttpError(404, "No such exception.") from None
    try:
        exception = services.exception_approve(
            exception=exception, actor=request.auth, reason=decision.reason
        )
    except ServiceError as error:
        status = 400 if error.code == "reason_required" else 409
        raise HttpError(status, error.message) from None
    return _item(request, selectors.exception_get(exception.pk), timezone.localdate())


WRITE_ENDPOINTS.add("exception_approve")
