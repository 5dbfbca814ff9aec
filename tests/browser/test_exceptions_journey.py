"""Never caught out: sales proposes an exception for a customer, the manager
approves it, and a support agent who searches the customer's name sees it, and
finds it again on the policy it departs from."""

from __future__ import annotations

import re

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture explains: skipped, or failed in CI
    expect = None

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GRANTED = "Refund outside the 30-day window"


def test_sales_proposes_the_manager_approves_support_finds_it(
    new_page, sign_in, document, sales_staff, manager, support_staff
):
    sales = new_page()
    sign_in(sales, "sales")
    sales.goto("/docs/PRC-0001/")
    sales.get_by_role("link", name="Propose an exception to this document").click()
    expect(sales.get_by_label("Document:", exact=True)).to_have_value("PRC-0001")
    sales.get_by_label("Customer").fill("Acme Corp")
    sales.get_by_label("Account reference").fill("CRM-1001")
    sales.get_by_label("What was granted").fill(GRANTED)
    sales.get_by_label("Why").fill("Three-year renewal signed.")
    sales.get_by_label("Valid until").fill("2001-01-31")
    sales.get_by_role("button", name="Propose").click()
    # Ending before it starts: refused, and what was typed is still there.
    expect(sales.get_by_text("would end before it starts")).to_be_visible()
    expect(sales.get_by_label("Customer")).to_have_value("Acme Corp")
    sales.get_by_label("Valid until").fill("2099-12-31")
    sales.get_by_role("button", name="Propose").click()
    expect(sales.get_by_text("Awaiting approval").first).to_be_visible()
    address = sales.url

    boss = new_page()
    sign_in(boss, "manager")
    boss.goto(address)
    boss.get_by_label("Reason").fill("Keeps a three-year account.")
    boss.get_by_role("button", name="Approve").click()
    expect(boss.get_by_role("status")).to_contain_text("approved")
    expect(boss.get_by_text("Approved: Keeps a three-year account.")).to_be_visible()

    agent = new_page()
    sign_in(agent, "support")
    agent.get_by_role("searchbox", name=re.compile("Find a document")).fill("acme")
    agent.keyboard.press("Enter")
    found = agent.get_by_role("region", name="Exceptions")
    expect(found).to_contain_text(GRANTED)
    found.get_by_role("link", name="PRC-0001 v1").click()
    agent.get_by_role("link", name="PRC-0001", exact=True).first.click()
    box = agent.get_by_role("region", name="1 active exception to this document")
    expect(box).to_contain_text("Acme Corp")
    expect(box).to_contain_text(GRANTED)
