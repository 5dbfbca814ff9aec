"""The edit page with its script, under the site's real Content-Security-Policy:
the line the cursor is on, Ctrl+S saves the draft, and leaving with unsaved edits
asks first."""

from __future__ import annotations

import re

import pytest

from .main_pages import DOC_ID, seed, sign_in

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture explains: skipped, or failed in CI
    expect = None

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EDIT = f"/docs/{DOC_ID}/edit/"


@pytest.fixture
def demo(settings):
    return seed(settings)


def _body(page):
    return page.locator("textarea.markdown-source")


def test_the_line_indicator_follows_the_cursor(page, demo):
    sign_in(page, "support-lead")
    page.goto(EDIT)
    body = _body(page)
    lines = body.input_value().count("\n") + 1
    body.click()
    body.press("Control+Home")
    expect(page.locator(".line-indicator")).to_have_text(f"Line 1 of {lines}")
    body.press("Control+End")
    expect(page.locator(".line-indicator")).to_have_text(f"Line {lines} of {lines}")


def test_ctrl_s_saves_the_draft(page, demo):
    sign_in(page, "support-lead")
    page.goto(EDIT)
    body = _body(page)
    body.click()
    body.press("Control+End")
    body.type("\n\nA sentence saved with the keyboard.")
    body.press("Control+s")
    expect(page.get_by_text("Draft saved. Only you can see it.")).to_be_visible()
    expect(_body(page)).to_have_value(re.compile("A sentence saved with the keyboard."))


def test_leaving_without_edits_does_not_ask(page, demo):
    sign_in(page, "support-lead")
    page.goto(EDIT)
    asked = []

    def answer(dialog):
        asked.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", answer)
    page.close(run_before_unload=True)  # nothing typed: leaves without asking
    assert asked == []


def test_leaving_after_typing_asks_first(new_page, demo):
    page = new_page()
    sign_in(page, "support-lead")
    page.goto(EDIT)
    _body(page).click()
    _body(page).type("unsaved words")
    asked = []

    def answer(dialog):
        asked.append(dialog.type)
        dialog.accept()

    page.on("dialog", answer)
    page.close(run_before_unload=True)
    page.wait_for_event("close")
    assert asked == ["beforeunload"]
