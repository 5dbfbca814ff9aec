"""Bad numbers, server errors and a read-only database: a clear answer (400, 404,
503), JSON under /api/, and never a server error that leaks what went wrong."""

import logging
from contextlib import contextmanager

import pytest
from django.db import DatabaseError, OperationalError, connection

from docs_registry import caching, read_only, selectors, services
from docs_registry.diffing import compare_versions
from docs_registry.models import Acknowledgment, Draft, StoredComparison

from .factories import publish

pytestmark = pytest.mark.django_db

# One past the largest 64-bit integer: SQLite cannot bind it, PostgreSQL has no
# column type for it.
TOO_BIG = str(2**63)
HUGE = "9" * 30


def bearer(raw: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


# --- numbers out of the database's range ------------------------------------------


@pytest.mark.parametrize("value", [TOO_BIG, HUGE, "0", "-1"])
@pytest.mark.parametrize(
    "url", ["/api/docs/?category={}", "/api/search/?q=discount&category={}"]
)
def test_api_refuses_an_out_of_range_id_with_a_json_400(
    client, document, sales_staff, url, value
):
    client.force_login(sales_staff)
    response = client.get(url.format(value))
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"].startswith("Invalid request. category:")


@pytest.mark.parametrize("value", [TOO_BIG, HUGE])
@pytest.mark.parametrize(
    "url",
    [
        "/api/docs/?page={}",
        "/api/search/?q=discount&page={}",
        "/api/docs/PRC-0001/versions/?page={}",
    ],
)
def test_api_refuses_a_page_out_of_range(client, document, sales_staff, url, value):
    client.force_login(sales_staff)
    response = client.get(url.format(value))
    assert response.status_code == 400
    assert "page:" in response.json()["detail"]


@pytest.mark.parametrize("value", [TOO_BIG, HUGE])
def test_api_version_out_of_range_is_refused(client, document, sales_staff, value):
    """Outside the range the schema states: a bad request, in JSON."""
    client.force_login(sales_staff)
    response = client.get(f"/api/docs/PRC-0001/versions/{value}/")
    assert response.status_code == 400
    assert "number:" in response.json()["detail"]


@pytest.mark.parametrize("value", [TOO_BIG, HUGE])
@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/history/?category={}", 400),
        ("/history/?who={}", 400),
        ("/history/?owner={}", 400),
        ("/coverage/?category={}", 400),
        ("/docs/PRC-0001/v{}/", 404),
        ("/glossary/{}/edit/", 404),
    ],
)
def test_pages_answer_an_out_of_range_id_without_a_server_error(
    client, document, manager, url, status, value
):
    client.force_login(manager)
    assert client.get(url.format(value)).status_code == status


@pytest.mark.parametrize("value", [TOO_BIG, HUGE])
@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/docs/?{}={}", "Some filters were not understood and were ignored"),
        ("/search/?q=discount&{}={}", "Nothing was searched:"),
    ],
)
@pytest.mark.parametrize("name", ["category", "owner"])
def test_browse_and_search_say_an_out_of_range_filter_was_not_used(
    client, document, sales_staff, url, message, name, value
):
    client.force_login(sales_staff)
    response = client.get(url.format(name, value))
    assert response.status_code == 200
    assert message in response.content.decode()


@pytest.mark.parametrize("value", [TOO_BIG, HUGE])
@pytest.mark.parametrize("url", ["/docs/?page={}", "/search/?q=discount&page={}"])
def test_a_page_number_out_of_range_shows_the_last_page(
    client, document, sales_staff, url, value
):
    client.force_login(sales_staff)
    response = client.get(url.format(value))
    assert response.status_code == 200
    assert 'href="/docs/PRC-0001/">PRC-0001</a>' in response.content.decode()


# Version numbers are 32-bit on PostgreSQL.
@pytest.mark.parametrize("value", [str(2**31), TOO_BIG, HUGE])
@pytest.mark.parametrize("action", ["preview", "save", "publish"])
def test_edit_refuses_a_base_version_out_of_range(
    client, document, owner, action, value
):
    client.force_login(owner)
    response = client.post(
        "/docs/PRC-0001/edit/",
        {
            "title": "Discounts",
            "body": "Up to 15%.",
            "summary": "Raised",
            "significance": "minor",
            "base_number": value,
            "action": action,
        },
    )
    assert response.status_code == 400
    assert not Draft.objects.filter(document=document).exists()


# --- every /api/ error is JSON ------------------------------------------------------


def test_api_server_error_is_json_without_detail(
    client, document, sales_staff, monkeypatch
):
    def broken(**filters):
        raise RuntimeError("secret table layout")

    monkeypatch.setattr(selectors, "document_list", broken)
    client.raise_request_exception = False
    client.force_login(sales_staff)
    response = client.get("/api/docs/")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": "Server error"}
    assert b"secret" not in response.content


def test_page_server_error_is_the_plain_page(
    client, document, sales_staff, monkeypatch
):
    def broken(**filters):
        raise RuntimeError("secret table layout")

    monkeypatch.setattr(selectors, "document_rows", broken)
    client.raise_request_exception = False
    client.force_login(sales_staff)
    response = client.get("/docs/")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")
    assert b"secret" not in response.content


@pytest.mark.parametrize(
    ("method", "url", "status"),
    [
        ("get", "/api/no-such-thing/", 404),
        ("get", "/api/docs/NOPE-0001/", 404),
        ("post", "/api/docs/", 405),
        ("delete", "/api/docs/PRC-0001/", 405),
    ],
)
def test_api_errors_are_json(client, document, sales_staff, method, url, status):
    client.force_login(sales_staff)
    response = getattr(client, method)(url)
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    assert set(response.json()) == {"detail"}


# --- a read-only database -----------------------------------------------------------

READ_ONLY_SWITCH = {
    # Writes then fail with "attempt to write a readonly database".
    "sqlite": ("PRAGMA query_only = ON", "PRAGMA query_only = OFF"),
    # Writes then fail with "cannot execute ... in a read-only transaction".
    "postgresql": (
        "SET default_transaction_read_only = on",
        "SET default_transaction_read_only = off",
    ),
}


@contextmanager
def read_only_database():
    on, off = READ_ONLY_SWITCH[connection.vendor]
    with connection.cursor() as cursor:
        cursor.execute(on)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(off)


# Outside a test transaction, as in production: on PostgreSQL a refused write
# would otherwise abort the test's transaction and every read after it.
read_only_test = pytest.mark.django_db(transaction=True)


@read_only_test
def test_read_only_database_still_serves_pages(client, document, sales_staff):
    client.force_login(sales_staff)  # a fresh session: the first page renews it
    with read_only_database():
        for url, shown in [
            ("/docs/PRC-0001/", "<h1>Discount approval rules</h1>"),
            ("/docs/", '<a href="/docs/PRC-0001/">PRC-0001</a>'),
            ("/glossary/", "<p>No terms yet.</p>"),
        ]:
            response = client.get(url)
            assert response.status_code == 200, url
            assert shown in response.content.decode(), url
        with pytest.raises(DatabaseError, match="read"):
            Acknowledgment.objects.update(number=1)  # the switch is on


@read_only_test
def test_a_read_only_database_still_compares_without_storing(
    client, document, sales_staff
):

    publish(document, body="Up to **15%** needs no approval.")
    client.force_login(sales_staff)
    client.get("/docs/")  # renews the session while writes are allowed
    first, second = document.versions.order_by("number")
    with read_only_database():
        response = client.get("/docs/PRC-0001/compare/?from=1&to=2")
        caching.empty()
        comparison = compare_versions(first, second, store=True)
    assert response.status_code == 200
    assert "<del>10%</del><ins>15%</ins>" in response.content.decode()
    assert "<del>10%</del><ins>15%</ins>" in comparison.html
    assert not StoredComparison.objects.exists()


@read_only_test
def test_a_comparison_a_read_only_database_cannot_store_is_kept_instead(
    document, monkeypatch
):
    from docs_registry import diffing

    publish(document, body="Up to **15%** needs no approval.")
    first, second = document.versions.order_by("number")
    with read_only_database():
        shown = compare_versions(first, second, store=True)

        def compared_again(old, new):
            raise AssertionError("compared again")

        monkeypatch.setattr(diffing, "compare_rendered", compared_again)
        assert compare_versions(first, second, store=True) == shown
    assert not StoredComparison.objects.exists()


@read_only_test
def test_read_only_database_still_serves_the_api(client, document, sales_staff):
    _, raw = services.api_token_create(user=sales_staff, name="integration")
    with read_only_database():
        response = client.get("/api/docs/PRC-0001/", **bearer(raw))
    assert response.status_code == 200
    assert response.json()["doc_id"] == "PRC-0001"


@read_only_test
def test_a_write_to_a_read_only_database_answers_503(client, document, sales_staff):
    client.force_login(sales_staff)
    with read_only_database():
        response = client.post("/docs/PRC-0001/acknowledge/", {"number": "1"})
    assert response.status_code == 503
    assert response["Retry-After"]
    html = response.content.decode()
    assert '<h1 id="read-only">Samepage is read-only right now</h1>' in html
    assert 'class="site-header"' in html  # the product's page, not a bare error
    assert not Acknowledgment.objects.exists()


@read_only_test
def test_signing_in_to_a_read_only_database_answers_503(client, document, sales_staff):
    with read_only_database():
        response = client.post(
            "/accounts/login/", {"username": "sales", "password": "pw"}
        )
    assert response.status_code == 503
    assert "Samepage is read-only right now" in response.content.decode()


def test_a_refused_write_under_the_api_answers_json_503(
    client, document, sales_staff, monkeypatch
):
    def refused(**filters):
        raise OperationalError("attempt to write a readonly database")

    monkeypatch.setattr(selectors, "document_list", refused)
    client.force_login(sales_staff)
    response = client.get("/api/docs/")
    assert response.status_code == 503
    assert response.json()["detail"].startswith("Samepage is read-only right now")


@read_only_test
def test_the_first_refused_write_is_logged_as_an_error_and_later_ones_quietly(
    client, document, sales_staff, monkeypatch, caplog
):
    monkeypatch.setattr(read_only, "_reported", False)
    client.force_login(sales_staff)
    with read_only_database(), caplog.at_level(logging.INFO, logger=read_only.__name__):
        for _ in range(3):
            client.post("/docs/PRC-0001/acknowledge/", {"number": "1"})
    levels = [r.levelname for r in caplog.records if r.name == read_only.__name__]
    assert levels == ["ERROR", "INFO", "INFO"]
