"""What people do with Samepage, through a real browser: the owner publishes a
change, both teams read it in the same words and acknowledge it, the manager
watches coverage rise, staff cannot edit, and the archive stays readable."""

from __future__ import annotations

import re

import pytest

from docs_registry import services

from ..factories import publish

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture explains: skipped, or failed in CI
    expect = None

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OLD_BODY = "Up to **10%** needs no approval."  # the factory's v1
NEW_BODY = "Up to **15%** needs no approval. Above that, ask your manager."
SUMMARY = "Sales may now give up to 15% without approval."


def _message(page, text: str):
    return page.get_by_role("status").filter(has_text=text)


def _digest_entry(page, doc_id: str):
    return page.get_by_role("article").filter(
        has=page.get_by_role("link", name=doc_id, exact=True)
    )


def _read_v1(*people, document) -> None:
    """They read v1 earlier, so the digest shows them the change since then."""
    for person in people:
        services.acknowledgment_record(user=person, document=document, number=1)


def test_owner_edits_previews_and_publishes(page, sign_in, document):
    sign_in(page, "sales-lead")

    # Type the document's ID, as from an email: the search goes straight to it.
    page.get_by_role("searchbox", name="Find a document by ID or title").fill(
        "prc-0001"
    )
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/docs/PRC-0001/$"))

    page.get_by_role("link", name="Edit", exact=True).click()
    expect(
        page.get_by_role("heading", name="Edit Discount approval rules")
    ).to_be_visible()
    expect(page.get_by_label("Body")).to_have_value(OLD_BODY)
    page.get_by_label("Body").fill(NEW_BODY)

    page.get_by_role("button", name="Preview").click()
    preview = page.get_by_role("region", name="Preview")
    expect(preview.locator("strong")).to_have_text("15%")
    expect(preview).to_contain_text("Above that, ask your manager.")
    expect(page.get_by_label("Body")).to_have_value(NEW_BODY)  # kept for editing

    page.get_by_label("Change summary").fill(SUMMARY)
    page.get_by_role("button", name="Publish v2").click()

    expect(_message(page, "Published PRC-0001 v2.")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/docs/PRC-0001/$"))
    expect(page.get_by_text("Cite as PRC-0001 v2")).to_be_visible()
    body = page.get_by_role("article")
    expect(body).to_contain_text("Up to 15% needs no approval.")
    expect(body).not_to_contain_text("10%")
    expect(page.get_by_text(f"Last change (v2): {SUMMARY}")).to_be_visible()


def test_both_teams_read_the_same_change_and_acknowledge_it(
    new_page, sign_in, document, sales_staff, support_staff
):
    _read_v1(sales_staff, support_staff, document=document)
    publish(document, body=NEW_BODY, summary=SUMMARY)

    entry_texts = {}
    for username in ("sales", "support"):
        page = new_page()  # a browser context of their own
        sign_in(page, username)
        page.get_by_role("navigation", name="Main").get_by_role(
            "link", name="What changed"
        ).click()
        expect(page.get_by_role("heading", name="What changed for you")).to_be_visible()

        entry = _digest_entry(page, "PRC-0001")
        expect(entry).to_contain_text(SUMMARY)
        expect(entry).to_contain_text("changes since v1")
        entry_texts[username] = entry.inner_text()

        diff = entry.get_by_role("group")  # the <details>
        expect(diff.get_by_role("insertion").first).to_be_hidden()
        entry.get_by_text("Show the change from v1 to v2").click()
        expect(diff.get_by_role("insertion").first).to_be_visible()
        expect(diff.get_by_role("insertion").first).to_contain_text("15%")
        expect(diff.get_by_role("deletion").first).to_contain_text("10%")

        # One acknowledges the entry, the other everything shown: both buttons
        # submit forms outside the (cached) entries by their ids.
        if username == "sales":
            entry.get_by_role("button", name="I have read v2").click()
            done = "Recorded: you have read PRC-0001 v2."
        else:
            page.get_by_role("button", name="Acknowledge all 1 shown").click()
            done = "Recorded 1 acknowledgment."
        expect(_message(page, done)).to_be_visible()
        expect(_digest_entry(page, "PRC-0001")).to_have_count(0)
        expect(page.get_by_text("Nothing waits for you")).to_be_visible()

    # One change, one wording: sales and support read the same entry.
    assert entry_texts["sales"] == entry_texts["support"]


def _coverage_of(page, doc_id: str) -> tuple[int, int]:
    row = page.get_by_role("row").filter(
        has=page.get_by_role("link", name=doc_id, exact=True)
    )
    expect(row).to_have_count(1)
    figure = re.search(r"(\d+) of (\d+)", row.inner_text())
    assert figure, f"no 'N of M' figure in the coverage row: {row.inner_text()!r}"
    return int(figure[1]), int(figure[2])


def test_manager_sees_coverage_rise_and_the_change_history(
    new_page, sign_in, document, sales_staff, support_staff
):
    publish(document, body=NEW_BODY, summary=SUMMARY)
    manager_page = new_page()
    sign_in(manager_page, "manager")
    nav = manager_page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="Coverage").click()
    expect(
        manager_page.get_by_role("heading", name="Who is on the same page")
    ).to_be_visible()
    before, audience = _coverage_of(manager_page, "PRC-0001")
    assert audience == 3  # sales-lead, sales, support
    assert before < audience

    sales_page = new_page()
    sign_in(sales_page, "sales")
    sales_page.goto("/docs/PRC-0001/")
    expect(
        sales_page.get_by_text("You have not acknowledged this document yet.")
    ).to_be_visible()
    sales_page.get_by_role("button", name="I have read v2").click()
    expect(_message(sales_page, "Recorded: you have read PRC-0001 v2.")).to_be_visible()

    manager_page.reload()
    assert _coverage_of(manager_page, "PRC-0001") == (before + 1, audience)

    nav.get_by_role("link", name="Change history").click()
    publish_row = manager_page.get_by_role("row").filter(
        has=manager_page.get_by_role("link", name="Published v2")
    )
    expect(publish_row).to_contain_text("PRC-0001")
    expect(publish_row).to_contain_text(SUMMARY)
    expect(publish_row).to_contain_text("Sales Lead")


def test_staff_cannot_edit(page, sign_in, document, sales_staff):
    sign_in(page, "sales")
    page.goto("/docs/PRC-0001/")
    tabs = page.get_by_role("navigation", name="This document")
    expect(tabs.get_by_role("link", name="History")).to_be_visible()
    expect(page.get_by_role("link", name="Edit", exact=True)).to_have_count(0)

    response = page.goto("/docs/PRC-0001/edit/")
    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()
    expect(page.get_by_text("Only the document's owner edits it.")).to_be_visible()
    expect(page.get_by_label("Body")).to_have_count(0)


def test_archived_version_and_comparison(page, sign_in, document, sales_staff):
    publish(document, body=NEW_BODY, summary=SUMMARY)
    sign_in(page, "sales")

    page.goto("/docs/PRC-0001/v1/")
    note = page.get_by_role("note").filter(has_text="Archived version — not current.")
    expect(note).to_be_visible()
    expect(page.get_by_role("article")).to_contain_text("Up to 10% needs no approval.")
    note.get_by_role("link", name="PRC-0001 v2").click()
    expect(page).to_have_url(re.compile(r"/docs/PRC-0001/$"))
    expect(page.get_by_role("article")).to_contain_text("Up to 15% needs no approval.")

    page.goto("/docs/PRC-0001/compare/?from=1&to=2")
    expect(page.get_by_role("heading", name="Changes from v1 to v2")).to_be_visible()
    insertions = page.get_by_role("insertion")
    deletions = page.get_by_role("deletion")
    expect(insertions.first).to_be_visible()
    expect(deletions.first).to_be_visible()
    expect(insertions.first).to_contain_text("15%")
    expect(deletions.first).to_contain_text("10%")
    expect(page.get_by_text(SUMMARY)).to_be_visible()


def test_a_question_asked_and_closed_from_the_document_page(
    page, sign_in, document, sales_staff
):
    """The ask form's fields and the close button name forms rendered apart from
    the (kept) page: the browser must still send them with their token."""
    sign_in(page, "sales")
    page.goto("/docs/PRC-0001/")
    page.get_by_label("Your question").fill("Does the 10% include VAT?")
    page.get_by_role("button", name="Send").click()
    expect(_message(page, "who owns PRC-0001.")).to_be_visible()
    questions = page.locator("#questions")
    expect(questions).to_contain_text("Does the 10% include VAT?")

    page.goto("/docs/PRC-0001/")
    questions.get_by_role("button", name="Close").click()
    expect(_message(page, "Question closed. It is kept, not deleted.")).to_be_visible()
    expect(questions).not_to_contain_text("Does the 10% include VAT?")
