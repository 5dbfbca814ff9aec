"""Demo goals, written through the services like every demo row (see
docs_registry's seed_demo, which calls `seed`). Safe to run again: a goal whose
statement already exists is left as it is."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from docs_registry import services as registry
from docs_registry.models import Document, User

from . import services
from .models import Goal, Meeting
from .months import previous_month

READINGS_EVERY_DAYS = 4
MONTH_OF_READINGS = 30

# (team, owner, statement, measure, unit, direction, baseline, target, help line,
#  readings from the first to the last of the month)
GOALS = (
    (
        "sales",
        "sales-lead",
        "Close ten new accounts",
        "new accounts closed",
        "accounts",
        "at_least",
        Decimal(0),
        Decimal(10),
        "Tell us when a trial customer asks support about seats or plans.",
        (Decimal(0), Decimal(9)),
    ),
    (
        "support",
        "support-lead",
        "Bring the average support call under ten minutes",
        "average support call time",
        "min",
        "at_most",
        Decimal(14),
        Decimal(10),
        "Mention the Premium Support add-on on renewal calls.",
        (Decimal(14), Decimal("10.5")),
    ),
)


def seed(users: dict[str, User]) -> None:
    """Goals with their readings, and the hand-off documents' rules as blocks."""
    seed_goals(users)
    seed_handoff_rules()
    seed_meeting(users)


def seed_goals(users: dict[str, User]) -> int:
    """One goal per team over the last month and this one, with a reading every
    few days for the past month. Returns how many goals were created."""
    today = timezone.localdate()
    start = (today - timedelta(days=MONTH_OF_READINGS)).replace(day=1)
    end = today.replace(day=calendar.monthrange(today.year, today.month)[1])
    existing = set(Goal.objects.values_list("statement", flat=True))
    created = 0
    for team, owner, statement, measure, unit, direction, baseline, target, help_line, (
        first,
        last,
    ) in GOALS:
        if statement in existing:
            continue
        goal = services.goal_create(
            actor=users["manager"],
            team=team,
            owner=users[owner],
            statement=statement,
            measure=measure,
            unit=unit,
            direction=direction,
            baseline=baseline,
            target=target,
            period_start=start,
            period_end=end,
            help_line=help_line,
        )
        _readings(goal, users[owner], today, first, last)
        created += 1
    return created


def _readings(goal: Goal, owner: User, today: date, first: Decimal, last: Decimal):
    days = list(range(MONTH_OF_READINGS, -1, -READINGS_EVERY_DAYS))
    for step, back in enumerate(days):
        value = first + (last - first) * step / (len(days) - 1)
        services.reading_record(
            goal=goal,
            actor=owner,
            value=value.quantize(Decimal("0.1")),
            taken_on=today - timedelta(days=back),
        )


# The rules each hand-off document already states in prose, written as blocks:
# (title of the document, the blocks).
HANDOFF_RULES = (
    (
        "Hand-off from sales to support at signature",
        (
            {
                "direction": "sales-to-support",
                "when": "A customer countersigns the order form",
                "do": "Fill in the Hand-off section of the Salesforce opportunity, "
                "every field, promises beyond this knowledge base included",
                "say": "Our support team will be in touch within a day to start "
                "your onboarding.",
                "to": "Support Lead, who assigns an onboarding agent",
                "within": "1 business day",
            },
            {
                "direction": "sales-to-support",
                "when": "An Enterprise customer signs",
                "do": "Book a 30-minute kick-off call with the customer, the CSM "
                "and the onboarding agent",
                "say": "Let's meet your onboarding team before your go-live.",
                "to": "CSM and the onboarding agent",
                "within": "5 business days",
            },
        ),
    ),
    (
        "Hand-off from support to sales: upsell and renewal signals",
        (
            {
                "direction": "support-to-sales",
                "when": "An existing customer asks to add seats or hits the seat "
                "limit of their plan",
                "do": "Answer the question, tag the ticket seat-limit and add a "
                "one-line internal note in the customer's words",
                "say": "I've passed this to your account manager.",
                "to": "The account's AE",
                "within": "2 business days",
            },
            {
                "direction": "support-to-sales",
                "when": "A customer asks for a quote, a discount or a price",
                "do": "Tag the ticket sales-question; never quote",
                "say": "Your account manager will send you a quote.",
                "to": "The account's AE",
                "within": "2 business days",
            },
        ),
    ),
    (
        "Escalations that involve money or the contract",
        (
            {
                "direction": "support-to-sales",
                "when": "A customer asks for a discount, free months or a new "
                "price during a support case",
                "do": "Tag the ticket commercial-escalation and post it in "
                "#cs-escalations with the account and its annual value",
                "say": "Our account team is coordinating this and will come back "
                "to you.",
                "to": "The account's AE, who leads",
                "within": "4 business hours",
            },
            {
                "direction": "sales-to-support",
                "when": "A customer asks about an advanced integration issue during "
                "a sales call",
                "do": "Open a support ticket with the customer's environment "
                "details and add the AE as a follower",
                "say": "I'm bringing in our integration specialists.",
                "to": "Support, tier 2",
                "within": "1 business day",
            },
        ),
    ),
)


def seed_handoff_rules() -> int:
    """Each hand-off document's rules published by its owner as blocks, in a minor
    version (the rules restate the prose), once. Returns the versions published."""
    published = 0
    documents = Document.objects.select_related("current_version", "owner").filter(
        category__prefix="HND", title__in=[title for title, _ in HANDOFF_RULES]
    )
    by_title = {document.title: document for document in documents}
    for title, blocks in HANDOFF_RULES:
        document = by_title.get(title)
        if document is None or "```handoff" in document.current_version.body:
            continue
        body = document.current_version.body.rstrip("\n") + "\n\n## Hand-off rules\n"
        for block in blocks:
            lines = "".join(f"{key}: {value}\n" for key, value in block.items())
            body += f"\n```handoff\n{lines}```\n"
        registry.document_publish(
            document=document,
            actor=document.owner,
            title=document.title,
            body=body,
            summary="Wrote the hand-off rules as structured blocks, so that they "
            "appear on the hand-offs page.",
            significance="minor",
            base_number=document.current_version.number,
            publish_anyway=True,
        )
        published += 1
    return published


MEETING_NOTES = (
    ("agenda", "Incomplete hand-offs at signature: three in the month."),
    ("agenda", "Renewal-risk signals: are 120 days enough notice?"),
    (
        "decision",
        "Every new Enterprise customer gets a kick-off call within 5 business days "
        "of signature; the AE books it (HND-0001).",
    ),
    (
        "decision",
        "Support tags every seat-limit ticket for the AE, and sales answers within "
        "2 business days; reviewed again at next month's meeting.",
    ),
)


def seed_meeting(users: dict[str, User]) -> None:
    """Last month's meeting: both leads as liaisons, its agenda and two
    decisions. Left alone if it exists."""
    month = previous_month(timezone.localdate().replace(day=1))
    if Meeting.objects.filter(month=month).exists():
        return
    services.meeting_set_liaisons(
        actor=users["manager"],
        month=month,
        sales_liaison=users["sales-lead"],
        support_liaison=users["support-lead"],
    )
    for number, (kind, text) in enumerate(MEETING_NOTES):
        author = users["sales-lead" if number % 2 == 0 else "support-lead"]
        services.meeting_note_add(actor=author, month=month, kind=kind, text=text)
