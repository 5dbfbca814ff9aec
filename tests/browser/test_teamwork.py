"""Goals and the monthly meeting, as people use them: the sales lead records a
reading, a support agent sees it at the top of their home page, and the manager
opens the month's meeting page and prints it."""

import calendar

import pytest
from django.utils import timezone

from ..teamwork_factories import make_goal

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture reports it: skipped, or failed in CI
    expect = None

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_reading_reaches_the_other_team_and_the_meeting_page(
    new_page, sign_in, owner, manager, support_staff, live_server
):
    today = timezone.localdate()
    make_goal(
        manager=manager,
        owner=owner,
        period_start=today.replace(day=1),
        period_end=today.replace(day=calendar.monthrange(today.year, today.month)[1]),
    )

    lead = new_page()
    sign_in(lead, "sales-lead")
    lead.get_by_role("link", name="Goals", exact=True).click()
    lead.get_by_role("link", name="Close new accounts").first.click()
    lead.get_by_label("Value").fill("7")
    lead.get_by_label("Measured on").fill(f"{today:%Y-%m-%d}")
    lead.get_by_role("button", name="Record reading").click()
    expect(lead.get_by_text("Reading recorded.")).to_be_visible()

    agent = new_page()
    sign_in(agent, "support")
    goals = agent.locator(".current-goals")
    expect(goals).to_contain_text("Close new accounts")
    expect(goals).to_contain_text("7 accounts")

    boss = new_page()
    sign_in(boss, "manager")
    boss.get_by_role("link", name="Meeting", exact=True).click()
    month = f"{today:%B %Y}"
    expect(boss.get_by_role("heading", level=1)).to_contain_text(month)
    expect(boss.locator("#goals").locator("xpath=..")).to_contain_text("7 accounts")
    boss.emulate_media(media="print")
    header = boss.locator(".print-header")
    expect(header).to_be_visible()
    expect(header).to_contain_text(month)
    expect(header).to_contain_text("Uncontrolled when printed")
    expect(boss.locator(".site-header")).to_be_hidden()
    expect(boss.get_by_role("button", name="Save liaisons")).to_be_hidden()
