"""The read-only JSON API: every endpoint by session and by token, its errors in
JSON, and bounded queries."""

import pytest

from docs_registry import services
from docs_registry.models import Audience, Document, Version

from .factories import days_ago, make_category, make_document, make_user, publish
from .querycount import cold_and_warm, postgresql_search_difference

pytestmark = pytest.mark.django_db

ENDPOINTS = [
    "/api/docs/",
    "/api/docs/PRC-0001/",
    "/api/docs/PRC-0001/versions/",
    "/api/docs/PRC-0001/versions/1/",
    "/api/changes/?since=2020-01-01T00:00:00Z",
    "/api/search/?q=discount",
]


@pytest.fixture
def token(sales_staff):
    return services.api_token_create(user=sales_staff, name="test")[1]


def bearer(raw: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def two_versions(document):
    publish(document, body="Up to **15%** needs no approval.", summary="Raised to 15%")
    document.refresh_from_db()
    return document


# --- who may call ---------------------------------------------------------------


@pytest.mark.parametrize("url", ENDPOINTS)
def test_every_endpoint_works_with_a_session(client, two_versions, sales_staff, url):
    client.force_login(sales_staff)
    response = client.get(url)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/json")


@pytest.mark.parametrize("url", ENDPOINTS)
def test_every_endpoint_works_with_a_token(client, two_versions, token, url):
    response = client.get(url, **bearer(token))
    assert response.status_code == 200, response.content
    assert "sessionid" not in response.cookies


@pytest.mark.parametrize("url", ENDPOINTS)
def test_anonymous_gets_json_401_not_a_redirect(client, document, url):
    response = client.get(url)
    assert response.status_code == 401
    assert "Bearer" in response.json()["detail"]
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("url", ENDPOINTS)
def test_a_wrong_or_revoked_token_gets_401(client, document, sales_staff, url):
    token, raw = services.api_token_create(user=sales_staff, name="t")
    services.api_token_revoke(token=token, actor=sales_staff)
    for header in (f"Bearer {raw}", "Bearer sp_nonsense", "Bearer", "Token x"):
        response = client.get(url, HTTP_AUTHORIZATION=header)
        assert response.status_code == 401, header
        assert "detail" in response.json()


def test_an_inactive_users_token_gets_401(client, document, sales_staff, token):
    sales_staff.is_active = False
    sales_staff.save()
    assert client.get("/api/docs/", **bearer(token)).status_code == 401


def test_an_inactive_users_session_gets_401(client, document, sales_staff):
    client.force_login(sales_staff)
    sales_staff.is_active = False
    sales_staff.save()
    assert client.get("/api/docs/").status_code == 401


@pytest.mark.parametrize("url", ENDPOINTS)
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_api_is_read_only(client, document, token, url, method):
    response = getattr(client, method)(url, **bearer(token))
    assert response.status_code == 405
    assert response["Allow"] == "GET"
    assert "read-only" in response.json()["detail"]


def test_a_session_post_is_405_not_a_csrf_failure(document, sales_staff):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(sales_staff)
    assert client.post("/api/docs/").status_code == 405


def test_the_security_headers_stay_on(client, document, token):
    response = client.get("/api/docs/", **bearer(token))
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert "Content-Security-Policy" in response


# --- what it returns ------------------------------------------------------------


def test_document_detail_is_the_current_version(client, two_versions, token):
    data = client.get("/api/docs/prc-0001/", **bearer(token)).json()
    assert data["doc_id"] == "PRC-0001"
    assert data["citation"] == "PRC-0001 v2" and data["version"] == 2
    assert data["markdown"] == "Up to **15%** needs no approval."
    assert "<strong>15%</strong>" in data["html"]
    assert data["summary"] == "Raised to 15%" and data["significance"] == "major"
    assert data["owner"] == {"username": "sales-lead", "name": "Sales Lead"}
    assert data["category"]["prefix"] == "PRC"
    assert data["audience"] == "both" and data["status"] == "active"
    assert data["url"] == "http://testserver/docs/PRC-0001/"
    assert data["published_at"] and data["created_at"]


def test_versions_are_listed_newest_first(client, two_versions, token):
    data = client.get("/api/docs/PRC-0001/versions/", **bearer(token)).json()
    assert data["count"] == 2 and data["next"] is None
    assert [v["number"] for v in data["results"]] == [2, 1]
    assert data["results"][0]["publisher"]["username"] == "sales-lead"
    assert data["results"][1]["url"] == "http://testserver/docs/PRC-0001/v1/"
    assert "markdown" not in data["results"][0]


def test_an_old_version_is_as_published(client, two_versions, token):
    data = client.get("/api/docs/PRC-0001/versions/1/", **bearer(token)).json()
    assert data["citation"] == "PRC-0001 v1"
    assert data["markdown"] == "Up to **10%** needs no approval."
    assert "<strong>10%</strong>" in data["html"]


def test_document_list_filters(client, document, owner, manager, token):
    support = make_category(name="Support", prefix="SUP")
    make_document(
        owner=manager,
        manager=manager,
        category=support,
        title="Refunds",
        audience=Audience.SUPPORT,
    )
    sales_only = make_document(
        owner=owner, manager=manager, title="Quotas", audience=Audience.SALES
    )
    services.document_retire(document=sales_only, actor=manager, reason="Old")

    def ids(query):
        response = client.get(f"/api/docs/{query}", **bearer(token))
        assert response.status_code == 200, response.content
        return [d["doc_id"] for d in response.json()["results"]]

    assert ids("") == ["PRC-0001", "SUP-0001"]
    assert ids("?include_retired=true") == ["PRC-0001", "PRC-0002", "SUP-0001"]
    assert ids("?audience=support") == ["PRC-0001", "SUP-0001"]
    assert ids("?audience=sales&include_retired=1") == ["PRC-0001", "PRC-0002"]
    assert ids("?audience=both") == ["PRC-0001"]
    assert ids(f"?category={support.pk}") == ["SUP-0001"]
    assert ids("?owner=manager") == ["SUP-0001"]
    assert ids("?q=refund") == ["SUP-0001"]
    assert ids("?q=sup-0001") == ["SUP-0001"]


def test_document_list_pages_by_50(client, owner, manager, category, token):
    for n in range(51):
        make_document(owner=owner, manager=manager, title=f"Doc {n}")
    first = client.get("/api/docs/?q=doc", **bearer(token)).json()
    assert first["count"] == 51 and len(first["results"]) == 50
    assert first["previous"] is None
    assert first["next"] == "http://testserver/api/docs/?q=doc&page=2"
    second = client.get(first["next"], **bearer(token)).json()
    assert [d["doc_id"] for d in second["results"]] == ["PRC-0051"]
    assert second["next"] is None and second["previous"].endswith("page=1")


def test_changes_since_a_time_oldest_first(client, owner, manager, category, token):
    with days_ago(10):
        old = make_document(owner=owner, manager=manager, title="Old news")
    with days_ago(5):
        recent = make_document(owner=owner, manager=manager, title="Recent")
    with days_ago(2):
        publish(recent, body="two days ago", summary="Two days ago")
    publish(old, body="now", summary="Just now", significance="minor")

    def changes(since):
        response = client.get("/api/changes/", {"since": since}, **bearer(token))
        assert response.status_code == 200, response.content
        return [(c["doc_id"], c["number"]) for c in response.json()["results"]]

    assert changes("2020-01-01T00:00:00Z") == [
        ("PRC-0001", 1), ("PRC-0002", 1), ("PRC-0002", 2), ("PRC-0001", 2),
    ]  # fmt: skip
    last = Version.objects.get(document=recent, number=2).published_at
    assert changes(last.isoformat()) == [("PRC-0001", 2)]
    assert changes(last.strftime("%Y-%m-%dT%H:%M:%S.%fZ")) == [("PRC-0001", 2)]
    # A `+` that was not URL-encoded arrives as a space.
    plus_one = last.isoformat().replace("+00:00", "+01:00")
    assert changes(plus_one) == [("PRC-0002", 2), ("PRC-0001", 2)]
    assert changes(plus_one.replace("+", " ")) == changes(plus_one)


def test_search_is_full_text(client, document, manager, token):
    publish(document, body="Discounts over 25% need the **regional director**.")
    services.glossary_term_save(
        actor=manager, term=None, wording="Regional director",
        definition="Approves large discounts.", audience="both", avoid="", owner=None,
    )  # fmt: skip
    data = client.get("/api/search/?q=regional", **bearer(token)).json()
    assert data["count"] == 2
    hit = next(h for h in data["results"] if h["kind"] == "doc")
    term = next(h for h in data["results"] if h["kind"] == "term")
    assert term["api_url"] is None and "/glossary/#term-" in term["url"]
    assert hit["kind"] == "doc" and hit["doc_id"] == "PRC-0001"
    assert hit["title"] == "Discount approval rules"
    assert "<mark>regional</mark>" in hit["snippet_html"]
    assert hit["api_url"] == "http://testserver/api/docs/PRC-0001/"
    assert client.get("/api/search/?q=zzz", **bearer(token)).json()["count"] == 0
    only_documents = client.get(
        "/api/search/?q=regional&owner=sales-lead", **bearer(token)
    )
    assert [h["kind"] for h in only_documents.json()["results"]] == ["doc"]


def test_search_escapes_what_it_returns(client, owner, manager, category, token):
    make_document(owner=owner, manager=manager, title="<b>Bold</b> claims")
    hit = client.get("/api/search/?q=claims", **bearer(token)).json()["results"][0]
    assert hit["title"] == "<b>Bold</b> claims"
    assert "<b>" not in hit["title_html"] and "&lt;b&gt;" in hit["title_html"]


# --- errors ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/api/docs/PRC-9999/",
        "/api/docs/PRC-9999/versions/",
        "/api/docs/PRC-0001/versions/7/",
        "/api/docs/PRC-9999/versions/1/",
        "/api/docs/?page=2",
        "/api/docs/?owner=nobody",
    ],
)
def test_unknown_documents_and_versions_are_404(client, document, token, url):
    response = client.get(url, **bearer(token))
    assert response.status_code == 404
    assert "detail" in response.json()


@pytest.mark.parametrize(
    "url",
    [
        "/api/changes/",
        "/api/changes/?since=yesterday",
        "/api/changes/?since=2026-01-01T00:00:00",  # no time zone
        "/api/changes/?since=2026-13-01T00:00:00Z",
        "/api/changes/?since=2020-01-01T00:00:00Z&page=x",
        "/api/docs/?page=0",
        "/api/docs/?page=abc",
        "/api/docs/?audience=marketing",
        "/api/docs/?category=pricing",
        "/api/docs/?include_retired=perhaps",
        "/api/docs/PRC-0001/versions/one/",
        "/api/search/",
        "/api/search/?q=%20",
        "/api/search/?q=--",
        "/api/search/?q=x&audience=marketing",
    ],
)
def test_bad_requests_are_400_with_a_message(client, document, token, url):
    response = client.get(url, **bearer(token))
    assert response.status_code == 400, response.content
    assert response.json()["detail"]


def test_a_time_without_zone_says_so(client, document, token):
    response = client.get("/api/changes/?since=2026-01-01T00:00", **bearer(token))
    assert "time zone" in response.json()["detail"]


def test_a_retired_document_is_still_readable(client, document, manager, token):
    services.document_retire(document=document, actor=manager, reason="Old")
    data = client.get("/api/docs/PRC-0001/", **bearer(token)).json()
    assert data["status"] == "retired"


# --- queries --------------------------------------------------------------------


# (cold, warm) queries: a session costs the session and its user; a token costs
# one read. A document's versions read the kept document when warm.
COUNTS = {
    ("session", "/api/docs/PRC-0001/versions/"): (6, 5),
    ("token", "/api/docs/PRC-0001/versions/"): (5, 4),
    "session": (4, 4),
    "token": (3, 3),
}


def count_queries(client, url, headers) -> tuple[int, int]:
    by = "token" if headers else "session"
    counts = cold_and_warm(client, url, **headers)
    cold, warm = COUNTS.get((by, url), COUNTS[by])
    if "/search/" in url:  # read afresh each time: the API keeps no search
        cold = warm = cold + postgresql_search_difference()
    assert counts == (cold, warm), f"{url}: {counts}"
    return counts


@pytest.mark.parametrize(
    "url",
    [
        "/api/docs/",
        "/api/docs/?audience=sales&include_retired=1",
        "/api/docs/PRC-0001/versions/",
        "/api/changes/?since=2020-01-01T00:00:00Z",
        "/api/search/?q=discount",
    ],
)
@pytest.mark.parametrize("by", ["session", "token"])
def test_lists_cost_the_same_with_1_or_30_rows(
    client, document, owner, manager, sales_staff, token, url, by
):
    headers = bearer(token) if by == "token" else {}
    if by == "session":
        client.force_login(sales_staff)
    with_one = count_queries(client, url, headers)
    for n in range(29):
        other_owner = make_user(f"owner-{n}", in_sales=True)
        make_document(owner=other_owner, manager=manager, title=f"Doc {n}")
        publish(document, body=f"version {n}", summary=f"Change {n}")
    assert Document.objects.count() == 30
    assert count_queries(client, url, headers) == with_one


def test_the_openapi_schema_is_for_signed_in_people(client, sales_staff):
    anonymous = client.get("/api/openapi.json")
    assert anonymous.status_code == 401 and "Bearer" in anonymous.json()["detail"]
    client.force_login(sales_staff)
    paths = client.get("/api/openapi.json").json()["paths"]
    assert "/api/docs/{doc_id}/versions/{number}/" in paths
    assert set(paths["/api/changes/"]) == {"get"}


def test_the_openapi_schema_answers_a_token(client, sales_staff, token):
    response = client.get("/api/openapi.json", **bearer(token))
    assert response.status_code == 200
    assert "/api/changes/" in response.json()["paths"]
    assert "sessionid" not in response.cookies
    wrong = client.get("/api/openapi.json", **bearer("sp_nonsense"))
    assert wrong.status_code == 401


@pytest.mark.parametrize("path", ["/api/nothing/", "/api/docs/PRC-0001/extra/"])
def test_unknown_api_addresses_answer_in_json(client, document, sales_staff, path):
    for signed_in in (False, True):
        if signed_in:
            client.force_login(sales_staff)
        response = client.get(path)
        assert response.status_code == 404
        assert response.json() == {"detail": "No such API endpoint."}


def test_a_token_call_compiles_no_query_for_the_token(client, two_versions, token):
    """The token is looked up on every call: a prepared query, compiled once."""
    from .test_prepared import compiled_querysets

    client.defaults |= bearer(token)
    url = f"/api/docs/{two_versions.doc_id}/"
    assert compiled_querysets(client, url) == 0
