"""Recognising a database that refuses writes (a read-only SQLite file, a
PostgreSQL standby or `default_transaction_read_only`), so that reading goes on
and only writing is refused."""

import logging

from django.db import InternalError, OperationalError

logger = logging.getLogger(__name__)

# SQLite: "attempt to write a readonly database"; PostgreSQL: "cannot execute
# UPDATE in a read-only transaction".
_MESSAGES = ("readonly database", "read-only transaction")

_reported = False


def is_read_only_error(exc: BaseException | None) -> bool:
    return isinstance(exc, OperationalError | InternalError) and any(
        message in str(exc) for message in _MESSAGES
    )


def report(exc: BaseException) -> None:
    """Log the first refusal in full and later ones briefly: a read-only
    database refuses every write until someone fixes it."""
    global _reported
    if not _reported:
        _reported = True
        logger.error("The database refuses writes: %s", exc)
    else:
        logger.info("The database still refuses writes: %s", exc)
