"""What sales and support learn about customers outside the documents: exceptions
granted to one customer against a policy, and reports from the field."""

from __future__ import annotations

from datetime import date

from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from docs_registry.addresses import address
from docs_registry.models import Document, User

CUSTOMER_MAX_LENGTH = 200
ACCOUNT_MAX_LENGTH = 100
GRANTED_MAX_LENGTH = 500
WHY_MAX_LENGTH = 2000
REASON_MAX_LENGTH = 1000


class CustomerException(models.Model):
    """What was granted to one customer against a document version, for a bounded
    time, once a manager approves it. Every step (proposed, approved, declined,
    revoked) is a history record with who and when."""

    class State(models.TextChoices):
        PROPOSED = "proposed", "Awaiting approval"
        APPROVED = "approved", "Approved"
        DECLINED = "declined", "Declined"
        REVOKED = "revoked", "Revoked"

    customer = models.CharField(max_length=CUSTOMER_MAX_LENGTH)
    account = models.CharField(
        "account reference",
        max_length=ACCOUNT_MAX_LENGTH,
        blank=True,
        help_text="Optional: the customer's CRM or helpdesk id.",
    )
    granted = models.CharField("what was granted", max_length=GRANTED_MAX_LENGTH)
    document = models.ForeignKey(
        Document, on_delete=models.PROTECT, related_name="customer_exceptions"
    )
    version_number = models.PositiveIntegerField(
        help_text="The version of the document this departs from."
    )
    why = models.TextField(max_length=WHY_MAX_LENGTH)
    valid_from = models.DateField()
    valid_until = models.DateField()
    state = models.CharField(
        max_length=10, choices=State.choices, default=State.PROPOSED
    )
    proposed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    revoked_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revocation_reason = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gte=F("valid_from")),
                name="exception_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=Q(version_number__gte=1), name="exception_version_positive"
            ),
        ]
        indexes = [
            models.Index(fields=["document", "state", "valid_until"]),
            models.Index(fields=["state", "valid_until"]),
            # A digest's newly granted exceptions, newest first: read twenty in
            # order instead of sorting every one in force.
            models.Index(
                fields=["state", "-decided_at"], name="exception_newest_decided"
            ),
            # On PostgreSQL the header search's two, which Django cannot write on
            # SQLite, are made by migration 0005: a trigram index on the
            # upper-cased customer, and the upper-cased account.
        ]

    def __str__(self) -> str:
        return f"{self.customer}: {self.granted}"

    def get_absolute_url(self) -> str:
        return address("field:exception", self.pk)

    @property
    def citation(self) -> str:
        return f"{self.document.doc_id} v{self.version_number}"

    def standing(self, today: date) -> str:
        """Where it stands on `today`: computed from the dates, so an exception
        expires the day after its last day without anyone acting."""
        if self.state != self.State.APPROVED:
            return self.state
        if today > self.valid_until:
            return "expired"
        if today < self.valid_from:
            return "upcoming"
        return "active"


STANDING_LABELS = {
    "proposed": "Awaiting approval",
    "declined": "Declined",
    "revoked": "Revoked",
    "expired": "Expired",
    "upcoming": "Not yet in force",
    "active": "Active",
}


TEXT_MAX_LENGTH = 1000
AREA_MAX_LENGTH = 100


class FieldReport(models.Model):
    """What a customer said or ran into, filed by anyone (mostly support) for sales
    and for the owners of the documents it concerns. One report per thing heard:
    hearing it again is a `Sighting`, not a second report."""

    class Kind(models.TextChoices):
        COMPLAINT = "complaint", "Complaint"
        FEATURE = "feature", "Feature request"
        ENVIRONMENT = "environment", "Does not work in an environment"
        COMPETITOR = "competitor", "Competitor comparison"
        QUESTION = "question", "Common question"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ANSWERED = "answered", "Answered"
        CLOSED = "closed", "Closed"

    kind = models.CharField(max_length=12, choices=Kind.choices)
    text = models.CharField(max_length=TEXT_MAX_LENGTH)
    customer = models.CharField(max_length=CUSTOMER_MAX_LENGTH, blank=True)
    area = models.CharField(
        "product or area", max_length=AREA_MAX_LENGTH, blank=True, db_index=True
    )
    documents = models.ManyToManyField(
        Document, blank=True, related_name="field_reports"
    )
    reporter = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField()
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.OPEN
    )
    answered_document = models.ForeignKey(
        Document, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_number = models.PositiveIntegerField(null=True, blank=True)
    close_reason = models.TextField(blank=True)
    resolved_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    # How many heard it: the reporter and one for each sighting, counted as each
    # is recorded (services.field_report_seen_again), so that lists sort by it
    # without counting every report's sightings. Sightings are their own record.
    heard = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords(excluded_fields=["heard"])

    class Meta:
        indexes = [
            # By when they were filed (the newest first), holding how many heard
            # each: a period's most heard are found in the index alone.
            models.Index(
                fields=["reported_at", "heard", "id"], name="field_report_filed_heard"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:60]}"

    def get_absolute_url(self) -> str:
        return address("field:report", self.pk)

    @property
    def answered_in(self) -> str:
        if self.answered_document_id is None:
            return ""
        return f"{self.answered_document.doc_id} v{self.answered_number}"


class Sighting(models.Model):
    """Someone heard the same thing again: append-only, one per person and report."""

    report = models.ForeignKey(
        FieldReport, on_delete=models.CASCADE, related_name="sightings"
    )
    seen_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    seen_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["report", "seen_by"], name="one_sighting_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.seen_by} saw report {self.report_id} again"
