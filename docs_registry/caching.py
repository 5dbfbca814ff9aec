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
digest), and only when a page asks for it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest

_REVISION = "SELECT number FROM docs_registry_revision WHERE id = 1"


@dataclass(frozen=True)
class PageState:
    content: str  # the revision, for cache keys
    reader: str  # the revision plus the person


def revision_number() -> int:
    """The revision counter (models.Revision): one read by primary key."""
    with connection.cursor() as cursor:
        cursor.execute(_REVISION)
        row = cursor.fetchone()
    return row[0] if row else 0


def page_state(request: HttpRequest) -> PageState:
    """The state behind this request's pages, read once per request."""
    state = getattr(request, "_samepage_state", None)
    if state is None:
        number = revision_number()
        user_id = getattr(request.user, "pk", None)
        state = PageState(content=str(number), reader=f"{number}.{user_id}")
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
