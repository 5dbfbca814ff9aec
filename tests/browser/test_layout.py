"""Every main page, for each role, fits a phone (390 px) and a laptop (1280 px)
without scrolling sideways, breaking a column heading inside its word or a
document ID at its hyphen, with the demo data plus one document whose title is
200 characters with no space in it."""

from __future__ import annotations

import pytest

from .main_pages import LONG_TITLE, ROLES, row_pages, seed, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (390, 1280)


@pytest.fixture
def demo(settings):
    return seed(settings)


def _overflow(page) -> int:
    """How many pixels the page is wider than the window (0 when it fits)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


# One-word column headings broken inside the word ("Documen ts"): the word's
# letters on more than one line of a heading that is shown (neither the phone
# layout's hidden heading row nor a heading only screen readers read).
_BROKEN_HEADINGS = """() => [...document.querySelectorAll("th")].filter(th => {
  const word = th.textContent.trim();
  if (!word || /\\s/.test(word) || th.querySelector(".visually-hidden")) return false;
  if (th.getBoundingClientRect().width < 10) return false;  // a heading not shown
  const range = document.createRange();
  range.selectNodeContents(th);
  const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
  return lines.size > 1;
}).map(th => th.textContent.trim())"""


# Document IDs (`POL-0002`) that the product writes, broken over two lines at
# their hyphen: an ID is cited whole, and read as one. (Links that authors write in
# a document's body, shown in it and in comparisons, are theirs as written.)
_BROKEN_IDS = """() => [...document.querySelectorAll("a, .doc-id")].filter(element => {
  if (element.closest(".doc-body")) return false;
  const text = element.textContent.trim();
  if (!/^[A-Z]{2,5}-[0-9]{4,}$/.test(text)) return false;
  const range = document.createRange();
  range.selectNodeContents(element);
  const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
  return lines.size > 1;
}).map(element => element.textContent.trim())"""


@pytest.mark.parametrize("username", list(ROLES))
def test_every_page_fits_a_phone_and_a_laptop(page, demo, username):
    paths = ROLES[username] + [demo.get_absolute_url(), *row_pages()]
    missing = []  # the icon, the stylesheet and scripts are all there: no 404
    page.on("response", lambda r: r.status == 404 and missing.append(r.url))
    sign_in(page, username)
    too_wide = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        for path in paths:
            response = page.goto(path)
            assert response.status == 200, f"{path} as {username}: {response.status}"
            extra = _overflow(page)
            if extra > 0:
                too_wide.append(f"{path} at {width} px: {extra} px too wide")
            broken = page.evaluate(_BROKEN_HEADINGS)
            if broken:
                too_wide.append(f"{path} at {width} px: headings broken {broken}")
            broken = page.evaluate(_BROKEN_IDS)
            if broken:
                too_wide.append(f"{path} at {width} px: IDs broken {broken}")
    assert too_wide == [], f"as {username}: " + "; ".join(too_wide)
    assert missing == []


def test_the_long_title_is_listed_without_widening_the_page(page, demo):
    """The unbroken title is on the list pages a phone shows (a test that only
    visited pages without it would prove nothing)."""
    sign_in(page, "manager")
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
        sign_in(page, "sales")
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
    sign_in(page, "manager")
    page.set_viewport_size({"width": 390, "height": 800})
    for path in ("/", "/docs/", "/coverage/"):
        page.goto(path)
        link = page.locator(
            'td[data-label="ID"] > a, td[data-label="Document"] > a'
        ).first
        height = link.evaluate("element => element.getClientRects().length")
        assert height == 1, f"{path}: the ID is broken over {height} lines"
