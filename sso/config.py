"""The identity provider as the settings describe it, and its discovery document,
fetched at first use and kept for an hour in each process."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import requests
from django.conf import settings

DISCOVERY_PATH = "/.well-known/openid-configuration"
DISCOVERY_KEPT_SECONDS = 3600
REQUIRED_ENDPOINTS = ("authorization_endpoint", "token_endpoint", "jwks_uri")


class ProviderUnavailable(Exception):
    """The provider's discovery document cannot be had (or does not fit)."""


@dataclass(frozen=True)
class Provider:
    issuer: str
    client_id: str
    client_secret: str
    scopes: str
    name: str
    email_claim: str
    name_claim: str
    groups_claim: str
    sales_groups: frozenset[str]
    support_groups: frozenset[str]
    manager_groups: frozenset[str]
    timeout: float

    @property
    def discovery_url(self) -> str:
        if self.issuer.endswith(DISCOVERY_PATH):
            return self.issuer
        return self.issuer.rstrip("/") + DISCOVERY_PATH

    @property
    def expected_issuer(self) -> str:
        return self.issuer.removesuffix(DISCOVERY_PATH).rstrip("/")


def provider() -> Provider | None:
    """The configured provider, or None when single sign-on is not set up
    (no issuer or no client id)."""
    if not (settings.SAMEPAGE_OIDC_ISSUER and settings.SAMEPAGE_OIDC_CLIENT_ID):
        return None
    return Provider(
        issuer=settings.SAMEPAGE_OIDC_ISSUER,
        client_id=settings.SAMEPAGE_OIDC_CLIENT_ID,
        client_secret=settings.SAMEPAGE_OIDC_CLIENT_SECRET,
        scopes=settings.SAMEPAGE_OIDC_SCOPES,
        name=settings.SAMEPAGE_OIDC_PROVIDER_NAME,
        email_claim=settings.SAMEPAGE_OIDC_EMAIL_CLAIM,
        name_claim=settings.SAMEPAGE_OIDC_NAME_CLAIM,
        groups_claim=settings.SAMEPAGE_OIDC_GROUPS_CLAIM,
        sales_groups=frozenset(settings.SAMEPAGE_OIDC_SALES_GROUPS),
        support_groups=frozenset(settings.SAMEPAGE_OIDC_SUPPORT_GROUPS),
        manager_groups=frozenset(settings.SAMEPAGE_OIDC_MANAGER_GROUPS),
        timeout=settings.SAMEPAGE_OIDC_TIMEOUT,
    )


_kept: dict[str, tuple[float, dict]] = {}
_lock = threading.Lock()


def discovery(config: Provider) -> dict:
    """The provider's discovery document (endpoints, issuer). Raises
    ProviderUnavailable when it cannot be fetched, is not JSON, lacks an endpoint,
    or names another issuer than the configured one (OpenID Connect Discovery
    4.3: the two must be identical). A failure is not kept: the next sign-in
    tries again."""
    url = config.discovery_url
    with _lock:
        kept = _kept.get(url)
    if kept and time.monotonic() - kept[0] < DISCOVERY_KEPT_SECONDS:
        return kept[1]
    try:
        response = requests.get(url, timeout=config.timeout)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as error:
        raise ProviderUnavailable(f"cannot read {url}: {error}") from error
    missing = [name for name in REQUIRED_ENDPOINTS if not document.get(name)]
    if missing:
        raise ProviderUnavailable(f"{url} names no {', '.join(missing)}")
    if document.get("issuer") != config.expected_issuer:
        raise ProviderUnavailable(
            f"{url} names issuer {document.get('issuer')!r}, "
            f"not {config.expected_issuer!r}"
        )
    with _lock:
        _kept[url] = (time.monotonic(), document)
    return document


def forget_discovery() -> None:
    """Fetch the discovery document again at next use."""
    with _lock:
        _kept.clear()
