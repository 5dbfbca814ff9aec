"""axe-core (a pinned copy, see assets/README.md) on every main page for every
role: no serious or critical violation anywhere, and no moderate one on the pages
people open most."""

from __future__ import annotations

from pathlib import Path

import pytest

from .main_pages import DOC_ID, ROLES, row_pages, seed, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "assets" / "axe.min.js"
BLOCKING = {"serious", "critical"}
MOST_USED = {
    "/",
    "/digest/",
    "/docs/",
    "/glossary/",
    "/mine/",
    "/profile/",
    "/search/?q=refund",
    f"/docs/{DOC_ID}/",
    f"/docs/{DOC_ID}/history/",
    f"/docs/{DOC_ID}/compare/?from=1&to=2",
}


@pytest.fixture
def demo(settings):
    return seed(settings)


@pytest.fixture
def axe_page(browser, live_server):
    """A page whose context ignores the site's Content-Security-Policy, which would
    refuse the injected axe script; the product's own pages load as usual."""
    context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    yield context.new_page()
    context.close()


def violations(page, *, impacts: set[str]) -> list[str]:
    """axe's violations of the given impacts on the open page, one line each."""
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']}))"
        ".violations.map(v => ({id: v.id, impact: v.impact,"
        " targets: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))"
    )
    return [
        f"{v['impact']} {v['id']} at {', '.join(v['targets'])}"
        for v in found
        if v["impact"] in impacts
    ]


def test_the_assets_are_the_pinned_axe():
    assert AXE.read_text(encoding="utf-8").startswith("/*! axe v4.14.1")


@pytest.mark.parametrize("username", list(ROLES))
def test_no_serious_accessibility_violation_on_any_page(axe_page, demo, username):
    sign_in(axe_page, username)
    problems = []
    for path in ROLES[username] + [demo.get_absolute_url(), *row_pages()]:
        axe_page.goto(path)
        impacts = BLOCKING | {"moderate"} if path in MOST_USED else BLOCKING
        problems += [
            f"{path}: {line}" for line in violations(axe_page, impacts=impacts)
        ]
    assert problems == [], f"as {username}:\n" + "\n".join(problems)


def test_the_sign_in_page_has_no_accessibility_violation(axe_page, demo):
    axe_page.goto("/accounts/login/")
    assert violations(axe_page, impacts=BLOCKING | {"moderate"}) == []


def test_dark_mode_keeps_the_most_used_pages_readable(browser, live_server, demo):
    """The same check with the system set to dark: colour contrast above all."""
    context = browser.new_context(
        base_url=live_server.url, bypass_csp=True, color_scheme="dark"
    )
    try:
        page = context.new_page()
        sign_in(page, "manager")
        problems = []
        for path in sorted(MOST_USED):
            page.goto(path)
            found = violations(page, impacts=BLOCKING | {"moderate"})
            problems += [f"{path}: {line}" for line in found]
        assert problems == []
    finally:
        context.close()
