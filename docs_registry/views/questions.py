"""Questions on documents: ask, answer, close, and the managers' overdue report."""

from functools import cache

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from .. import permissions, selectors, services
from ..forms import AnswerForm, QuestionForm, QuestionReportForm
from ..models import Document, Question
from ..selectors import questions as question_selectors
from .common import lazy, query_without

REPORT_PAGE_SIZE = 50


def question_context(
    request: HttpRequest, document: Document, form: QuestionForm | None = None
) -> dict:
    """What the questions block on the document page needs: read only when the
    reader's kept page is missing (its key covers questions) or refused a question
    (`form`, bound, with what was typed)."""
    return {
        "questions": lazy(
            question_selectors.document_questions, document, request.user
        ),
        "question_form": form,
        "refused_question": form is not None,
        "empty_question_form": empty_question_form(),
    }


@cache
def empty_question_form() -> SafeString:
    """The empty ask form's fields. They follow from the code alone, the same for
    everyone, so they are written once per process, like a compiled template:
    through Django's widget templates they took 1.2 ms of every document page
    worked out afresh."""
    return render_to_string("docs_registry/_form_fields.html", {"form": QuestionForm()})


def _back_to(document: Document) -> HttpResponse:
    return redirect(document.get_absolute_url() + "#questions")


def _question(pk: int) -> Question:
    return get_object_or_404(
        Question.objects.select_related("document__current_version", "asked_by"),
        pk=pk,
    )


@require_POST
def ask(request: HttpRequest, doc_id: str) -> HttpResponse:
    document = selectors.document_get(doc_id)
    permissions.require(permissions.can_ask(request.user, document))
    form = QuestionForm(request.POST)
    if form.is_valid():
        try:
            services.question_ask(
                document=document, actor=request.user, **form.cleaned_data
            )
        except services.ServiceError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request, f"Sent to {document.owner}, who owns {document.doc_id}."
            )
            return _back_to(document)
    # The document page again, with what was typed and why it was refused.
    context = {
        "document": document,
        "version": document.current_version,
        "can_publish": permissions.can_publish(request.user, document),
        "can_manage": permissions.can_manage(request.user),
    } | question_context(request, document, form)
    return render(request, "docs_registry/document.html", context, status=400)


@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    question = _question(pk)
    permissions.require(
        permissions.can_answer(request.user, question),
        "Only the document's owner answers its questions.",
    )
    initial = {"answer": question.answer, "answered_in": question.answered_in}
    form = AnswerForm(request.POST or None, initial=initial)
    if form.is_valid():
        try:
            services.question_answer(
                question=question, actor=request.user, **form.cleaned_data
            )
        except services.ServiceError as error:
            field = "answered_in" if error.code == "unknown_version" else None
            form.add_error(field, error.message)
        else:
            messages.success(request, "Answered: everyone sees it under the document.")
            return _back_to(question.document)
    return render(
        request,
        "docs_registry/question_answer.html",
        {"question": question, "document": question.document, "form": form},
        status=400 if form.errors else 200,
    )


@require_POST
def close(request: HttpRequest, pk: int) -> HttpResponse:
    question = _question(pk)
    permissions.require(
        permissions.can_close_question(request.user, question),
        "Only the document's owner, the person who asked and managers close it.",
    )
    try:
        services.question_close(question=question, actor=request.user)
    except services.ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Question closed. It is kept, not deleted.")
    return _back_to(question.document)


@require_safe
def report(request: HttpRequest) -> HttpResponse:
    permissions.require(
        permissions.is_manager(request.user), "Only managers see this report."
    )
    form = QuestionReportForm(request.GET)
    if not form.is_valid():
        return render(
            request, "docs_registry/questions.html", {"form": form}, status=400
        )
    overdue = form.cleaned_data["show"] != "open"
    questions = question_selectors.open_questions_report(overdue=overdue)
    page = Paginator(questions, REPORT_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "docs_registry/questions.html",
        {
            "form": form,
            "page": page,
            "overdue": overdue,
            "overdue_days": settings.SAMEPAGE_QUESTION_OVERDUE_DAYS,
            "query_string": query_without(request, "page"),
        },
    )
