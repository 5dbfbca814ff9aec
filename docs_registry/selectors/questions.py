"""Reads of questions: the document page's questions and answers, the owner's open
questions, the managers' overdue report and the asker's answers in the digest."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, DateTimeField, IntegerField, Q, QuerySet
from django.utils import timezone

from ..models import Document, Question, User
from ..prepared import Asked, Param, PreparedQuery, prepared


@dataclass
class DocumentQuestions:
    """What one reader sees of a document's questions: the answered ones (a living
    FAQ, for everyone) and the open ones they may see (all of them for the owner,
    their own for anyone else)."""

    answered: list[Question] = field(default_factory=list)
    open: list[Question] = field(default_factory=list)
    is_owner: bool = False

    @property
    def open_count(self) -> int:
        return len(self.open)


def _document_questions(visible_open: Q) -> PreparedQuery:
    return PreparedQuery(
        lambda: (
            Question.objects.filter(document_id=Param("document", IntegerField()))
            .filter(Q(status=Question.Status.ANSWERED) | visible_open)
            .select_related("asked_by", "answered_by")
            .defer(
                *User.fields_not_shown("asked_by"),
                *User.fields_not_shown("answered_by"),
            )
            .order_by("asked_at", "pk")
        )
    )


# The owner sees every open question; anyone else the ones they asked.
_OWNERS_QUESTIONS = _document_questions(Q(status=Question.Status.OPEN))
_READERS_QUESTIONS = _document_questions(
    Q(status=Question.Status.OPEN, asked_by_id=Param("reader", IntegerField()))
)


def document_questions(document: Document, user: User) -> DocumentQuestions:
    """One query, however many questions the document has."""
    is_owner = document.owner_id == user.pk
    if is_owner:
        questions = _OWNERS_QUESTIONS.run(document=document.pk)
    else:
        questions = _READERS_QUESTIONS.run(document=document.pk, reader=user.pk)
    result = DocumentQuestions(is_owner=is_owner)
    for question in questions:
        if question.status == Question.Status.OPEN:
            result.open.append(question)
        else:
            result.answered.append(question)
    result.answered.sort(key=lambda question: question.answered_at, reverse=True)
    return result


def open_questions_for_owner(user: User) -> QuerySet[Question]:
    """Open questions on the documents `user` owns now, oldest first, with their
    document and asker joined."""
    return (
        Question.objects.filter(status=Question.Status.OPEN, document__owner=user)
        .select_related("document", "asked_by")
        .order_by("asked_at", "pk")
    )


def open_question_counts(documents: Iterable[Document]) -> dict[int, int]:
    """Open questions per document primary key (missing: none), in one query."""
    return dict(
        Question.objects.filter(
            status=Question.Status.OPEN,
            document__in=[document.pk for document in documents],
        )
        .values("document")
        .annotate(count=Count("pk"))
        .values_list("document", "count")
    )


def overdue_cutoff() -> datetime:
    """Questions asked before this and still open are overdue."""
    return timezone.now() - timedelta(days=settings.SAMEPAGE_QUESTION_OVERDUE_DAYS)


def open_questions_report(*, overdue: bool) -> QuerySet[Question]:
    """Every open question (or only the overdue ones), oldest first, with what the
    managers' report shows joined."""
    questions = Question.objects.filter(status=Question.Status.OPEN)
    if overdue:
        questions = questions.filter(asked_at__lt=overdue_cutoff())
    return questions.select_related("document__owner", "asked_by").order_by(
        "asked_at", "pk"
    )


# What a digest lists of the answers to the reader's own questions.
ANSWERS_SHOWN = 50


def answered_for_asker(user: User, since: datetime | None) -> list[Question]:
    """Questions `user` asked that were answered after `since` (all, if None),
    newest answer first: the first ANSWERS_SHOWN."""
    return answers_asked(user, since).objects()


def answers_asked(user: User, since: datetime | None) -> Asked:
    """`answered_for_asker` as a query to run or keep as rows."""
    values = {"user": user.pk}
    if since is not None:
        values["since"] = since
    return Asked(prepared(_answered_for_asker, since is not None), values)


# Prepared with and without "since": every digest worked out afresh asks it.
def _answered_for_asker(has_since: bool) -> QuerySet[Question]:
    questions = Question.objects.filter(
        asked_by=Param("user", IntegerField()), answered_at__isnull=False
    )
    if has_since:
        questions = questions.filter(answered_at__gt=Param("since", DateTimeField()))
    return (
        questions.select_related("document", "answered_by")
        .defer(*User.fields_not_shown("answered_by"))
        .order_by("-answered_at", "-pk")[:ANSWERS_SHOWN]
    )
