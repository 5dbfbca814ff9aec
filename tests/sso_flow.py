"""Driving a single sign-on as a browser would, without one: Samepage's start
page (Django's test client), the real provider's login form (requests), and back
to Samepage's callback with the provider's answer."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

import pytest
import requests

from sso import config

from .oidc_provider import CLIENT_ID, CLIENT_SECRET

CALLBACK = "http://testserver/sso/callback/"
PROVIDER_NAME = "Acme ID"


def configure(settings, issuer: str, **overrides) -> None:
    """Point Samepage at the provider `issuer` (settings as the environment would
    set them)."""
    settings.SAMEPAGE_OIDC_ISSUER = issuer
    settings.SAMEPAGE_OIDC_CLIENT_ID = CLIENT_ID
    settings.SAMEPAGE_OIDC_CLIENT_SECRET = CLIENT_SECRET
    settings.SAMEPAGE_OIDC_PROVIDER_NAME = PROVIDER_NAME
    settings.SAMEPAGE_OIDC_SALES_GROUPS = ["sales", "account-execs"]
    settings.SAMEPAGE_OIDC_SUPPORT_GROUPS = ["support"]
    settings.SAMEPAGE_OIDC_MANAGER_GROUPS = ["kb-managers"]
    for name, value in overrides.items():
        setattr(settings, name, value)
    config.forget_discovery()


def account(email: str, name: str, groups: list[str], **claims) -> dict:
    return {
        "email": email,
        "email_verified": True,
        "name": name,
        "groups": groups,
    } | claims


def provider_answer(client, account_id: str) -> str:
    """Start at Samepage, sign in at the provider as `account_id`: the callback
    address (with code and state) the provider sends the browser back to."""
    start = client.get("/sso/start/")
    assert start.status_code == 302, start.content
    browser = requests.Session()
    login_page = browser.get(start["Location"], timeout=5)
    action = re.search(r'<form[^>]*action="([^"]+)"', login_page.text)
    assert action, login_page.text
    answer = browser.post(
        urljoin(login_page.url, action.group(1)),
        data={"login": account_id, "password": "any"},
        allow_redirects=False,
        timeout=5,
    )
    for _ in range(10):  # the provider's own redirects, then back to Samepage
        location = urljoin(answer.url, answer.headers["Location"])
        if location.startswith(CALLBACK):
            return location
        answer = browser.get(location, allow_redirects=False, timeout=5)
    pytest.fail(f"the provider never sent the browser back: {answer.text[:500]}")


def local(url: str) -> str:
    """The path and query of a Samepage address, for the test client."""
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def sign_in(client, account_id: str):
    """The whole sign-in: what Samepage answers at the callback."""
    return client.get(local(provider_answer(client, account_id)))
