"""Every write to goals and their readings. Views, the API, the admin and the demo
seeder call these, so the rules hold whichever door a change comes through."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from docs_registry import permissions
from docs_registry.models import User
from docs_registry.services.errors import ServiceError
from docs_registry.services.history import save_with_history
from docs_registry.text import normalise_text

from .models import Goal, GoalReading, Meeting, MeetingNote


def _check_period(start: date, end: date) -> None:
    if end < start:
        raise ServiceError(
            "The period ends before it starts: choose an end on or after the start.",
            code="period_reversed",
        )


def _check_owner(owner: User, team: str) -> None:
    if not permissions.can_own_goal(owner, team):
        raise ServiceError(
            f"{owner.display_name} can not own this goal: an owner is an active "
            "member of the goal's team, or a manager.",
            code="owner_not_in_team",
        )


@transaction.atomic
def goal_create(
    *,
    actor: User,
    team: str,
    owner: User,
    statement: str,
    measure: str,
    unit: str,
    direction: str,
    target: Decimal,
    baseline: Decimal = Decimal(0),
    period_start: date,
    period_end: date,
    help_line: str = "",
) -> Goal:
    """A manager sets a team's goal and its owner. Raises PermissionDenied for
    anyone else, ServiceError for a period that ends before it starts or an owner
    outside the team."""
    permissions.require(
        permissions.can_manage_goals(actor), "Only managers create goals."
    )
    _check_period(period_start, period_end)
    _check_owner(owner, team)
    goal = Goal(
        team=team,
        owner=owner,
        statement=normalise_text(statement).strip(),
        measure=normalise_text(measure).strip(),
        unit=normalise_text(unit).strip(),
        direction=direction,
        target=target,
        baseline=baseline,
        period_start=period_start,
        period_end=period_end,
        help_line=normalise_text(help_line).strip(),
        created_by=actor,
    )
    save_with_history(goal, actor=actor, reason="Goal set")
    return goal


@transaction.atomic
def goal_change_target(
    *, goal: Goal, actor: User, target: Decimal, owner: User, reason: str
) -> Goal:
    """A manager changes an open goal's target or owner, saying why (kept in the
    goal's history)."""
    goal = Goal.objects.select_for_update().get(pk=goal.pk)
    permissions.require(
        permissions.can_manage_goals(actor) and not goal.is_closed,
        "Only managers change the target of an open goal.",
    )
    _check_owner(owner, goal.team)
    old = goal.target_text
    goal.target, goal.owner = target, owner
    why = normalise_text(reason).strip()
    save_with_history(
        goal, actor=actor, reason=f"Target {old} → {goal.target_text}. {why}".strip()
    )
    return goal


@transaction.atomic
def goal_change_help_line(*, goal: Goal, actor: User, help_line: str) -> Goal:
    """The owner says how the other team can help."""
    goal = Goal.objects.select_for_update().get(pk=goal.pk)
    permissions.require(
        permissions.can_record_reading(actor, goal),
        "Only the goal's owner changes its help line.",
    )
    goal.help_line = normalise_text(help_line).strip()
    save_with_history(goal, actor=actor, reason="Help line changed")
    return goal


@transaction.atomic
def goal_close(*, goal: Goal, actor: User, reason: str) -> Goal:
    """Close an open goal with a reason; it stays on its period's page."""
    goal = Goal.objects.select_for_update().get(pk=goal.pk)
    permissions.require(
        permissions.can_close_goal(actor, goal),
        "Only the goal's owner or a manager closes an open goal.",
    )
    why = normalise_text(reason).strip()
    if not why:
        raise ServiceError("Say why the goal is closed.", code="reason_missing")
    goal.closed_at, goal.closed_by, goal.close_reason = timezone.now(), actor, why
    save_with_history(goal, actor=actor, reason=f"Closed: {why}")
    return goal


@transaction.atomic
def reading_record(
    *, goal: Goal, actor: User, value: Decimal, taken_on: date
) -> GoalReading:
    """The owner records the measure's value on a day of the period, today or
    earlier. Raises PermissionDenied for anyone but the owner of an open goal,
    ServiceError for a day outside the period or in the future."""
    goal = Goal.objects.select_for_update().get(pk=goal.pk)
    permissions.require(
        permissions.can_record_reading(actor, goal),
        "Only the goal's owner records its readings, while it is open.",
    )
    if not goal.period_start <= taken_on <= goal.period_end:
        raise ServiceError(
            f"{taken_on:%d %b %Y} is outside the goal's period "
            f"({goal.period_start:%d %b %Y} – {goal.period_end:%d %b %Y}).",
            code="reading_outside_period",
        )
    if taken_on > timezone.localdate():
        raise ServiceError(
            f"{taken_on:%d %b %Y} has not come yet: record what was measured.",
            code="reading_in_future",
        )
    return GoalReading.objects.create(
        goal=goal,
        value=value,
        taken_on=taken_on,
        recorded_by=actor,
        recorded_at=timezone.now(),
    )


def _past_or_current(month: date) -> None:
    if month > timezone.localdate().replace(day=1):
        raise ServiceError("That month has not come yet.", code="month_in_future")


@transaction.atomic
def meeting_set_liaisons(
    *,
    actor: User,
    month: date,
    sales_liaison: User | None,
    support_liaison: User | None,
) -> Meeting:
    """A manager names each team's liaison for a month's meeting (a member of that
    team). The change is kept in the meeting's history."""
    permissions.require(
        permissions.can_set_liaisons(actor), "Only managers name the liaisons."
    )
    _past_or_current(month)
    for liaison, team in ((sales_liaison, "sales"), (support_liaison, "support")):
        if liaison is not None and not (
            liaison.is_active and getattr(liaison, f"in_{team}")
        ):
            raise ServiceError(
                f"{liaison.display_name} is not an active member of the "
                f"{team.title()} team.",
                code="liaison_not_in_team",
            )
    meeting, _ = Meeting.objects.select_for_update().get_or_create(month=month)
    meeting.sales_liaison, meeting.support_liaison = sales_liaison, support_liaison
    save_with_history(meeting, actor=actor, reason="Liaisons named")
    return meeting


@transaction.atomic
def meeting_note_add(*, actor: User, month: date, kind: str, text: str) -> MeetingNote:
    """A liaison adds an agenda item or records a decision: kept with who and
    when, never changed."""
    meeting = Meeting.objects.filter(month=month).first()
    permissions.require(
        permissions.can_write_meeting_notes(actor, meeting),
        "Only the month's liaisons add agenda items and decisions.",
    )
    text = normalise_text(text).strip()
    if not text:
        raise ServiceError("Write the item.", code="note_empty")
    if kind not in MeetingNote.Kind.values:
        raise ServiceError("Choose an agenda item or a decision.", code="note_kind")
    return MeetingNote.objects.create(
        meeting=meeting,
        kind=kind,
        text=text,
        written_by=actor,
        written_at=timezone.now(),
    )
