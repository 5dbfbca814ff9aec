"""Thin views: parse the request, check permission, call a selector or a service,
render."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from docs_registry import permissions
from docs_registry.caching import cache_key, page_key, remember, revision
from docs_registry.services.errors import ServiceError
from docs_registry.views.common import lazy, query_without

from . import selectors, services
from .forms import (
    AnswerForm,
    ExceptionFilterForm,
    ExceptionForm,
    FieldReportFilterForm,
    FieldReportForm,
    ReasonForm,
    exception_initial,
)
from .models import CustomerException, FieldReport

PAGE_SIZE = 50


@require_safe
def exception_list(request: HttpRequest) -> HttpResponse:
    form = ExceptionFilterForm(request.GET or None)
    filters = form.filters()
    today = timezone.localdate()

    def exceptions_page():
        # What the rows show, without the people (the API lists them).
        exceptions = selectors.exception_list(today=today, people=False, **filters)
        return Paginator(exceptions, PAGE_SIZE).get_page(request.GET.get("page"))

    return render(
        request,
        "field/exceptions.html",
        {
            "form": form,
            "show": filters["show"],
            "page": lazy(exceptions_page),
            "today": today,
            "page_query": query_without(request, "page"),
            # "Active" depends on the day as well as on what was written.
            "page_key": page_key(request, "exceptions", today),
        },
    )


@require_http_methods(["GET", "POST"])
def exception_propose(request: HttpRequest) -> HttpResponse:
    permissions.require(permissions.can_propose_exception(request.user))
    if request.method == "GET":
        form = ExceptionForm(initial=exception_initial(request.GET.get("doc", "")))
    else:
        form = ExceptionForm(request.POST)
        if form.is_valid():
            try:
                exception = services.exception_propose(
                    actor=request.user, **form.proposal()
                )
            except ServiceError as error:
                form.add_refusal(error)
            else:
                messages.success(
                    request,
                    f"Exception for {exception.customer} proposed: a manager "
                    "approves or declines it.",
                )
                return redirect(exception)
    return render(
        request,
        "field/exception_form.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


def _exception(pk: int) -> CustomerException:
    try:
        return selectors.exception_get(pk)
    except CustomerException.DoesNotExist:
        raise Http404("No such exception.") from None


def _shown_exception(request: HttpRequest, pk: int) -> CustomerException:
    """`_exception` for the page that only shows it: kept under the revision."""
    return remember(
        cache_key("exception", pk, revision(request)), lambda: _exception(pk)
    )


@require_safe
def exception_detail(request: HttpRequest, pk: int) -> HttpResponse:
    exception = _shown_exception(request, pk)
    today = timezone.localdate()
    return render(
        request,
        "field/exception.html",
        _detail_context(request, exception, today, ReasonForm()),
    )


def _detail_context(request, exception, today, form) -> dict:
    return {
        "exception": exception,
        "standing": exception.standing(today),
        "steps": lazy(selectors.exception_steps, exception),
        "can_decide": permissions.can_decide_exception(request.user),
        "form": form,
        "page_key": page_key(request, "exception", today),
    }


DECISIONS = {
    "approve": (services.exception_approve, "approved"),
    "decline": (services.exception_decline, "declined"),
    "revoke": (services.exception_revoke, "revoked"),
}


@require_POST
def exception_decide(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in DECISIONS:
        raise Http404("No such action.")
    permissions.require(
        permissions.can_decide_exception(request.user),
        "Only a manager approves, declines or revokes an exception.",
    )
    exception = _exception(pk)
    form = ReasonForm(request.POST)
    if form.is_valid():
        decide, done = DECISIONS[action]
        try:
            decide(
                exception=exception,
                actor=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"Exception for {exception.customer} {done}.")
            return redirect(exception)
    context = _detail_context(request, exception, timezone.localdate(), form)
    return render(
        request, "field/exception.html", context | {"action": action}, status=400
    )


# --- field reports ------------------------------------------------------------------


@require_safe
def field_report_list(request: HttpRequest) -> HttpResponse:
    form = FieldReportFilterForm(request.GET or None)
    filters = form.filters()
    today = timezone.localdate()

    def reports_page():
        reports = selectors.field_report_list(today=today, **filters)
        return Paginator(reports, PAGE_SIZE).get_page(request.GET.get("page"))

    return render(
        request,
        "field/reports.html",
        {
            "form": form,
            "page": lazy(reports_page),
            "page_query": query_without(request, "page"),
            # "Last 7 days" depends on the day as well as on what was written.
            "page_key": page_key(request, "field-reports", today),
        },
    )


@require_http_methods(["GET", "POST"])
def field_report_file(request: HttpRequest) -> HttpResponse:
    permissions.require(permissions.can_file_field_report(request.user))
    if request.method == "GET":
        form = FieldReportForm(initial={"documents": request.GET.get("doc", "")[:200]})
    else:
        form = FieldReportForm(request.POST)
        if form.is_valid():
            try:
                report = services.field_report_file(
                    actor=request.user, **form.cleaned_data
                )
            except ServiceError as error:
                form.add_error("text" if "text" in error.code else None, error.message)
            else:
                messages.success(request, "Thank you: your report is filed.")
                return redirect(report)
    return render(
        request,
        "field/report_form.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


def _report(pk: int) -> FieldReport:
    try:
        return selectors.field_report_get(pk)
    except FieldReport.DoesNotExist:
        raise Http404("No such report.") from None


@require_safe
def field_report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = remember(
        cache_key("field-report", pk, revision(request)), lambda: _report(pk)
    )
    return render(request, "field/report.html", _report_context(request, report))


def _report_context(request, report, **forms) -> dict:
    user = request.user
    can_resolve = permissions.can_resolve_field_report(user, report)
    return {
        "report": report,
        "sightings": lazy(selectors.field_report_sightings, report),
        "counted": remember(
            cache_key("field-heard", report.pk, user.pk, revision(request)),
            lambda: selectors.field_report_heard_by(report, user),
        ),
        "can_resolve": can_resolve and report.status == FieldReport.Status.OPEN,
        "answer_form": forms.get("answer_form")
        or (AnswerForm(report=report) if can_resolve else None),
        "close_form": forms.get("close_form") or ReasonForm(),
        "page_key": page_key(request, "field-report"),
    }


@require_POST
def field_report_seen(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(pk)
    try:
        services.field_report_seen_again(report=report, actor=request.user)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Counted: you heard this too.")
    return redirect(report)


@require_POST
def field_report_resolve(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    report = _report(pk)
    permissions.require(
        permissions.can_resolve_field_report(request.user, report),
        "Only the owners of the documents it concerns, or a manager, do this.",
    )
    if action == "answer":
        form = AnswerForm(request.POST, report=report)
        forms = {"answer_form": form}
    elif action == "close":
        form = ReasonForm(request.POST)
        forms = {"close_form": form}
    else:
        raise Http404("No such action.")
    if form.is_valid():
        try:
            if action == "answer":
                services.field_report_answer(
                    report=report, actor=request.user, **form.cleaned_data
                )
            else:
                services.field_report_close(
                    report=report, actor=request.user, **form.cleaned_data
                )
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "Recorded.")
            return redirect(report)
    return render(
        request,
        "field/report.html",
        _report_context(request, report, **forms),
        status=400,
    )
