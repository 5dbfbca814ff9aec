"""Reads for the managers' integration pages: each one query, joined."""

from __future__ import annotations

from datetime import UTC, datetime

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from docs_registry.models import User

from .models import (
    EmailAttempt,
    EmailPreference,
    Webhook,
    WebhookDelivery,
    WebhookEvent,
)

RECENT_FAILURES = 50
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def people_without_email() -> QuerySet[User]:
    """Active people who get no digest email: turned off, or no address."""
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(email="") | Q(email_preference__frequency=EmailPreference.Frequency.OFF)
        )
        .order_by("last_name", "first_name", "username")
    )


def failing_deliveries() -> QuerySet[EmailAttempt]:
    """Each person whose latest digest attempt failed: that attempt, with the
    failures since the last accepted one as `failures`."""
    latest = EmailAttempt.objects.filter(user=OuterRef("user")).order_by(
        "-attempted_at", "-pk"
    )
    last_accepted = latest.filter(accepted=True).values("attempted_at")[:1]
    return (
        EmailAttempt.objects.filter(
            pk=Subquery(latest.values("pk")[:1]), accepted=False
        )
        .annotate(
            failures=Subquery(
                EmailAttempt.objects.filter(
                    user=OuterRef("user"),
                    accepted=False,
                    attempted_at__gt=Coalesce(Subquery(last_accepted), Value(EPOCH)),
                )
                .values("user")
                .annotate(n=Count("pk"))
                .values("n")[:1]
            )
        )
        .select_related("user")
        .order_by("user__username")
    )


def recent_failures() -> QuerySet[EmailAttempt]:
    return (
        EmailAttempt.objects.filter(accepted=False)
        .select_related("user")
        .order_by("-attempted_at", "-pk")[:RECENT_FAILURES]
    )


RECENT_EVENTS = 50


def webhooks_with_counts() -> QuerySet[Webhook]:
    """Every webhook, with how many of its events wait, were delivered, were given
    up."""
    by_status = {
        name: Count("outbox", filter=Q(outbox__status=status))
        for name, status in (
            ("waiting", WebhookEvent.Status.PENDING),
            ("delivered", WebhookEvent.Status.DELIVERED),
            ("dead", WebhookEvent.Status.DEAD),
        )
    }
    return (
        Webhook.objects.annotate(**by_status)
        .select_related("created_by")
        .prefetch_related("categories")
        .order_by("name", "pk")
    )


def webhook_recent_events(webhook: Webhook) -> QuerySet[WebhookEvent]:
    """The webhook's latest events, each with its latest try's outcome."""
    last = WebhookDelivery.objects.filter(event=OuterRef("pk")).order_by(
        "-attempted_at", "-pk"
    )
    return (
        WebhookEvent.objects.filter(webhook=webhook)
        .annotate(
            tries=Count("deliveries"),
            last_status_code=Subquery(last.values("status_code")[:1]),
            last_error=Subquery(last.values("error")[:1]),
            last_attempted_at=Subquery(last.values("attempted_at")[:1]),
        )
        .order_by("-created_at", "-pk")[:RECENT_EVENTS]
    )
