"""Session renewal without a database write on every request; no page kept in
any cache."""

import time

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

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
