"""Every main page, for each role, fits a phone (390 px) and a laptop (1280 px)
without scrolling sideways, with the demo data plus one document whose title is
200 characters with no space in it."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from docs_registry import services
from docs_registry.models import Audience, Category, Document, User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO_PASSWORD = "demo"
DOC_ID = (
    "POL-0001"  # Refund policy: both teams, owned by support-lead, several versions
)
LONG_TITLE = "Unbroken" + "x" * 192

EVERYONE = [
    "/",
    "/digest/",
    "/docs/",
    "/docs/?sort=title",
    "/glossary/",
    "/mine/",
    "/profile/",
    "/search/?q=refund",
    f"/docs/{DOC_ID}/",
    f"/docs/{DOC_ID}/history/",
    f"/docs/{DOC_ID}/v1/",
    f"/docs/{DOC_ID}/compare/?from=1&to=2",
]
OWNER = [f"/docs/{DOC_ID}/edit/"]
MANAGER = [
    "/coverage/",
    "/coverage/people/sales/",
    "/questions/",
    "/reviews/",
    "/history/",
    "/people/locked/",
    "/docs/new/",
    "/glossary/new/",
    f"/docs/{DOC_ID}/details/",
    f"/docs/{DOC_ID}/transfer/",
]
ROLES = {
    "sales": EVERYONE,
    "support-lead": EVERYONE + OWNER,
    "manager": EVERYONE + MANAGER,
}
WIDTHS = (390, 1280)


@pytest.fixture
def demo(settings):
    """The demo data, as `make run` serves it, and a document with a title that
    has nowhere to break."""
    settings.DEBUG = True  # seed_demo refuses to run otherwise
    call_command("seed_demo", stdout=StringIO())
    settings.DEBUG = False
    manager = User.objects.get(username="manager")
    return services.document_create(
        actor=manager,
        category=Category.objects.get(prefix="POL"),
        title=LONG_TITLE,
        audience=Audience.BOTH,
        owner=User.objects.get(username="support-lead"),
        body="# Heading\n\n" + "y" * 300 + "\n",
    )


def _sign_in(page, username):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Sign out").wait_for()


def _overflow(page) -> int:
    """How many pixels the page is wider than the window (0 when it fits)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


@pytest.mark.parametrize("username", list(ROLES))
def test_every_page_fits_a_phone_and_a_laptop(page, demo, username):
    long_doc: Document = demo
    paths = ROLES[username] + [long_doc.get_absolute_url()]
    _sign_in(page, username)
    too_wide = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        for path in paths:
            response = page.goto(path)
            assert response.status == 200, f"{path} as {username}: {response.status}"
            extra = _overflow(page)
            if extra > 0:
                too_wide.append(f"{path} at {width} px: {extra} px too wide")
    assert too_wide == [], f"as {username}: " + "; ".join(too_wide)


def test_the_long_title_is_listed_without_widening_the_page(page, demo):
    """The unbroken title is on the list pages a phone shows (a test that only
    visited pages without it would prove nothing)."""
    _sign_in(page, "manager")
    page.set_viewport_size({"width": 390, "height": 800})
    for path in ("/", "/docs/?sort=changed", "/coverage/"):
        page.goto(path)
        assert page.get_by_text(LONG_TITLE).count() >= 1, path
        assert _overflow(page) <= 0, path


def test_the_menu_folds_on_a_phone_and_opens_without_script(browser, live_server, demo):
    """Under 700 px the header shows a Menu button; its links appear once it is
    pressed, with JavaScript off. At 1280 px the links show at once."""
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        _sign_in(page, "sales")
        page.set_viewport_size({"width": 390, "height": 800})
        page.goto("/docs/")
        menu = page.get_by_text("Menu", exact=True)
        documents = page.get_by_role("navigation", name="Main").get_by_role(
            "link", name="Documents", exact=True
        )
        assert menu.is_visible()
        assert not documents.is_visible()
        menu.click()
        assert documents.is_visible()
        page.set_viewport_size({"width": 1280, "height": 800})
        page.reload()
        assert documents.is_visible()
        assert not menu.is_visible()
    finally:
        context.close()


def test_document_ids_never_wrap(page, demo):
    """On a phone the ID cell of a stacked card shows the ID on one line."""
    _sign_in(page, "manager")
    page.set_viewport_size({"width": 390, "height": 800})
    for path in ("/", "/docs/", "/coverage/"):
        page.goto(path)
        link = page.locator(
            'td[data-label="ID"] > a, td[data-label="Document"] > a'
        ).first
        height = link.evaluate("element => element.getClientRects().length")
        assert height == 1, f"{path}: the ID is broken over {height} lines"
