"""On SQLite, the lists of versions (a digest's, a document's history) are read
from the index that holds their columns (migration 0031), not from the versions'
rows, whose bodies come first and spill over onto pages of their own."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from docs_registry import caching

from .factories import publish

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "sqlite",
        reason="an index for SQLite alone: PostgreSQL keeps long values apart",
    ),
]


def _versions_read(client, address: str) -> list[str]:
    """The statements that `address`, worked out afresh, lists versions of
    documents with (their lines: the summaries; not a version read by its key)."""
    caching.empty()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(address).status_code == 200
    return [
        query["sql"]
        for query in captured.captured_queries
        if '"docs_registry_version"."summary"' in query["sql"]
        and '"docs_registry_version"."document_id" =' in query["sql"]
    ]


def _plan(sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
        return "\n".join(str(row[-1]) for row in cursor.fetchall())


@pytest.mark.parametrize("address", ["/digest/", "/docs/PRC-0001/history/"])
def test_version_lists_read_the_index_alone(client, document, sales_staff, address):
    for number in (2, 3):
        publish(document, body=f"Version {number}. " + "Long text. " * 600)
    client.force_login(sales_staff)
    statements = _versions_read(client, address)
    assert statements, "no statement read the versions"
    for sql in statements:
        plan = _plan(sql)
        assert "USING COVERING INDEX version_lines" in plan, plan
        assert "SCAN docs_registry_version" not in plan, plan
