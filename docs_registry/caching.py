"""What pages keep between requests, and the stamp that keeps it right.

Pages that read the same for many people (browse, search, a document's history, its
versions and comparisons) are kept rendered in each worker's cache, under a key
that includes the content stamp: the newest row of every append-only table behind
those pages — versions (each publish) and the history records of documents,
categories, glossary terms, people and questions (each save writes one). Rows there
are only ever added, so while the stamp is unchanged nothing shown has changed:
cached HTML is never stale and nothing needs invalidating.

Reads behind a page are kept the same way (`remember`): a document with its
owner and current version, versions, questions, under the stamp; what concerns one
person (their acknowledgments, their digest) under the reader's state.

One indexed query per request reads the stamp, together with what the person's
waiting count depends on (their newest acknowledgment, when they last saw their
digest, which versions they were shown), and only when a page asks for it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest

# Every part is an index look-up (MAX of a primary key, or of an index's last column).
_STATE = (
    "SELECT (SELECT MAX(id) FROM docs_registry_version), "
    "(SELECT MAX(history_id) FROM docs_registry_historicaldocument), "
    "(SELECT MAX(history_id) FROM docs_registry_historicalcategory), "
    "(SELECT MAX(history_id) FROM docs_registry_historicalglossaryterm), "
    "(SELECT MAX(history_id) FROM docs_registry_historicaluser), "
    "(SELECT MAX(history_id) FROM docs_registry_historicalquestion), "
    "(SELECT MAX(id) FROM docs_registry_acknowledgment WHERE user_id = %s), "
    "(SELECT seen_at FROM docs_registry_digeststate WHERE user_id = %s), "
    "(SELECT MAX(id) FROM docs_registry_seenversion WHERE user_id = %s)"
)
# PostgreSQL: the same query in a function that keeps its plan (migration 0016).
_STATE_FUNCTION = "SELECT * FROM docs_registry_page_state(%s)"


@dataclass(frozen=True)
class PageState:
    content: str  # the content stamp, for cache keys
    reader: str  # the content stamp plus the person's acknowledgments and digest


def page_state(request: HttpRequest) -> PageState:
    """The state behind this request's pages, read once per request."""
    state = getattr(request, "_samepage_state", None)
    if state is None:
        user_id = getattr(request.user, "pk", None)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":  # the same query, planned once
                cursor.execute(_STATE_FUNCTION, [user_id])
            else:
                cursor.execute(_STATE, [user_id, user_id, user_id])
            row = cursor.fetchone()
        content = ".".join(str(value) for value in row[:6])
        # The digest time is text or a datetime by database: hashed, it is a key.
        reading = hashlib.sha256(repr(row[6:]).encode()).hexdigest()[:24]
        state = PageState(content=content, reader=f"{content}.{reading}")
        request._samepage_state = state
    return state


def remember(key: str, compute):
    """The value cached under `key`, computed and kept if missing. Keys must hold
    everything the value depends on (a stamp, a reader's state): nothing is ever
    invalidated. None is not a value that can be kept."""
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value)
    return value
