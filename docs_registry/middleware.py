"""Session renewal without a database write on every request."""

import time

from django.http import HttpRequest, HttpResponse

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
