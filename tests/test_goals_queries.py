"""Goal pages cost the same number of queries however many goals and readings
they show: cold (the cache emptied) and warm (kept), pinned."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine

from teamwork import services

from .factories import make_user
from .querycount import cold_and_warm
from .teamwork_factories import make_goal

pytestmark = pytest.mark.django_db

COUNTS = {
    "/": (6, 4),  # the home page's own queries, goals and their readings
    "/goals/": (6, 3),
    "/goals/?month=2026-11": (6, 3),
    "/goal/": (6, 4),  # its forms need the goal itself, kept or not
}


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel("2026-11-28 10:00 +0000", tick=False):
        yield


def add_goals(manager, owner, support_lead, goals: int, readings: int):
    for n in range(goals):
        for team, lead in (("sales", owner), ("support", support_lead)):
            goal = make_goal(
                manager=manager, owner=lead, team=team, statement=f"{team} {n}"
            )
            for day in range(readings):
                services.reading_record(
                    goal=goal,
                    actor=lead,
                    value=Decimal(day),
                    taken_on=date(2026, 11, 1) + timedelta(days=day),
                )
    return goal


def count(client, url: str, address: str) -> tuple[int, int]:
    counts = cold_and_warm(client, address)
    assert counts == COUNTS[url], f"{url}: (cold, warm) = {counts}"
    return counts


@pytest.mark.parametrize("url", list(COUNTS))
def test_goal_pages_cost_the_same_with_2_or_20_goals(client, manager, owner, url):
    support_lead = make_user("support-lead", in_support=True)
    client.force_login(make_user("reader", in_support=True))
    goal = add_goals(manager, owner, support_lead, goals=1, readings=2)
    address = f"/goals/{goal.pk}/" if url == "/goal/" else url
    small = count(client, url, address)
    goal = add_goals(manager, owner, support_lead, goals=9, readings=25)
    address = f"/goals/{goal.pk}/" if url == "/goal/" else url
    assert count(client, url, address) == small


@pytest.mark.parametrize("url", ["/goals/", "/goals/?month=2026-11"])
def test_a_cold_goals_page_compiles_only_djangos_reads_and_the_months(
    client, manager, owner, url
):
    """The goals of a period and their readings are prepared: a page worked out
    afresh compiles Django's session and user, and the months one can browse."""
    from .test_prepared import compiled_querysets

    support_lead = make_user("support-lead", in_support=True)
    client.force_login(make_user("reader", in_support=True))
    add_goals(manager, owner, support_lead, goals=2, readings=3)
    assert compiled_querysets(client, url) == 3
