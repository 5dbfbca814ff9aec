"""What pages keep between requests, and the keys that keep it right.

Every key is built here. A page or value is kept under the revision counter
(models.Revision, moved by every write that can change what a page shows: see
revisions.py) and the facts that vary it for a reader: their role (manager or not,
owner of the document or not), their teams, the address asked for, and the
person only for what is theirs alone (their digest, their view of a document).
While the counter stands still nothing shown has changed, so nothing is ever
invalidated: a write moves the counter and the next request reads
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
  pages are then read from the database;
- in front of a shared cache (Redis), each worker keeps a near copy of what it
  read or wrote, bounded as LocMem is: since a key names everything its value
  depends on, the value under a key never changes, so a copy is as good as the
  original and a page read again costs no round trip. Each worker's LocMem, the
  default, rests on the same rule.

HTML that follows from the code alone, the same for everyone (the empty ask
form: views.questions.empty_question_form), is written once per process, like a
compiled template, and never kept here: no write can change it.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
import time
from datetime import datetime

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.core.signals import setting_changed
from django.db import DatabaseError, connection
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone

from . import permissions, read_only
from .cache_backends import QuickLocMemCache
from .prepared import fetch_all

logger = logging.getLogger(__name__)

# The pages' counter, the content counter, the reader's own readings, whether an
# announced change has come into force, when the reader last dismissed their
# digest (which moves their readings), and what waits for them (the header's
# count, kept with their digest state by pending.py), in one statement: each part
# is a look-up by primary key or in an index. The earliest announced change, rather than
# whether any is due: a plan made for any moment (a prepared statement's) reads
# the index for it, where for "any before this moment" it read every document.
_REVISION = (
    "SELECT (SELECT number FROM docs_registry_revision WHERE id = 1), "
    "(SELECT number FROM docs_registry_revision WHERE id = 2), "
    "(SELECT readings FROM docs_registry_digeststate WHERE user_id = %s), "
    "(SELECT MIN(pending_effective_at) FROM docs_registry_document) <= %s, "
    "(SELECT seen_at FROM docs_registry_digeststate WHERE user_id = %s), "
    "(SELECT waiting_documents FROM docs_registry_digeststate WHERE user_id = %s), "
    "(SELECT waiting_versions FROM docs_registry_digeststate WHERE user_id = %s)"
)
# On a document's page, the same statement also reads what the reader acknowledged
# and was shown of it (`document_readings`): one round trip fewer for the page
# worked out afresh, and no kept value to read for them again. Written as SQL: with
# the ORM (a Coalesce over a Subquery for each) it took 0.9 ms to compile.
_DOCUMENT_READINGS = (
    "(SELECT MAX(number) FROM docs_registry_acknowledgment WHERE user_id = %s"
    " AND document_id = (SELECT id FROM docs_registry_document WHERE doc_id = %s)), "
    "(SELECT MAX(number) FROM docs_registry_seenversion WHERE user_id = %s"
    " AND document_id = (SELECT id FROM docs_registry_document WHERE doc_id = %s))"
)
# What every kept value is wrapped in: anything else found under a key is foreign.
_ENVELOPE = "samepage-kept/1"


def _counters(user_id: int | None, doc_id: str | None = None) -> tuple:
    """The counters, read after every announced change whose moment has come is
    in force: "current" follows the dates, and no page is kept from before. Then
    the reader's last dismissal of their digest, as the database gave it, with
    `doc_id` their readings of that document (acknowledged, shown), and what waits
    for them (documents, versions)."""
    pages, content, readings, due, seen_at, *rest = _read_counters(user_id, doc_id)
    if due and _apply_due_changes():
        pages, content, readings, _, seen_at, *rest = _read_counters(user_id, doc_id)
    waiting, of_document = _numbers(rest[:2]), _numbers(rest[2:])
    return pages or 0, content or 0, readings or 0, seen_at, of_document, waiting


def _numbers(found) -> tuple[int, ...]:
    return tuple(number or 0 for number in found)


def _read_counters(user_id: int | None, doc_id: str | None) -> tuple:
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    # Every request asks it: on PostgreSQL, prepared once a session rather than
    # planned on each (0.05 ms).
    counters = [user_id, now, *[user_id] * 3]
    if doc_id is None:
        return fetch_all(connection, _REVISION, counters)[0]
    sql, params = f"{_REVISION}, {_DOCUMENT_READINGS}", [user_id, doc_id] * 2
    return fetch_all(connection, sql, [*counters, *params])[0]


def _apply_due_changes() -> bool:
    """Bring the due changes into force (rare: once per announced change).
    Returns whether it could; a database that refuses writes goes on serving
    what is recorded until writes return."""
    from .services.documents import document_changes_apply

    try:
        document_changes_apply()
    except DatabaseError as error:
        if not read_only.is_read_only_error(error):
            raise
        read_only.report(error)
        return False
    return True


def revision_number() -> int:
    """The pages' revision counter (see revisions.py)."""
    return _counters(None)[0]


def reader_revision_of(user) -> tuple[int, int]:
    """What the person's own kept values depend on: the content counter and their
    readings (see revisions.py)."""
    return _counters(user.pk)[1:3]


def _request_counters(request: HttpRequest) -> tuple:
    counters = getattr(request, "_samepage_counters", None)
    if counters is None:
        user_id = getattr(request.user, "pk", None)
        doc_id = getattr(request, "_samepage_document_asked", None)
        counters = _counters(user_id, doc_id if user_id is not None else None)
        request._samepage_counters = counters
    return counters


def ask_document_readings(request: HttpRequest, doc_id: str) -> None:
    """Have the request's counters read the signed-in person's readings of the
    document `doc_id` too (`document_readings`): before anything reads them."""
    if getattr(request, "_samepage_counters", None) is None:
        request._samepage_document_asked = doc_id.upper()


def document_readings(request: HttpRequest, doc_id: str) -> tuple[int, int]:
    """The signed-in person's readings of the document `doc_id`: the newest version
    they acknowledged and the newest they were shown (0: none). Read with the
    request's counters when asked for first, else on their own."""
    counters, asked = _request_counters(request), doc_id.upper()
    if counters[4] and getattr(request, "_samepage_document_asked", None) == asked:
        return counters[4]
    params = [request.user.pk, asked] * 2
    return _numbers(fetch_all(connection, f"SELECT {_DOCUMENT_READINGS}", params)[0])


def waiting_totals(request: HttpRequest) -> tuple[int, int]:
    """What waits for the signed-in person, as pending.py keeps it: how many
    documents, and the versions they span. Read with the counters."""
    return _request_counters(request)[5]


def revision(request: HttpRequest) -> int:
    """The revision this request's pages are read at: read once per request, so
    every part of a page is kept under the same number."""
    return _request_counters(request)[0]


def reader_revision(request: HttpRequest) -> tuple[int, int]:
    """`reader_revision_of` the signed-in person, read with `revision` in the same
    statement, once per request."""
    return _request_counters(request)[1:3]


def digest_seen_at(request: HttpRequest) -> datetime | None:
    """When the signed-in person last marked their digest as seen (None: never),
    read with `reader_revision`: one query fewer for a digest worked out afresh."""
    seen_at = _request_counters(request)[3]
    if seen_at is None or isinstance(seen_at, datetime):
        return seen_at
    # SQLite gives the text it stores.
    return connection.ops.convert_datetimefield_value(seen_at, None, connection)


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
    # A personal page also shows the person's own readings, which move alone.
    own = reader_revision(request) if personal else None
    return cache_key(kind, revision(request), reader, own, address, *facts)


def remember(key: str, compute):
    """The value kept under `key` (built by `cache_key` or `page_key`), or
    `compute()`, kept for next time unless it is too large to keep."""
    found = recall(key)
    if found is not MISSING:
        return found
    value = compute()
    keep(key, value)
    return value


def recall(key: str):
    """The value kept under `key`, or MISSING (for callers that look up several
    keys and work out the missing ones together)."""
    return _read(key, _near_cache())


def keep(key: str, value) -> None:
    """Keep `value` under `key`, unless it is too large to keep."""
    blob = pickle.dumps((_ENVELOPE, value), pickle.HIGHEST_PROTOCOL)
    if len(blob) <= settings.SAMEPAGE_CACHE_MAX_ENTRY_BYTES:
        cache.set(key, blob)
        near = _near_cache()
        if near is not None:
            near.set(key, blob)


MISSING = object()
_last_warning = 0.0
_near = None
# Whether the cache is shared (Redis), as the settings say: read from `caches` once
# rather than twice for each value read or kept (2 µs each time).
_shared = None


def _near_cache() -> QuickLocMemCache | None:
    """This worker's near copy of a shared cache (None with LocMem or nothing)."""
    global _near, _shared
    if _shared is None:
        _shared = isinstance(caches["default"], RedisCache)
    if not _shared:
        return None
    if _near is None:
        _near = QuickLocMemCache(
            "samepage-near",
            {
                "TIMEOUT": settings.CACHES["default"].get("TIMEOUT", 300),
                "OPTIONS": {"MAX_ENTRIES": settings.SAMEPAGE_NEAR_CACHE_ENTRIES},
            },
        )
    return _near


def forget_near_copies() -> None:
    """Empty this worker's near copy, as another worker's would be."""
    if _near is not None:
        _near.clear()


@receiver(setting_changed)
def _another_cache(setting, **kwargs) -> None:
    # Another cache configured (tests): what was copied from the old one goes,
    # and the near copy is made again with the new settings.
    global _near, _shared
    if setting in ("CACHES", "SAMEPAGE_NEAR_CACHE_ENTRIES"):
        forget_near_copies()
        _near = _shared = None


def empty() -> None:
    """Empty what is kept, the shared cache and this worker's near copy: the next
    read works everything out (query counts, the benchmark's first reads)."""
    cache.clear()
    forget_near_copies()


def _read(key: str, near: QuickLocMemCache | None):
    # Any bytes at all may be found under a key (the backend unpickles them too):
    # whatever fails to read as our envelope is a value we do not have.
    try:
        raw = near.get(key) if near is not None else None
        if raw is None:
            raw = cache.get(key)
            if raw is None:
                return MISSING
            if near is not None:
                near.set(key, raw)
        mark, value = pickle.loads(raw)  # noqa: S301 -- written by remember()
        if mark == _ENVELOPE:
            return value
    except Exception:  # noqa: S110
        pass
    if near is not None:
        near.delete(key)
    _warn_now_and_then(f"Ignored a value that is not ours under cache key {key}")
    return MISSING


def _warn_now_and_then(message: str) -> None:
    global _last_warning
    now = time.monotonic()
    if now - _last_warning >= 60:
        _last_warning = now
        logger.warning(message)
