"""Goals in the JSON API: read by anyone signed in, readings posted with the
token of the goal's owner."""

import json
from datetime import date
from decimal import Decimal

import pytest
import time_machine

from docs_registry.services import api_token_create
from teamwork import services
from teamwork.models import GoalReading

from .teamwork_factories import make_goal

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel("2026-11-18 10:00 +0000", tick=False):
        yield


@pytest.fixture
def goal(manager, owner):
    return make_goal(manager=manager, owner=owner)


def bearer(user) -> dict:
    return {
        "HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=user, name='crm')[1]}"
    }


def post_reading(client, goal, headers, **body):
    return client.post(
        f"/api/goals/{goal.pk}/readings/",
        json.dumps(body),
        content_type="application/json",
        **headers,
    )


def test_the_current_goals_with_their_readings(client, goal, owner, support_staff):
    services.reading_record(
        goal=goal, actor=owner, value=Decimal(7), taken_on=date(2026, 11, 17)
    )
    answer = client.get("/api/goals/", **bearer(support_staff)).json()
    assert answer["period_first"] == "2026-11-18"
    [shown] = answer["results"]
    assert shown["statement"] == "Close new accounts" and shown["target"] == 10
    assert shown["latest"]["value"] == 7 and shown["status"] == "on_track"
    assert shown["readings"][0]["recorded_by"]["username"] == owner.username


def test_goals_by_month(client, goal, support_staff):
    headers = bearer(support_staff)
    assert client.get("/api/goals/?month=2026-10", **headers).json()["results"] == []
    assert (
        len(client.get("/api/goals/?month=2026-11", **headers).json()["results"]) == 1
    )
    assert client.get("/api/goals/?month=2026-13", **headers).status_code == 400
    assert client.get("/api/goals/?month=2026-11%0A", **headers).status_code == 400
    # No calendar has a year 0000: the schema's pattern leaves it out.
    assert client.get("/api/goals/?month=0000-01", **headers).status_code == 400


def test_the_owner_posts_a_reading_with_a_token(client, goal, owner):
    response = post_reading(
        client, goal, bearer(owner), value="8.5", taken_on="2026-11-18"
    )
    assert response.status_code == 201
    assert response.json()["value"] == 8.5
    reading = GoalReading.objects.get()
    assert (reading.value, reading.recorded_by) == (Decimal("8.5"), owner)


def test_a_reading_without_a_day_is_todays(client, goal, owner):
    assert post_reading(client, goal, bearer(owner), value=3).status_code == 201
    assert GoalReading.objects.get().taken_on == date(2026, 11, 18)


def test_someone_elses_token_is_forbidden(client, goal, manager):
    response = post_reading(client, goal, bearer(manager), value=3)
    assert response.status_code == 403
    assert "owner" in response.json()["detail"]
    assert not GoalReading.objects.exists()


def test_a_day_outside_the_period_is_400_and_nothing_is_written(client, goal, owner):
    response = post_reading(client, goal, bearer(owner), value=3, taken_on="2026-10-02")
    assert response.status_code == 400
    assert "outside the goal's period" in response.json()["detail"]
    assert not GoalReading.objects.exists()


def test_a_value_that_is_not_a_number_is_400(client, goal, owner):
    response = post_reading(client, goal, bearer(owner), value="seven")
    assert response.status_code == 400
    assert not GoalReading.objects.exists()


def test_an_unknown_goal_is_404(client, goal, owner):
    goal.pk = 999
    assert post_reading(client, goal, bearer(owner), value=3).status_code == 404


def test_a_browser_session_never_writes(goal, owner):
    from django.test import Client

    session = Client(enforce_csrf_checks=True)
    session.force_login(owner)
    response = post_reading(session, goal, {}, value=3)
    assert response.status_code == 401
    assert not GoalReading.objects.exists()


def test_the_readings_endpoint_takes_post_alone(client, goal, owner):
    response = client.get(f"/api/goals/{goal.pk}/readings/", **bearer(owner))
    assert response.status_code == 405 and response["Allow"] == "POST"
    assert client.post("/api/goals/", **bearer(owner)).status_code == 405
