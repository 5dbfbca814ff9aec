"""When documents are due to be confirmed accurate again, and the owner's
dashboard that lists them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import (
    DateTimeField,
    DurationField,
    ExpressionWrapper,
    IntegerField,
    QuerySet,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from ..models import Document, Draft, Question, User
from .coverage import Coverage, coverage_report
from .questions import open_questions_for_owner

DEFAULT_REVIEW_INTERVAL_DAYS = 90


def review_interval_days(document: Document) -> int:
    """The document's own interval, else its category's, else 90 days."""
    return (
        document.review_interval_days
        or document.category.review_interval_days
        or DEFAULT_REVIEW_INTERVAL_DAYS
    )


def review_due_at(document: Document) -> datetime:
    """When the document must next be confirmed accurate (or republished)."""
    last = document.last_reviewed_at or document.created_at
    return last + timedelta(days=review_interval_days(document))


def with_review_due(documents: QuerySet[Document]) -> QuerySet[Document]:
    """Annotate `review_due_at`, computed in SQL as `review_due_at()` computes it
    in Python. An integer times a one-day duration is portable: microseconds on
    SQLite (added by Django's date-delta function), an interval on PostgreSQL."""
    interval = Coalesce(
        "review_interval_days",
        "category__review_interval_days",
        Value(DEFAULT_REVIEW_INTERVAL_DAYS),
        output_field=IntegerField(),
    )
    return documents.annotate(
        review_due_at=ExpressionWrapper(
            Coalesce("last_reviewed_at", "created_at")
            + ExpressionWrapper(
                interval * Value(timedelta(days=1)), output_field=DurationField()
            ),
            output_field=DateTimeField(),
        )
    )


def reviews_due(
    *, owner: User | None = None, now: datetime | None = None
) -> QuerySet[Document]:
    """Active documents whose review interval has lapsed, longest overdue first:
    one query."""
    documents = Document.objects.filter(status=Document.Status.ACTIVE)
    if owner is not None:
        documents = documents.filter(owner=owner)
    return (
        with_review_due(documents)
        .filter(review_due_at__lte=now or timezone.now())
        .select_related("owner", "category", "current_version")
        .defer("current_version__body", "current_version__body_html")
        .order_by("review_due_at", "doc_id")
    )


@dataclass(frozen=True)
class Dashboard:
    open_questions: list[Question]
    reviews_due: list[Document]
    coverage: list[Coverage]
    drafts: list[Draft]


def owner_dashboard(owner: User) -> Dashboard:
    """Everything waiting for a document owner, in a fixed number of queries."""
    drafts = (
        Draft.objects.filter(author=owner)
        .select_related("document")
        .defer("body", "document__retirement_reason")
        .order_by("-updated_at")
    )
    return Dashboard(
        open_questions=list(open_questions_for_owner(owner)),
        reviews_due=list(reviews_due(owner=owner)),
        coverage=list(coverage_report(owner=owner)),
        drafts=list(drafts),
    )


@dataclass(frozen=True)
class ReviewStatus:
    last_reviewed_at: datetime
    due_at: datetime
    is_due: bool


def review_status(document: Document) -> ReviewStatus:
    """What the document page tells readers: when it was last confirmed accurate
    and whether its review is due. No query (the category is already joined)."""
    due_at = review_due_at(document)
    return ReviewStatus(
        last_reviewed_at=document.last_reviewed_at or document.created_at,
        due_at=due_at,
        is_due=not document.is_retired and due_at <= timezone.now(),
    )
