"""Queries a page costs read with the cache emptied (cold: what it takes to work
out) and read again (warm: what a kept page costs). Query-count tests pin both:
counting only warm reads would measure cache hits and miss a lost select_related."""

from contextlib import contextmanager

from django.db import connection
from django.db.models.sql.compiler import SQLCompiler
from django.test.utils import CaptureQueriesContext

from docs_registry import caching
from docs_registry.prepared import logged_sql


def _count(client, url: str, headers: dict) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **headers)
        if response.streaming:  # a CSV queries while it is read
            b"".join(response.streaming_content)
    assert response.status_code == 200, url
    return len(queries)


def cold_and_warm(client, url: str, **headers) -> tuple[int, int]:
    client.get(url, **headers)  # renews the session, records a digest visit
    caching.empty()
    cold = _count(client, url, headers)
    return cold, _count(client, url, headers)


def sql_of(query: dict) -> str:
    """A captured query's SQL: on PostgreSQL a prepared query is logged as
    `EXECUTE samepage_N(…)` (docs_registry/prepared.py)."""
    return logged_sql(connection, query["sql"])


def postgresql_search_difference() -> int:
    """Queries a search adds on PostgreSQL: one fewer, since the page asked for
    counts its hits as it ranks them (docs_registry/search.py). Turning off
    sequential scans goes with the ranked query, in the same statement."""
    return -1 if connection.vendor == "postgresql" else 0


@contextmanager
def compiling():
    """The models of the querysets compiled to SQL within the block, in order."""
    models = []
    original = SQLCompiler.as_sql

    def counted(self, *args, **kwargs):
        models.append(self.query.model)
        return original(self, *args, **kwargs)

    SQLCompiler.as_sql = counted
    try:
        yield models
    finally:
        SQLCompiler.as_sql = original
