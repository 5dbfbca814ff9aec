"""Demo exceptions and field reports, written through the services (seed_demo)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from docs_registry.models import Document, User

from . import services
from .models import CustomerException

# (customer, account, granted, doc_id, days from today it starts, lasts, why)
EXCEPTIONS = (
    (
        "Acme Corp",
        "CRM-1001",
        "Refund outside the 30-day window for the March invoice",
        "POL-0001",
        -10,
        90,
        "Their rollout slipped because of our SSO outage; renewal at stake.",
    ),
    (
        "Globex",
        "CRM-2042",
        "Price locked at $32 a seat until the end of next year",
        "PRC-0001",
        -30,
        400,
        "Three-year commitment signed for 250 seats.",
    ),
    (
        "Initech",
        "CRM-3003",
        "Trial extended to 60 days",
        "POL-0006",
        -90,
        30,
        "Their security review took six weeks.",
    ),
)


def seed(users: dict[str, User]) -> int:
    """Two active exceptions and one expired, once: only when there are none.
    Returns how many were created."""
    if CustomerException.objects.exists():
        return 0
    today = timezone.localdate()
    documents = Document.objects.select_related("current_version").in_bulk(
        [row[3] for row in EXCEPTIONS], field_name="doc_id"
    )
    created = 0
    for customer, account, granted, doc_id, starts, lasts, why in EXCEPTIONS:
        document = documents.get(doc_id)
        if document is None:
            continue
        exception = services.exception_propose(
            actor=users["sales-lead"],
            customer=customer,
            account=account,
            granted=granted,
            document=document,
            version_number=document.current_version.number,
            valid_from=today + timedelta(days=starts),
            valid_until=today + timedelta(days=starts + lasts),
            why=why,
        )
        services.exception_approve(
            exception=exception, actor=users["manager"], reason="Agreed with sales."
        )
        created += 1
    return created
