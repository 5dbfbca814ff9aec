"""Questions on documents: staff ask, the owner answers, everyone reads the answer.
Questions are closed, never deleted."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from .. import permissions
from ..models import Document, Question, User
from ..revisions import lock_document, take_writers_turn
from .errors import ServiceError

QUESTION_MAX_LENGTH = 5000
QUOTE_MAX_LENGTH = 2000
ANSWER_MAX_LENGTH = 10000


def _text(value: str, *, max_length: int, empty: str | None, code: str) -> str:
    """`value` stripped; refused when too long, or empty unless `empty` is None."""
    value = (value or "").strip()
    if not value and empty is not None:
        raise ServiceError(empty, code=f"empty_{code}")
    if len(value) > max_length:
        raise ServiceError(
            f"The {code} is at most {max_length} characters.", code=f"{code}_too_long"
        )
    return value


def _locked(question: Question) -> Question:
    """The question re-read under a lock, with its document as it is now (an
    ownership transfer may have happened since the page was shown)."""
    take_writers_turn()  # before the question's row (see revisions.lock_document)
    locked = Question.objects.select_for_update().get(pk=question.pk)
    locked.document = Document.objects.select_related("current_version").get(
        pk=locked.document_id
    )
    return locked


@transaction.atomic
def question_ask(
    *, document: Document, actor: User, kind: str, text: str, quote: str = ""
) -> Question:
    """Ask a question on `document` (or report something missing or wrong), quoting
    the passage it is about if given. It is routed to whoever owns the document, now
    or after a transfer.

    Raises PermissionDenied unless the actor is an active signed-in user,
    ServiceError for a retired document, an unknown kind, an empty or too long text.
    """
    permissions.require(
        permissions.can_ask(actor, document), "Sign in to ask a question."
    )
    locked = lock_document(document.pk)
    if locked.is_retired:
        raise ServiceError(
            f"{locked.doc_id} is retired and takes no new questions. Ask about the "
            "document that replaced it, or ask a manager.",
            code="retired_document",
        )
    if kind not in Question.Kind.values:
        raise ServiceError(
            "Say whether this is a question or something missing or wrong.",
            code="invalid_kind",
        )
    return Question.objects.create(
        document=locked,
        kind=kind,
        text=_text(
            text,
            max_length=QUESTION_MAX_LENGTH,
            empty="Write your question.",
            code="question",
        ),
        quote=_text(quote, max_length=QUOTE_MAX_LENGTH, empty=None, code="quote"),
        asked_by=actor,
        asked_at=timezone.now(),
    )


@transaction.atomic
def question_answer(
    *, question: Question, actor: User, answer: str, answered_in: int | None = None
) -> Question:
    """Answer a question (or change the answer), optionally naming the version that
    resolved it. The answer is shown under the document to everyone and in the
    asker's digest.

    Raises PermissionDenied unless the actor is the document's current, active
    owner; ServiceError for a closed question, an empty or too long answer, or a
    version the document does not have.
    """
    locked = _locked(question)
    permissions.require(
        permissions.can_answer(actor, locked),
        "Only the document's owner answers its questions.",
    )
    if locked.status == Question.Status.CLOSED:
        raise ServiceError("This question is closed.", code="closed")
    answer = _text(
        answer, max_length=ANSWER_MAX_LENGTH, empty="Write an answer.", code="answer"
    )
    current = locked.document.current_version.number
    if answered_in is not None and not 1 <= answered_in <= current:
        raise ServiceError(
            f"{locked.document.doc_id} has no version {answered_in}: its versions "
            f"are v1 to v{current}.",
            code="unknown_version",
        )
    locked.status = Question.Status.ANSWERED
    locked.answer = answer
    locked.answered_by = actor
    locked.answered_at = timezone.now()
    locked.answered_in = answered_in
    locked.save()
    return locked


@transaction.atomic
def question_close(*, question: Question, actor: User) -> Question:
    """Close a question: it leaves the owner's open list, or, if answered, the
    document's questions and answers (e.g. an answer that no longer holds). The row
    is kept.

    Raises PermissionDenied unless the actor is the document's owner, the asker or
    a manager; ServiceError if it is already closed.
    """
    locked = _locked(question)
    permissions.require(
        permissions.can_close_question(actor, locked),
        "Only the document's owner, the person who asked and managers close a "
        "question.",
    )
    if locked.status == Question.Status.CLOSED:
        raise ServiceError("This question is already closed.", code="already_closed")
    locked.status = Question.Status.CLOSED
    locked.closed_at = timezone.now()
    locked.save()
    return locked
