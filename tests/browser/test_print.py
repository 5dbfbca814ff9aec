"""A printed version carries its identity and the 'uncontrolled' line on paper."""

import pytest

from ..factories import publish

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture reports it: skipped, or failed in CI
    expect = None

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_printed_version_names_itself_and_where_the_current_one_is(
    page, sign_in, document, sales_staff, live_server
):
    publish(document, body="Up to **15%** needs no approval.", summary="Raised")
    sign_in(page, "sales")
    page.goto("/docs/PRC-0001/v1/")
    header = page.locator(".print-header")
    expect(header).to_be_hidden()  # on screen, the page header says it already

    page.emulate_media(media="print")
    expect(header).to_be_visible()
    expect(header).to_contain_text("PRC-0001 v1")
    expect(header).to_contain_text("Owner Sales Lead")
    expect(header).to_contain_text(
        f"Uncontrolled when printed — the current version is at "
        f"{live_server.url}/docs/PRC-0001/"
    )
    # Fixed in print, so Chromium repeats it at the top of every page.
    assert header.evaluate("e => getComputedStyle(e).position") == "fixed"
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.get_by_text("Archived version — not current.")).to_be_visible()
