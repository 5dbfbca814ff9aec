"""Database sessions whose renewal may fail without failing the page."""

from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore

from . import read_only


class SessionStore(DatabaseSessionStore):
    def save(self, must_create: bool = False) -> None:
        # Saving an existing session (its renewal) only extends its expiry: when
        # the database is read-only, the reader keeps the session they have. A new
        # session (signing in) cannot exist without the write: that error, not an
        # UpdateError, goes on to the read-only page.
        try:
            super().save(must_create=must_create)
        except UpdateError as error:
            if not read_only.is_read_only_error(error.__context__):
                raise
            read_only.report(error.__context__)
