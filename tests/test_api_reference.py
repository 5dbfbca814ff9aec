"""The API's reference for people (/api/reference/): every endpoint of the
OpenAPI schema, reachable with a token as the schema itself is, and a page of our
own under the strict Content-Security-Policy (ninja's interactive docs need a
CDN's scripts, and their default /api/docs would take the documents' address)."""

from __future__ import annotations

import pytest

from docs_registry import services

from .factories import make_document
from .html import main, parse
from .querycount import cold_and_warm

pytestmark = pytest.mark.django_db

REFERENCE = "/api/reference/"


@pytest.fixture
def token(sales_staff):
    return services.api_token_create(user=sales_staff, name="test")[1]


def bearer(raw: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_the_schema_and_the_reference_answer_a_token(client, document, token):
    schema = client.get("/api/openapi.json", **bearer(token))
    assert schema.status_code == 200
    documents = client.get("/api/docs/", **bearer(token))
    assert documents.status_code == 200
    assert "PRC-0001" in documents.content.decode()
    reference = client.get(REFERENCE, **bearer(token))
    assert reference.status_code == 200
    text = main(reference).text
    for path, operations in schema.json()["paths"].items():
        for method, operation in operations.items():
            assert f"{method.upper()} {path}" in text
            assert operation["summary"] in text
    assert "since (query, required): An RFC 3339 time" in text


def test_the_reference_is_for_signed_in_people(client, sales_staff):
    anonymous = client.get(REFERENCE)
    assert anonymous.status_code == 401
    assert "Bearer" in anonymous.json()["detail"]
    assert client.get(REFERENCE, **bearer("sp_nonsense")).status_code == 401
    client.force_login(sales_staff)
    assert client.get(REFERENCE).status_code == 200
    assert client.post(REFERENCE).status_code == 405


def test_the_reference_runs_no_script_of_anyone_elses(client, sales_staff):
    client.force_login(sales_staff)
    response = client.get(REFERENCE)
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    scripts = parse(response).select("script")
    assert all(script.attrs["src"].startswith("/static/") for script in scripts)
    stylesheets = parse(response).select("link")
    assert all(link.attrs["href"].startswith("/") for link in stylesheets)


# Cold (the cache emptied) and warm: the schema is built once, from the code, so
# only the header's parts are read.
REFERENCE_QUERIES = (3, 3)


def test_the_reference_costs_the_same_with_1_or_30_documents(
    client, document, owner, manager
):
    client.force_login(owner)
    assert cold_and_warm(client, REFERENCE) == REFERENCE_QUERIES
    for n in range(29):
        make_document(owner=owner, manager=manager, title=f"Doc {n}")
    assert cold_and_warm(client, REFERENCE) == REFERENCE_QUERIES
