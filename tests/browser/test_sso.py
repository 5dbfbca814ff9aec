"""Signing in through the company's identity provider, in Chromium, against a
real OpenID provider (oidc-provider) on a loopback port: the first sign-in makes
the person with the teams of their groups, a changed group moves them, and a
person in no group is turned away."""

from __future__ import annotations

import pytest

from docs_registry.models import User

from ..oidc_provider import OpenIDProvider
from ..redis_server import free_port
from ..sso_flow import PROVIDER_NAME, account, configure
from .main_pages import SIGN_IN_WITH_PROVIDER
from .test_accessibility import BLOCKING, violations

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture explains: skipped, or failed in CI
    expect = None

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def oidc(live_server, settings):
    provider = OpenIDProvider(
        redirect_uris=[f"{live_server.url}/sso/callback/"],
        accounts={"ann": account("ann@example.com", "Ann Lee", ["account-execs"])},
    )
    provider.start()
    configure(settings, provider.issuer)
    yield provider
    provider.stop()


def sign_in_at_provider(page, login: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_role("link", name=f"Sign in with {PROVIDER_NAME}").click()
    # The provider's sign-in page (tests/oidc/provider.mjs).
    page.get_by_label("Company username").fill(login)
    page.get_by_label("Password").fill("any password")
    page.get_by_role("button", name="Continue").click()


def test_groups_at_the_provider_decide_teams_at_each_sign_in(
    new_page, phone_page_for_axe, oidc
):
    page = new_page()
    sign_in_at_provider(page, "ann")
    expect(page.get_by_role("banner")).to_contain_text("Ann Lee · Sales")
    assert User.objects.get(email="ann@example.com").in_sales

    oidc.set_account("ann", **account("ann@example.com", "Ann Lee", ["support"]))
    page = new_page()
    sign_in_at_provider(page, "ann")
    expect(page.get_by_role("banner")).to_contain_text("Ann Lee · Support")
    ann = User.objects.get(email="ann@example.com")
    assert (ann.in_sales, ann.in_support) == (False, True)

    oidc.set_account("ann", **account("ann@example.com", "Ann Lee", ["marketing"]))
    page = phone_page_for_axe()
    sign_in_at_provider(page, "ann")
    expect(
        page.get_by_role("heading", name="You do not have access to Samepage")
    ).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    assert fits_and_passes_axe(page) == []


@pytest.fixture
def phone_page_for_axe(browser, live_server):
    """A phone-sized page whose context lets the axe script in (the site's CSP
    would refuse it)."""
    contexts = []

    def open_page():
        context = browser.new_context(
            base_url=live_server.url,
            bypass_csp=True,
            viewport={"width": 390, "height": 800},
        )
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def fits_and_passes_axe(page) -> list[str]:
    problems = violations(page, impacts=BLOCKING | {"moderate"})
    extra = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    return problems + ([f"{extra} px too wide at 390 px"] if extra > 0 else [])


@pytest.mark.parametrize("passwords_for_everyone", [True, False])
def test_the_sign_in_pages_fit_a_phone_and_pass_axe(
    phone_page_for_axe, settings, passwords_for_everyone
):
    configure(
        settings,
        f"http://127.0.0.1:{free_port()}",  # nothing listens: the page saying so
        SAMEPAGE_PASSWORD_LOGIN=passwords_for_everyone,
    )
    page = phone_page_for_axe()
    problems = []
    for path in SIGN_IN_WITH_PROVIDER:
        page.goto(path)
        problems += [f"{path}: {line}" for line in fits_and_passes_axe(page)]
    assert problems == []
