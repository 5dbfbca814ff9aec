"""The edit page with its script, under the site's real Content-Security-Policy:
the line the cursor is on, Ctrl+S saves the draft, leaving with unsaved edits
asks first, the preview follows the text, and the toolbar writes Markdown."""

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


def test_the_preview_follows_the_text_beside_it(page, demo):
    """Typing updates the preview (the server renders it, under the real CSP), with
    the glossary's avoided words marked; on a wide screen it sits beside the text."""
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, "support-lead")
    page.goto(EDIT)
    preview = page.locator(".editor .preview")
    expect(preview.locator(".doc-body")).to_be_visible()
    body = _body(page)
    body.click()
    body.press("Control+End")
    body.type("\n\nThe money back rule, typed live.")
    mark = preview.locator("mark.avoided", has_text="money back")
    expect(mark).to_have_attribute("title", "Use “refund” instead")
    expect(preview).to_contain_text("The money back rule, typed live.")
    lines = body.input_value().count("\n") + 1
    expect(preview.locator(".lint-findings")).to_contain_text(
        f"Line {lines}: “money back” — say “refund”"
    )
    text_box, preview_box = body.bounding_box(), preview.bounding_box()
    assert preview_box["x"] >= text_box["x"] + text_box["width"]
    assert preview_box["y"] < text_box["y"] + text_box["height"]
    page.set_viewport_size({"width": 390, "height": 800})  # a phone: below the text
    text_box, preview_box = body.bounding_box(), preview.bounding_box()
    assert preview_box["y"] >= text_box["y"] + text_box["height"]
    # Signed out elsewhere: the sign-in page it is sent to is no preview.
    page.context.clear_cookies(name="sessionid")
    body.type(" More.")
    expect(preview.get_by_role("alert")).to_have_text(
        "The preview could not be updated. Are you still signed in?"
    )


def test_the_toolbar_and_its_shortcuts_write_markdown(page, demo):
    sign_in(page, "support-lead")
    page.goto(EDIT)
    body = _body(page)
    body.fill("")
    body.type("urgent")
    body.press("Shift+Home")  # select the word, then make it bold
    page.get_by_role("toolbar", name="Formatting").get_by_role(
        "button", name="Bold"
    ).click()
    expect(body).to_have_value("**urgent**")
    body.press("End")
    body.type("\nsee ")
    body.press("Control+k")
    body.type("the policy")  # the link text is selected: typed over
    expect(body).to_have_value("**urgent**\nsee [the policy](https://)")
    page.get_by_role("button", name="List").click()
    expect(body).to_have_value("**urgent**\n- see [the policy](https://)")
    page.get_by_role("button", name="Table").click()
    expect(body).to_have_value(
        re.compile(r"\n\n\| Column \| Column \|\n\| --- \| --- \|")
    )
    preview = page.locator(".preview .doc-body")
    expect(preview.locator("th").first).to_have_text("Column")
    expect(preview.locator("strong")).to_have_text(["urgent"])
