"""Demo exceptions and field reports, written through the services (seed_demo)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from docs_registry.models import Document, User

from . import services
from .models import CustomerException, FieldReport

# (customer, account, granted, doc_id, days from today it starts, lasts, why)
EXCEPTIONS = (
    (
        "Acme Corp",
        "CRM1001",
        "Refund outside the 30-day window for the March invoice",
        "POL-0001",
        -10,
        90,
        "Their rollout slipped because of our SSO outage; renewal at stake.",
    ),
    (
        "Globex",
        "CRM2042",
        "Price locked at $32 a seat until the end of next year",
        "PRC-0001",
        -30,
        400,
        "Three-year commitment signed for 250 seats.",
    ),
    (
        "Initech",
        "CRM3003",
        "Trial extended to 60 days",
        "POL-0006",
        -90,
        30,
        "Their security review took six weeks.",
    ),
)


def seed(users: dict[str, User]) -> int:
    """The demo exceptions and field reports, each once."""
    return seed_exceptions(users) + seed_reports(users)


def seed_exceptions(users: dict[str, User]) -> int:
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


# (kind, text, customer, area, documents, reporter, also heard by)
REPORTS = (
    (
        "complaint",
        "Refunds take two weeks to show on the card statement.",
        "Acme Corp",
        "Billing",
        ["POL-0001"],
        "support",
        ["sales"],
    ),
    (
        "feature",
        "Invoices in EUR, not only USD.",
        "Globex",
        "Billing",
        ["PRC-0001"],
        "support",
        ["sales", "sales-lead"],
    ),
    (
        "environment",
        "SSO login loops in Safari with strict tracking prevention.",
        "Initech",
        "SSO",
        [],
        "support",
        [],
    ),
    (
        "competitor",
        "Competitor X offers a 30-day trial; ours is 14 days.",
        "",
        "Trials",
        ["POL-0006"],
        "sales",
        ["support"],
    ),
    (
        "question",
        "Can unused seats be carried over to the next year?",
        "",
        "Seats",
        [],
        "support",
        ["sales"],
    ),
    (
        "question",
        "Is a refund possible after a downgrade?",
        "Acme Corp",
        "Billing",
        ["POL-0001"],
        "support",
        [],
    ),
    (
        "complaint",
        "The export to CSV drops accented characters.",
        "Hooli",
        "Exports",
        [],
        "support",
        [],
    ),
    (
        "feature",
        "A read-only seat type for auditors.",
        "Globex",
        "Seats",
        [],
        "sales",
        ["support-lead"],
    ),
)


def seed_reports(users: dict[str, User]) -> int:
    """Eight field reports, some heard again, once: only when there are none."""
    if FieldReport.objects.exists():
        return 0
    documents = Document.objects.in_bulk(
        [doc_id for row in REPORTS for doc_id in row[4]], field_name="doc_id"
    )
    for kind, text, customer, area, doc_ids, reporter, heard_by in REPORTS:
        report = services.field_report_file(
            actor=users[reporter],
            kind=kind,
            text=text,
            customer=customer,
            area=area,
            documents=[documents[d] for d in doc_ids if d in documents],
        )
        for username in heard_by:
            services.field_report_seen_again(report=report, actor=users[username])
    return len(REPORTS)
