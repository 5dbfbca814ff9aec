"""A price change announced before it applies: the owner publishes it with next
month's date, every reader sees the banner until then, and once the clock passes
the date the new version is current while `?at=` still finds the old one."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture explains: skipped, or failed in CI
    expect = None

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_BODY = "Up to **12%** needs no approval from next month."


def _label(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def test_a_price_change_announced_for_next_month(
    new_page, sign_in, document, sales_staff
):
    with time_machine.travel(timezone.now(), tick=True) as clock:
        today = timezone.localdate()
        effective = date(today.year + today.month // 12, today.month % 12 + 1, 1)

        owner = new_page()
        sign_in(owner, "sales-lead")
        owner.goto("/docs/PRC-0001/edit/")
        owner.get_by_label("Body").fill(NEW_BODY)
        owner.get_by_label("Change summary").fill("New discount limit")
        owner.get_by_label("Effective date (optional)").fill(effective.isoformat())
        owner.get_by_role("button", name="Publish v2").click()
        expect(owner.get_by_role("status")).to_have_text(
            f"Published PRC-0001 v2, in force from {_label(effective)}. "
            "Until then v1 stays in force."
        )

        reader = new_page()
        sign_in(reader, "sales")
        reader.goto("/docs/PRC-0001/")
        banner = reader.locator(".pending-change")
        expect(banner).to_contain_text(
            f"Changes on {_label(effective)} — see what changes"
        )
        expect(reader.locator(".doc-body")).to_contain_text("Up to 10%")
        banner.get_by_role("link", name="see what changes").click()
        expect(reader.locator("ins").first).to_contain_text("12%")

        # The day after the effective date: nobody did anything in between.
        clock.move_to(
            timezone.make_aware(datetime.combine(effective, datetime.min.time()))
            + timedelta(hours=9)
        )
        reader = new_page()  # a month later: signed in afresh
        sign_in(reader, "sales")
        reader.goto("/docs/PRC-0001/")
        expect(reader.locator(".doc-body")).to_contain_text("Up to 12%")
        expect(reader.locator(".citation .version-number").first).to_have_text("v2")
        expect(reader.locator(".pending-change")).to_have_count(0)

        day_before = effective - timedelta(days=1)
        reader.goto(f"/docs/PRC-0001/?at={day_before.isoformat()}")
        expect(reader.locator(".in-force-at")).to_contain_text(
            f"In force on {_label(day_before)}"
        )
        expect(reader.locator(".in-force-at")).to_contain_text("PRC-0001 v1")
        expect(reader.locator(".doc-body")).to_contain_text("Up to 10%")
