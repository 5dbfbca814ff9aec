"""Shared goals: who sets them, who records readings, what is refused, and what
both teams see."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from docs_registry.services import ServiceError
from teamwork import services
from teamwork.models import Goal, GoalReading
from teamwork.progress import expected_on, progress

from .factories import make_user
from .html import parse
from .teamwork_factories import make_goal

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 18)


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel("2026-11-18 10:00 +0000", tick=False):
        yield


@pytest.fixture
def support_lead(db):
    return make_user("support-lead", in_support=True)


@pytest.fixture
def goal(manager, owner):
    return make_goal(manager=manager, owner=owner)


# Rules ----------------------------------------------------------------------------


def test_only_managers_set_goals(owner):
    with pytest.raises(PermissionDenied):
        make_goal(manager=owner, owner=owner)
    assert not Goal.objects.exists()


def test_a_period_that_ends_before_it_starts_is_refused(manager, owner):
    with pytest.raises(ServiceError) as refused:
        make_goal(
            manager=manager,
            owner=owner,
            period_start=date(2026, 11, 30),
            period_end=date(2026, 11, 1),
        )
    assert refused.value.code == "period_reversed"
    assert not Goal.objects.exists()


def test_the_owner_belongs_to_the_goals_team(manager, owner, support_lead):
    with pytest.raises(ServiceError) as refused:
        make_goal(manager=manager, owner=support_lead, team="sales")
    assert refused.value.code == "owner_not_in_team"
    assert make_goal(manager=manager, owner=manager, team="support").owner == manager


def test_the_owner_records_readings_with_who_and_when(goal, owner):
    reading = services.reading_record(
        goal=goal, actor=owner, value=Decimal(7), taken_on=TODAY
    )
    assert (reading.recorded_by, reading.taken_on) == (owner, TODAY)
    assert reading.recorded_at.date() == TODAY


@pytest.mark.parametrize("who", ["manager", "sales_staff"])
def test_nobody_but_the_owner_records_readings(request, goal, who):
    with pytest.raises(PermissionDenied):
        services.reading_record(
            goal=goal,
            actor=request.getfixturevalue(who),
            value=Decimal(1),
            taken_on=TODAY,
        )
    assert not GoalReading.objects.exists()


@pytest.mark.parametrize(
    ("day", "code"),
    [
        (date(2026, 10, 31), "reading_outside_period"),
        (date(2026, 12, 1), "reading_outside_period"),
        (date(2026, 11, 19), "reading_in_future"),
    ],
)
def test_a_reading_outside_the_period_or_to_come_is_refused(goal, owner, day, code):
    with pytest.raises(ServiceError) as refused:
        services.reading_record(goal=goal, actor=owner, value=Decimal(1), taken_on=day)
    assert refused.value.code == code
    assert not GoalReading.objects.exists()


def test_a_goal_is_closed_with_a_reason_never_deleted(goal, manager, owner):
    services.goal_close(goal=goal, actor=manager, reason="Replaced by a Q1 goal")
    goal.refresh_from_db()
    assert goal.is_closed and goal.close_reason == "Replaced by a Q1 goal"
    with pytest.raises(PermissionDenied):
        services.reading_record(
            goal=goal, actor=owner, value=Decimal(1), taken_on=TODAY
        )
    with pytest.raises(PermissionDenied):
        services.goal_close(goal=goal, actor=manager, reason="again")


def test_a_changed_target_is_kept_in_the_history_with_who_and_why(goal, manager):
    services.goal_change_target(
        goal=goal, actor=manager, target=Decimal(12), owner=goal.owner, reason="Q4 push"
    )
    latest = goal.history.first()
    assert latest.target == Decimal(12) and latest.history_user == manager
    assert (
        latest.history_change_reason == "Target ≥ 10 accounts → ≥ 12 accounts. Q4 push"
    )
    assert goal.history.count() == 2


def test_only_the_owner_changes_the_help_line(goal, owner, manager):
    with pytest.raises(PermissionDenied):
        services.goal_change_help_line(goal=goal, actor=manager, help_line="x")
    services.goal_change_help_line(goal=goal, actor=owner, help_line="Refer trials")
    goal.refresh_from_db()
    assert goal.help_line == "Refer trials"


# On track: a straight line from the starting value to the target -------------------


def reading(goal, day, value, pk=1):
    return GoalReading(
        goal=goal, taken_on=day, value=Decimal(value), recorded_at=TODAY, pk=pk
    )


def test_expected_progress_is_a_straight_line_over_the_period(goal):
    assert expected_on(goal, date(2026, 11, 1)) == 0
    assert expected_on(goal, date(2026, 11, 30)) == 10
    assert expected_on(goal, date(2026, 11, 16)) == Decimal(150) / Decimal(29)


def test_at_least_is_on_track_at_or_above_the_line(goal):
    # 16 Nov: the line stands at 5.17.
    assert progress(goal, [reading(goal, date(2026, 11, 16), 6)]).on_track
    assert not progress(goal, [reading(goal, date(2026, 11, 16), 5)]).on_track


def test_at_most_is_on_track_at_or_below_the_line(manager, support_lead):
    goal = make_goal(
        manager=manager,
        owner=support_lead,
        team="support",
        direction="at_most",
        baseline=Decimal(14),
        target=Decimal(10),
    )
    # 30 Nov: the line has come down to the target, 10.
    assert progress(goal, [reading(goal, date(2026, 11, 30), 10)]).on_track
    assert not progress(goal, [reading(goal, date(2026, 11, 30), 11)]).on_track


def test_a_later_reading_of_the_same_day_corrects_the_earlier(goal):
    shown = progress(
        goal,
        [
            reading(goal, date(2026, 11, 16), 9, pk=1),
            reading(goal, date(2026, 11, 16), 4, pk=2),
        ],
    )
    assert shown.latest.value == 4 and not shown.on_track
    assert len(shown.values) == 1


# Pages ----------------------------------------------------------------------------


def test_goals_page_shows_both_teams_side_by_side(
    client, goal, owner, support_staff, manager, support_lead
):
    make_goal(
        manager=manager,
        owner=support_lead,
        team="support",
        statement="Answer calls faster",
        direction="at_most",
        target=Decimal(10),
        unit="min",
    )
    services.reading_record(goal=goal, actor=owner, value=Decimal(7), taken_on=TODAY)
    client.force_login(support_staff)
    page = parse(client.get("/goals/"))
    sales, support = page.select("section", cls="team-column")
    assert "Close new accounts" in sales.text and "7 accounts" in sales.text
    assert "On track" in sales.text and "(expected 5.9 by then)" in sales.text
    assert "Answer calls faster" in support.text and "≤ 10 min" in support.text
    [line] = sales.select("polyline")
    assert line.attrs["points"]
    assert "style" not in line.attrs


def test_past_periods_stay_browsable(client, manager, owner, sales_staff):
    make_goal(
        manager=manager,
        owner=owner,
        statement="October accounts",
        period_start=date(2026, 10, 1),
        period_end=date(2026, 10, 31),
    )
    client.force_login(sales_staff)
    assert "October accounts" not in parse(client.get("/goals/")).one("main").text
    past = parse(client.get("/goals/?month=2026-10")).one("main")
    assert "October accounts" in past.text
    assert "October 2026" in past.one("ul", cls="period-list").text


@pytest.mark.parametrize("month", ["2026-13", "26-10", "2026-1", "abc"])
def test_a_malformed_month_is_not_found(client, sales_staff, month):
    client.force_login(sales_staff)
    assert client.get(f"/goals/?month={month}").status_code == 404


def test_both_teams_see_current_goals_on_their_home_page(
    client, goal, owner, support_staff, sales_staff
):
    services.reading_record(goal=goal, actor=owner, value=Decimal(3), taken_on=TODAY)
    for person in (support_staff, sales_staff):
        client.force_login(person)
        home = parse(client.get("/")).one("section", cls="current-goals")
        assert "Close new accounts" in home.text and "3 accounts" in home.text


def test_a_closed_goal_leaves_the_home_page_but_stays_on_its_period(
    client, goal, manager
):
    services.goal_close(goal=goal, actor=manager, reason="Merged into another goal")
    client.force_login(manager)
    assert (
        "Close new accounts"
        not in parse(client.get("/")).one("section", cls="current-goals").text
    )
    kept = parse(client.get("/goals/")).one("main").text
    assert "Closed" in kept and "Merged into another goal" in kept


# Forms: clear errors, nothing written ----------------------------------------------


def goal_form(**fields):
    return {
        "team": "sales",
        "statement": "Close new accounts",
        "measure": "new accounts closed",
        "unit": "accounts",
        "direction": "at_least",
        "target": "10",
        "baseline": "0",
        "period_start": "2026-11-01",
        "period_end": "2026-11-30",
        "help_line": "",
    } | fields


def test_a_manager_sets_a_goal_through_the_form(client, manager, owner):
    client.force_login(manager)
    response = client.post("/goals/new/", goal_form(owner=owner.pk))
    goal = Goal.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/goals/{goal.pk}/"
    assert goal.created_by == manager and goal.target == 10


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"period_end": "2026-10-01"}, "The period ends before it starts."),
        ({"target": "ten"}, "Enter a number, such as 10 or 7.5."),
    ],
)
def test_a_bad_goal_gets_a_clear_message_and_nothing_is_written(
    client, manager, owner, fields, message
):
    client.force_login(manager)
    response = client.post("/goals/new/", goal_form(owner=owner.pk, **fields))
    assert response.status_code == 200
    errors = [p.text for p in parse(response).select("p", cls="error")]
    assert message in errors
    assert not Goal.objects.exists()
    # What was typed is kept.
    assert b'value="Close new accounts"' in response.content


def test_only_managers_open_the_goal_form(client, owner):
    client.force_login(owner)
    assert client.get("/goals/new/").status_code == 403


def test_the_owner_records_a_reading_on_the_goals_page(client, goal, owner):
    client.force_login(owner)
    response = client.post(
        f"/goals/{goal.pk}/",
        {"action": "reading", "value": "7", "taken_on": "2026-11-18"},
    )
    assert response.status_code == 302
    page = parse(client.get(f"/goals/{goal.pk}/"))
    assert "7 accounts" in page.one("table", cls="readings").text


def test_a_reading_outside_the_period_is_explained_and_not_written(client, goal, owner):
    client.force_login(owner)
    response = client.post(
        f"/goals/{goal.pk}/",
        {"action": "reading", "value": "7", "taken_on": "2026-10-18"},
    )
    assert response.status_code == 400
    assert (
        "18 Oct 2026 is outside the goal's period"
        in parse(response).one("div", cls="errors").text
    )
    assert not GoalReading.objects.exists()


def test_a_reading_posted_by_someone_else_is_forbidden(
    client, goal, sales_staff, manager
):
    for person in (sales_staff, manager):
        client.force_login(person)
        response = client.post(
            f"/goals/{goal.pk}/",
            {"action": "reading", "value": "7", "taken_on": "2026-11-18"},
        )
        assert response.status_code == 403
    assert not GoalReading.objects.exists()


def test_only_the_owner_sees_the_reading_form(client, goal, owner, sales_staff):
    client.force_login(sales_staff)
    assert b'value="reading"' not in client.get(f"/goals/{goal.pk}/").content
    client.force_login(owner)
    assert b'value="reading"' in client.get(f"/goals/{goal.pk}/").content


def test_a_new_reading_shows_on_pages_kept_before_it(client, goal, owner):
    client.force_login(owner)
    assert (
        "No reading yet"
        in parse(client.get("/")).one("section", cls="current-goals").text
    )
    client.get("/goals/")
    services.reading_record(goal=goal, actor=owner, value=Decimal(4), taken_on=TODAY)
    assert (
        "4 accounts" in parse(client.get("/")).one("section", cls="current-goals").text
    )
    assert "4 accounts" in parse(client.get("/goals/")).one("main").text


# Digests --------------------------------------------------------------------------


def test_goal_news_and_decisions_reach_both_teams_digests(
    client, manager, owner, support_staff, sales_staff, support_lead
):
    goal = make_goal(manager=manager, owner=owner, period_end=TODAY)
    services.goal_change_target(
        goal=goal, actor=manager, target=Decimal(12), owner=owner, reason="Q4 push"
    )
    services.reading_record(goal=goal, actor=owner, value=Decimal(11), taken_on=TODAY)
    meeting_month = date(2026, 10, 1)
    services.meeting_set_liaisons(
        actor=manager,
        month=meeting_month,
        sales_liaison=owner,
        support_liaison=support_lead,
    )
    services.meeting_note_add(
        actor=support_lead, month=meeting_month, kind="decision", text="Weekly sync."
    )
    for person, team in ((support_staff, "support"), (sales_staff, "sales")):
        client.force_login(person)
        for url in ("/digest/", f"/digest/?team={team}&since=2026-11-01"):
            news = parse(client.get(url)).one("section", cls="digest-news").text
            assert "new goal, new accounts closed ≥ 10 accounts" in news, url
            assert "Target ≥ 10 accounts → ≥ 12 accounts. Q4 push" in news
            assert "final reading 11 accounts against ≥ 12 accounts" in news
            assert "October 2026 meeting" in news and ": Weekly sync." in news


def test_a_reading_before_the_last_day_is_not_news(client, goal, owner, sales_staff):
    services.reading_record(goal=goal, actor=owner, value=Decimal(3), taken_on=TODAY)
    client.force_login(sales_staff)
    news = parse(client.get("/digest/")).one("section", cls="digest-news").text
    assert "final reading" not in news and "new goal" in news


def test_managers_look_at_goals_in_the_admin_but_never_change_them(
    client, goal, manager
):
    manager.is_staff = True
    manager.save()
    client.force_login(manager)
    assert client.get("/admin/teamwork/goal/").status_code == 200
    page = client.get(f"/admin/teamwork/goal/{goal.pk}/change/")
    assert (
        page.status_code == 200
        and b"<title>Close new accounts | View goal" in page.content
    )
    changed = client.post(f"/admin/teamwork/goal/{goal.pk}/change/", {"target": "1"})
    assert changed.status_code == 403
    assert client.get(f"/admin/teamwork/goal/{goal.pk}/delete/").status_code == 403
