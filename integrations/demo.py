"""Demo rows for `seed_demo`: a chat webhook with a delivered and a given-up
event, one person's weekly digest, and one digest the mail server refused. The
webhook is written directly: its example address is not looked up."""

import secrets
import uuid
from datetime import timedelta

from django.utils import timezone

from docs_registry.models import User, Version

from .models import (
    EmailAttempt,
    EmailPreference,
    Webhook,
    WebhookDelivery,
    WebhookEvent,
)


def seed(users: dict[str, User]) -> None:
    if Webhook.objects.exists():
        return  # already seeded
    now = timezone.now()
    webhook = Webhook.objects.create(
        name="#support-changes",
        url="https://hooks.example.com/services/T000/B000/demo",
        format=Webhook.Format.SLACK,
        events=["major_change", "question_answered"],
        secret_nonce=secrets.token_hex(32),
        created_by=users["manager"],
    )
    for version, delivered in zip(
        Version.objects.filter(significance="major").order_by("-published_at")[:2],
        (True, False),
        strict=False,
    ):
        event = WebhookEvent.objects.create(
            webhook=webhook,
            kind="major_change",
            subject=f"version:{version.pk}",
            payload={
                "text": f"{version.document.doc_id} v{version.number} "
                f"{version.title}: {version.summary}",
                "url": version.get_absolute_url(),
            },
            idempotency_key=uuid.uuid4(),
            status="delivered" if delivered else "dead",
            attempts=0 if delivered else 8,
            delivered_at=now if delivered else None,
        )
        WebhookDelivery.objects.create(
            event=event,
            succeeded=delivered,
            status_code=200 if delivered else 404,
            error="" if delivered else "The receiver answered 404 Not Found.",
        )
    EmailPreference.objects.create(
        user=users["support"], frequency=EmailPreference.Frequency.WEEKLY, weekday=4
    )
    EmailAttempt.objects.create(
        user=users["sales-lead"],
        attempted_at=now - timedelta(minutes=20),
        accepted=False,
        changes=2,
        smtp_code=452,
        error="Recipient refused: 452 4.2.2 Mailbox full",
    )
