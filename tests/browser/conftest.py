"""Real-browser journeys: Playwright (sync API) driving Debian's headless Chromium
against pytest-django's `live_server`.

Without Chromium (or the playwright package) the journeys are skipped with the
reason; when CI=true they fail instead, so CI cannot go green without them.
A failing journey leaves a screenshot and the HTML of every page it had open in
`test-artifacts/` at the project root.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # the `browser` fixture reports it: skipped, or failed in CI
    sync_playwright = None

# Playwright's sync API runs an asyncio event loop in the test thread (for the
# whole session, once the browser is up), and Django refuses ORM calls from a
# thread with a running loop (SynchronousOnlyOperation). The tests and fixtures are
# plain synchronous code, so the check is a false alarm here.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
STEP_TIMEOUT_MS = 10_000
ARTIFACTS = "test-artifacts"
PASSWORD = "pw"  # what tests/factories.make_user sets

_pages_key = pytest.StashKey[list]()


def _unavailable(problem: str, remedy: str) -> None:
    """Skip the browser journeys, except in CI (CI=true), where they are required."""
    if os.environ.get("CI") == "true":
        pytest.fail(
            f"{problem}: browser journeys are required when CI=true ({remedy})",
            pytrace=False,
        )
    pytest.skip(f"{problem}: browser journeys skipped ({remedy} to run them)")


@pytest.fixture(scope="session")
def browser():
    if sync_playwright is None:
        _unavailable(
            "The playwright package is not installed", "pip install -e '.[dev]'"
        )
    if not os.access(CHROMIUM, os.X_OK):
        _unavailable(f"Chromium not found at {CHROMIUM}", "apt-get install chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def new_page(request, browser, live_server):
    """Open a page in a fresh browser context (its own cookies: one person each),
    pointed at the live server. Every page opened is closed after the test."""
    contexts = []
    pages = request.node.stash.setdefault(_pages_key, [])

    def open_page():
        context = browser.new_context(base_url=live_server.url)
        context.set_default_timeout(STEP_TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        pages.append(page)
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


def _sign_in(page, username: str, password: str = PASSWORD) -> None:
    """Sign in through the real login form, as a person would."""
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    # Signed in: the header offers to sign out.
    page.get_by_role("button", name="Sign out").wait_for()


@pytest.fixture
def sign_in():
    """`sign_in(page, username)`: through the login form at /accounts/login/."""
    return _sign_in


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    # Tests that used `page` (or opened pages with `new_page`) have pages to show.
    if report.when == "call" and report.failed and item.stash.get(_pages_key, None):
        saved = _save_artifacts(item)
        if saved:
            report.sections.append(("browser artifacts", "\n".join(saved)))
    return report


def _save_artifacts(item) -> list[str]:
    """A screenshot and the HTML of each page the failed test had open (the
    fixtures are not torn down yet), named after the test."""
    folder = item.config.rootpath / ARTIFACTS
    folder.mkdir(exist_ok=True)
    name = re.sub(r"[^\w.-]+", "_", item.name)
    saved = []
    for number, page in enumerate(item.stash.get(_pages_key, []), start=1):
        if page.is_closed():
            continue
        stem = folder / (name if number == 1 else f"{name}-page{number}")
        try:
            page.screenshot(path=f"{stem}.png", full_page=True)
            Path(f"{stem}.html").write_text(page.content(), encoding="utf-8")
        except Exception as error:  # report it; the test's own failure stands
            saved.append(f"could not save {stem}: {error}")
            continue
        saved.append(f"saved {stem}.png and {stem}.html ({page.url})")
    for line in saved:
        print(line)
    return saved
