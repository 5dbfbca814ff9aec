"""Single sign-on pages: start at the provider, come back with a code; and the
sign-in page, which offers the provider first."""

from __future__ import annotations

import logging

import requests
from django.conf import settings
from django.contrib.auth import signals
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import LoginView
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.decorators import method_decorator
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from docs_registry.selectors.signin import failures_from_address
from docs_registry.signin import client_address

from . import services
from .backends import oidc_setting
from .config import ProviderUnavailable, discovery, provider

logger = logging.getLogger("sso")

# How a refused sign-in from the provider is recorded in the sign-in failures
# (django-axes): it counts towards pausing the address, never towards locking
# an account.
FAILURE_USERNAME = "(single sign-on)"


class SignInView(LoginView):
    """Django's sign-in page, offering the provider first when one is set up;
    with passwords off, the password form stays for the break-glass superuser."""

    def get_context_data(self, **kwargs):
        config = provider()
        return super().get_context_data(**kwargs) | {
            "provider_name": config.name if config else "",
            "passwords_for_everyone": settings.SAMEPAGE_PASSWORD_LOGIN,
        }


@method_decorator(login_not_required, name="dispatch")
class StartView(OIDCAuthenticationRequestView):
    """To the provider's authorization endpoint, with state, nonce and a PKCE
    challenge kept in the session."""

    def __init__(self, **kwargs):
        # Not the library's __init__, which reads endpoints from settings.
        super(OIDCAuthenticationRequestView, self).__init__(**kwargs)
        self.config = provider()

    def get_settings(self, name, *default):
        return oidc_setting(self.config, name, *default)

    def get(self, request: HttpRequest) -> HttpResponse:
        if self.config is None:
            raise Http404("Single sign-on is not set up.")
        try:
            endpoints = discovery(self.config)
        except ProviderUnavailable as error:
            logger.error("Single sign-on: provider unreachable: %s", error)
            return _unreachable(request, self.config.name)
        self.OIDC_OP_AUTH_ENDPOINT = endpoints["authorization_endpoint"]
        self.OIDC_RP_CLIENT_ID = self.config.client_id
        return super().get(request)


@method_decorator(login_not_required, name="dispatch")
class CallbackView(OIDCAuthenticationCallbackView):
    """Back from the provider: the code redeemed and the person signed in, or one
    clear page saying why not, with one log line — never a server error."""

    def get_settings(self, name, *default):
        return oidc_setting(provider(), name, *default)

    def get(self, request: HttpRequest) -> HttpResponse:
        config = provider()
        if config is None:
            raise Http404("Single sign-on is not set up.")
        address = client_address(request)
        if failures_from_address(address) >= settings.SAMEPAGE_SIGNIN_ADDRESS_LIMIT:
            return render(request, "registration/throttled.html", status=429)
        try:
            return super().get(request)
        except services.NoAccess:
            logger.info("Single sign-on: a person in no mapped group was turned away")
            return render(
                request, "sso/no_access.html", {"provider": config.name}, status=403
            )
        except requests.HTTPError as error:
            return _token_refused(request, config.name, error)
        except (ProviderUnavailable, requests.RequestException) as error:
            logger.error("Single sign-on: provider unreachable: %s", error)
            return _unreachable(request, config.name)
        except (SuspiciousOperation, services.SignInRefused) as error:
            return self.refuse(f"{type(error).__name__}: {error}")

    def login_failure(self) -> HttpResponse:
        error = self.request.GET.get("error", "")
        if error:
            return self.refuse(f"the provider answered {error!r}")
        if getattr(self, "user", None) is not None:
            return self.refuse(f"{self.user.username} is deactivated in Samepage")
        return self.refuse("no sign-in under way in this browser")

    def refuse(self, why: str) -> HttpResponse:
        logger.warning(
            "Single sign-on refused (from %s): %s", client_address(self.request), why
        )
        signals.user_login_failed.send(
            sender=type(self),
            credentials={"username": FAILURE_USERNAME},
            request=self.request,
        )
        return render(
            self.request,
            "sso/problem.html",
            {
                "heading": "Sign-in did not complete",
                "message": "The answer from your company's sign-in could not be "
                "accepted: it may have expired or been used already. Please start "
                "again.",
                "provider": provider().name,
            },
            status=400,
        )


def _token_refused(
    request: HttpRequest, provider_name: str, error: requests.HTTPError
) -> HttpResponse:
    status = error.response.status_code if error.response is not None else 0
    if status in {400, 401}:
        try:
            code = error.response.json().get("error", "")
        except ValueError:
            code = ""
        if code == "invalid_grant":
            logger.warning("Single sign-on refused: the code was expired or used")
            return render(
                request,
                "sso/problem.html",
                {
                    "heading": "Sign-in did not complete",
                    "message": "The sign-in took too long or was used already. "
                    "Please start again.",
                    "provider": provider_name,
                },
                status=400,
            )
    logger.error(
        "Single sign-on misconfigured: the provider refused Samepage's client "
        "(check SAMEPAGE_OIDC_CLIENT_ID and SAMEPAGE_OIDC_CLIENT_SECRET): %s",
        error,
    )
    return render(
        request,
        "sso/problem.html",
        {
            "heading": "Sign-in is not set up correctly",
            "message": f"{provider_name} did not accept Samepage. This is not "
            "something you did: please tell your IT administrator.",
            "provider": provider_name,
        },
        status=502,
    )


def _unreachable(request: HttpRequest, provider_name: str) -> HttpResponse:
    return render(
        request,
        "sso/problem.html",
        {
            "heading": f"{provider_name} cannot be reached",
            "message": "Samepage could not reach your company's sign-in service. "
            "Please try again in a few minutes; if it goes on, tell your IT "
            "administrator.",
            "provider": provider_name,
        },
        status=503,
    )
