"""Session renewal without a database write on every request, and the answer
to a write the database refuses."""

import time

from django.http import HttpRequest, HttpResponse

from . import read_only
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
