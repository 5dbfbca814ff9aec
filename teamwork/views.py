"""Thin views: parse the request, check permission, call a selector or a service,
render."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from docs_registry import permissions
from docs_registry.caching import cache_key, page_key, remember, revision
from docs_registry.services.errors import ServiceError
from docs_registry.views.common import lazy

from . import selectors, services
from .forms import (
    CloseForm,
    GoalForm,
    HelpLineForm,
    LiaisonsForm,
    NoteForm,
    ReadingForm,
    TargetForm,
)
from .meetings import meeting_pack
from .months import month_text, next_month, parse_month, previous_month


@require_safe
def goals(request: HttpRequest) -> HttpResponse:
    """Both teams' goals side by side: the current ones, or those of ?month=."""
    today = timezone.localdate()
    month = parse_month(request.GET["month"]) if "month" in request.GET else None
    if "month" in request.GET and month is None:
        raise Http404("Give the month as YYYY-MM, e.g. 2026-11.")
    if month is None:
        first = last = today
    else:
        first, last = selectors.month_bounds(month.year, month.month)
    shown = month or today.replace(day=1)
    return render(
        request,
        "teamwork/goals.html",
        {
            "month": month,
            "month_name": shown,
            "previous": month_text(previous_month(shown)),
            "next": month_text(next_month(shown))
            if shown < today.replace(day=1)
            else "",
            "teams": lazy(selectors.goals_during, first, last),
            "months": lazy(selectors.goal_months, today),
            "can_manage": permissions.can_manage_goals(request.user),
            "page_key": page_key(request, "goals", today),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def goal_new(request: HttpRequest) -> HttpResponse:
    permissions.require(
        permissions.can_manage_goals(request.user), "Only managers set goals."
    )
    form = GoalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            goal = services.goal_create(actor=request.user, **form.cleaned_data)
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "Goal set. Both teams see it now.")
            return redirect(goal)
    return render(request, "teamwork/goal_form.html", {"form": form})


# What each form on a goal's page does: its form, who may send it, the service.
ACTIONS = {
    "reading": (
        ReadingForm,
        permissions.can_record_reading,
        lambda goal, actor, data: services.reading_record(
            goal=goal, actor=actor, **data
        ),
        "Reading recorded.",
    ),
    "help": (
        HelpLineForm,
        permissions.can_record_reading,
        lambda goal, actor, data: services.goal_change_help_line(
            goal=goal, actor=actor, **data
        ),
        "Help line changed.",
    ),
    "target": (
        TargetForm,
        lambda user, goal: permissions.can_manage_goals(user) and not goal.is_closed,
        lambda goal, actor, data: services.goal_change_target(
            goal=goal, actor=actor, **data
        ),
        "Target changed.",
    ),
    "close": (
        CloseForm,
        permissions.can_close_goal,
        lambda goal, actor, data: services.goal_close(goal=goal, actor=actor, **data),
        "Goal closed. It stays on its period's page.",
    ),
}


def _page_actions(request, actions, *, allowed_on, act_on, initial):
    """A page's forms, one per action (form class, who may, what it does, the
    confirmation) this person may take on `allowed_on`, and a POSTed one carried
    out on `act_on`. Returns the forms, the status to render them with, and
    whether the action was done (the caller then redirects)."""
    user = request.user
    forms = {
        name: form_class(initial=initial)
        for name, (form_class, allowed, _, _) in actions.items()
        if allowed(user, allowed_on)
    }
    if request.method != "POST":
        return forms, 200, False
    action = request.POST.get("action", "")
    if action not in actions:
        raise Http404("No such action.")
    form_class, allowed, act, done = actions[action]
    permissions.require(allowed(user, allowed_on))
    form = forms[action] = form_class(request.POST)
    if form.is_valid():
        try:
            act(act_on, user, form.cleaned_data)
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, done)
            return forms, 200, True
    return forms, 400, False


@require_http_methods(["GET", "HEAD", "POST"])
def goal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    goal = selectors.goal_get(pk)
    initial = {"help_line": goal.help_line, "owner": goal.owner_id}
    forms, status, done = _page_actions(
        request, ACTIONS, allowed_on=goal, act_on=goal, initial=initial
    )
    if done:
        return redirect(goal)
    # The goal with its readings is read only when its kept part is missing.
    context = {"card": lazy(selectors.goal_card, pk), "goal": goal, "forms": forms}
    context["page_key"] = page_key(request, "goal", pk)
    return render(request, "teamwork/goal.html", context, status=status)


@require_safe
def handoffs(request: HttpRequest) -> HttpResponse:
    """Every hand-off rule in force, Sales → Support beside Support → Sales; the
    ones the reader has not read in their current wording marked."""
    query = request.GET.get("q", "").strip()[: selectors.HANDOFF_QUERY_MAX_LENGTH]
    return render(
        request,
        "teamwork/handoffs.html",
        {
            "query": query,
            "columns": lazy(selectors.handoff_matrix, query),
            "acknowledged": lazy(selectors.acknowledged_numbers, request.user),
            # Marks are the reader's own: their acknowledgments move the key.
            "page_key": page_key(request, "handoffs", personal=True),
        },
    )


@require_safe
def meeting_now(request: HttpRequest) -> HttpResponse:
    return redirect("teamwork:meeting", month_text(timezone.localdate()))


def _meeting_month(month: str):
    first = parse_month(month)
    if first is None or first > timezone.localdate().replace(day=1):
        raise Http404("No meeting for that month: give a month up to this one.")
    return first


# The meeting page's forms: who may send each, and what it does.
MEETING_ACTIONS = {
    "liaisons": (
        LiaisonsForm,
        lambda user, meeting: permissions.can_set_liaisons(user),
        lambda first, actor, data: services.meeting_set_liaisons(
            actor=actor, month=first, **data
        ),
        "Liaisons named.",
    ),
    "note": (
        NoteForm,
        permissions.can_write_meeting_notes,
        lambda first, actor, data: services.meeting_note_add(
            actor=actor, month=first, **data
        ),
        "Added to the meeting's page.",
    ),
}


@require_http_methods(["GET", "HEAD", "POST"])
def meeting(request: HttpRequest, month: str) -> HttpResponse:
    """The month's meeting pack for both teams, printable."""
    first = _meeting_month(month)
    # Read afresh to act on it; kept under the revision to show the page.
    held = (
        selectors.meeting_row(first)
        if request.method == "POST"
        else remember(
            cache_key("meeting-row", first, revision(request)),
            lambda: selectors.meeting_row(first),
        )
    )
    initial = {
        "sales_liaison": held and held.sales_liaison_id,
        "support_liaison": held and held.support_liaison_id,
    }
    forms, status, done = _page_actions(
        request, MEETING_ACTIONS, allowed_on=held, act_on=first, initial=initial
    )
    if done:
        return redirect("teamwork:meeting", month)
    context = {
        "month": first,
        "pack": lazy(meeting_pack, first),
        "forms": forms,
        "page_key": page_key(request, "meeting", month),
        "page_url": request.build_absolute_uri(),
    }
    return render(request, "teamwork/meeting.html", context, status=status)
