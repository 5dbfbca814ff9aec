"""What pages keep between requests, and the keys that keep it right.

Every key is built here. A page or value is kept under the revision counter
(models.Revision, moved by every write that can change what a page shows: see
revisions.py) and the facts that vary it for a reader: their role (manager or not,
owner of the document or not), their teams, the address asked for, and the
person only for what is theirs alone (their waiting count, their digest, their
view of a document). While the counter stands still nothing shown has changed, so
nothing is ever invalidated: a write moves the counter and the next request reads
afresh. The counter's UPDATE holds its row locked until commit, so a reader who
sees number N sees every write counted up to N.

Around that:
- the cache's KEY_PREFIX names the release (settings), so a deploy never reads
  what older code kept;
- every entry expires after SAMEPAGE_CACHE_TTL seconds, a backstop;
- values are kept pickled in a small envelope no larger than
  SAMEPAGE_CACHE_MAX_ENTRY_BYTES; a value that is not ours (corrupt bytes, another
  shape) is ignored and worked out again;
- a cache that cannot be reached is a cache that has nothing (cache_backends.py):
  pages are then read from the database.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest

from . import permissions

logger = logging.getLogger(__name__)

_REVISION = "SELECT number FROM docs_registry_revision WHERE id = 1"
# What every kept value is wrapped in: anything else found under a key is foreign.
_ENVELOPE = "samepage-kept/1"


def revision_number() -> int:
    """The revision counter: one read by primary key."""
    with connection.cursor() as cursor:
        cursor.execute(_REVISION)
        row = cursor.fetchone()
    return row[0] if row else 0


def revision(request: HttpRequest) -> int:
    """The revision this request's pages are read at: read once per request, so
    every part of a page is kept under the same number."""
    number = getattr(request, "_samepage_revision", None)
    if number is None:
        number = request._samepage_revision = revision_number()
    return number


def cache_key(kind: str, *facts) -> str:
    """The one way a key is made: what is kept, and everything it depends on."""
    digest = hashlib.sha256(repr(facts).encode()).hexdigest()[:40]
    return f"{kind}:{digest}"


def page_key(
    request: HttpRequest,
    kind: str,
    *facts,
    document=None,
    personal: bool = False,
    by_address: bool = True,
) -> str:
    """The key of a kept page (or part of one) for this reader: the revision, their
    role and teams, whether they own `document`, the address (scheme and host too:
    printed pages name it) unless `by_address` is off, the person when `personal`,
    and any other `facts` the page shows (e.g. today's date)."""
    user = request.user
    reader = (
        permissions.is_manager(user),
        bool(document is not None and permissions.can_publish(user, document)),
        bool(user.in_sales),
        bool(user.in_support),
        user.pk if personal else None,
    )
    address = request.build_absolute_uri() if by_address else None
    return cache_key(kind, revision(request), reader, address, *facts)


def remember(key: str, compute):
    """The value kept under `key` (built by `cache_key` or `page_key`), or
    `compute()`, kept for next time unless it is too large to keep."""
    found = _read(key)
    if found is not _MISSING:
        return found
    value = compute()
    blob = pickle.dumps((_ENVELOPE, value), pickle.HIGHEST_PROTOCOL)
    if len(blob) <= settings.SAMEPAGE_CACHE_MAX_ENTRY_BYTES:
        cache.set(key, blob)
    return value


_MISSING = object()
_last_warning = 0.0


def _read(key: str):
    # Any bytes at all may be found under a key (the backend unpickles them too):
    # whatever fails to read as our envelope is a value we do not have.
    try:
        raw = cache.get(key)
        if raw is None:
            return _MISSING
        mark, value = pickle.loads(raw)  # noqa: S301 -- written by remember()
        if mark == _ENVELOPE:
            return value
    except Exception:  # noqa: S110
        pass
    _warn_now_and_then(f"Ignored a value that is not ours under cache key {key}")
    return _MISSING


def _warn_now_and_then(message: str) -> None:
    global _last_warning
    now = time.monotonic()
    if now - _last_warning >= 60:
        _last_warning = now
        logger.warning(message)
