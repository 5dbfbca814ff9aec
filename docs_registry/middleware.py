"""Session renewal without a database write on every request; no page kept in
any cache; a pause on sign-in for an address that keeps failing; the answer to
a write the database refuses."""

import time

from axes.helpers import get_cool_off
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control

from . import read_only
from .selectors.signin import failures_from_address
from .signin import client_address
from .views import errors

# Activity renews the idle timeout, but at most this often: saving the session on
# every request (SESSION_SAVE_EVERY_REQUEST) made every page a write, which
# serialises readers on SQLite. A minute is nothing against an idle limit of hours.
RENEW_EVERY_SECONDS = 60
RENEWED_AT = "_renewed_at"


class SessionRenewalMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        if session is not None and request.user.is_authenticated:
            now = int(time.time())
            if now - session.get(RENEWED_AT, 0) >= RENEW_EVERY_SECONDS:
                # Modified, so SessionMiddleware saves it with a fresh expiry.
                session[RENEWED_AT] = now
        return self.get_response(request)


class NoStoreMiddleware:
    """Every page and API answer is for the person who asked: no browser or proxy
    may keep it, so it is not shown to the next person at a shared computer or
    served from a shared cache. Static files never get here: WhiteNoise, placed
    before this, answers them with its own long-lived public headers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        patch_cache_control(response, private=True, no_store=True)
        return response


class SigninThrottleMiddleware:
    """An address with SAMEPAGE_SIGNIN_ADDRESS_LIMIT recent failed sign-ins, over
    any usernames, is answered 429 on the sign-in forms until they age out.

    Accounts lock by username (django-axes), which would let one address lock
    out everyone it names; this caps what one address can do. It stops the
    request before any password is checked, so a paused address adds no further
    failures to anyone's count. Successful sign-ins never count, so many people
    behind one office address are not paused together."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST" and request.path_info in _signin_paths():
            limit = settings.SAMEPAGE_SIGNIN_ADDRESS_LIMIT
            if failures_from_address(client_address(request)) >= limit:
                context = {"wait": get_cool_off()}
                return render(
                    request, "registration/throttled.html", context, status=429
                )
        return self.get_response(request)


def _signin_paths() -> set[str]:
    return {reverse("login"), reverse("admin:login")}


class ReadOnlyDatabaseMiddleware:
    """A write refused by a read-only database answers 503 "read-only right now"
    instead of a server error; reads never reach this."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(
        self, request: HttpRequest, exception: Exception
    ) -> HttpResponse | None:
        if not read_only.is_read_only_error(exception):
            return None
        read_only.report(exception)
        return errors.read_only(request)
