"""Connections to the company's mail server and chat: each person's email
preference and every delivery attempt; managers' webhooks, their outbox and every
attempt to deliver it.

Attempt rows are append-only. Only the managers' integration pages show them, and
those pages are not kept (views.py), so writing an attempt moves no revision
counter: a failing mail server must not empty every kept page each few minutes.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from docs_registry.models import Category


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class EmailPreference(models.Model):
    """How often a person wants the digest by email. A person without a row gets
    the daily digest."""

    class Frequency(models.TextChoices):
        DAILY = "daily", "Daily"
        WEEKLY = "weekly", "Weekly"
        MAJOR = "major", "Only major changes, as soon as they are published"
        OFF = "off", "Off: no digest email"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="email_preference",
    )
    frequency = models.CharField(
        max_length=10, choices=Frequency.choices, default=Frequency.DAILY
    )
    weekday = models.PositiveSmallIntegerField(
        "day of the weekly digest", choices=Weekday.choices, default=Weekday.MONDAY
    )
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Email of {self.user}: {self.frequency}"


class EmailAttempt(models.Model):
    """One try at handing a person's digest to the mail server. Append-only."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    attempted_at = models.DateTimeField(default=timezone.now)
    accepted = models.BooleanField(help_text="The mail server accepted the message.")
    changes = models.PositiveIntegerField(help_text="Versions the digest listed.")
    smtp_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    message_id = models.CharField(max_length=255, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "-attempted_at"])]
        ordering = ["-attempted_at", "-pk"]

    def __str__(self) -> str:
        outcome = "accepted" if self.accepted else "failed"
        return f"Digest to {self.user} {outcome} at {self.attempted_at:%Y-%m-%d %H:%M}"


class EventKind(models.TextChoices):
    MAJOR_CHANGE = "major_change", "Major change published"
    QUESTION_ASKED = "question_asked", "Question asked"
    QUESTION_ANSWERED = "question_answered", "Question answered"
    EXCEPTION_APPROVED = "exception_approved", "Customer exception approved"
    GOAL_READING = "goal_reading", "Goal reading recorded"
    # A version published to apply later: told once, when it is published (a
    # major one announced is this event, not also major_change).
    CHANGE_ANNOUNCED = "change_announced", "Effective-dated change announced"


class Webhook(models.Model):
    """An address in the company's chat or tools told about chosen events."""

    class Format(models.TextChoices):
        SLACK = "slack", "Slack-compatible incoming webhook"
        TEAMS = "teams", "Microsoft Teams"
        GENERIC = "generic", "Generic JSON, signed"

    name = models.CharField(max_length=100)
    url = models.URLField("address", max_length=500)
    format = models.CharField(max_length=10, choices=Format.choices)
    events = models.JSONField(default=list, help_text="EventKind values.")
    in_sales = models.BooleanField("Sales team's documents", default=True)
    in_support = models.BooleanField("Support team's documents", default=True)
    categories = models.ManyToManyField(
        Category, blank=True, related_name="+", help_text="None chosen: every one."
    )
    # The signing secret is derived from this and the server's secret key, so a
    # copy of the database alone cannot sign (services.webhook_secret).
    secret_nonce = models.CharField(max_length=64, editable=False)
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords(excluded_fields=["secret_nonce"])

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class WebhookEvent(models.Model):
    """The outbox: one event to deliver to one webhook, written in the
    transaction of what it reports and delivered after that commits."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting"
        DELIVERED = "delivered", "Delivered"
        DEAD = "dead", "Given up"

    webhook = models.ForeignKey(
        Webhook, on_delete=models.PROTECT, related_name="outbox"
    )
    kind = models.CharField(max_length=30, choices=EventKind.choices)
    # What happened, once per webhook: a second signal for it adds nothing.
    subject = models.CharField(max_length=100)
    payload = models.JSONField()
    idempotency_key = models.UUIDField(unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveIntegerField(
        default=0, help_text="Failed tries since it was last queued."
    )
    next_attempt_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["webhook", "kind", "subject"], name="webhook_event_once"
            )
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(fields=["webhook", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.subject} to {self.webhook_id}"


class WebhookDelivery(models.Model):
    """One try at delivering an event. Append-only."""

    event = models.ForeignKey(
        WebhookEvent, on_delete=models.PROTECT, related_name="deliveries"
    )
    attempted_at = models.DateTimeField(default=timezone.now)
    succeeded = models.BooleanField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-attempted_at", "-pk"]

    def __str__(self) -> str:
        return f"Delivery of {self.event_id} at {self.attempted_at:%Y-%m-%d %H:%M}"
