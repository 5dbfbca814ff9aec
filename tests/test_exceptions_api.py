"""`/api/exceptions/`: a customer's exceptions for a helpdesk or CRM side panel,
and approval with a manager's personal token only."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client

from docs_registry import services as registry
from field import services
from field.models import CustomerException

from .querycount import cold_and_warm
from .test_exceptions import NOON, TODAY, approved, propose

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fixed_day():
    with time_machine.travel(NOON, tick=False) as traveller:
        yield traveller


def bearer(user) -> dict:
    raw = registry.api_token_create(user=user, name="panel")[1]
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_a_customers_active_exceptions_by_name_or_account(
    client, document, sales_staff, manager, support_staff
):
    approved(document, sales_staff, manager)
    approved(document, sales_staff, manager, customer="Globex", account="G-7")
    propose(document, sales_staff, customer="Acme Corp", account="CRM-1001")
    headers = bearer(support_staff)
    for query in ("customer=acme", "account=crm-1001"):
        body = client.get(f"/api/exceptions/?{query}", **headers).json()
        assert body["count"] == 1
        (item,) = body["results"]
        assert item["customer"] == "Acme Corp"
        assert item["citation"] == "PRC-0001 v1"
        assert (item["standing"], item["valid_until"]) == ("active", "2026-12-12")
        assert item["decided_by"]["username"] == "manager"
    every = client.get("/api/exceptions/?customer=acme&show=all", **headers).json()
    assert sorted(i["standing"] for i in every["results"]) == ["active", "proposed"]


def test_an_expired_exception_is_listed_as_expired_only_on_request(
    client, document, sales_staff, manager, support_staff, fixed_day
):
    approved(document, sales_staff, manager, valid_until=TODAY)
    headers = bearer(support_staff)
    fixed_day.move_to(NOON + timedelta(days=1))
    assert client.get("/api/exceptions/?customer=acme", **headers).json()["count"] == 0
    (item,) = client.get("/api/exceptions/?show=all", **headers).json()["results"]
    assert item["standing"] == "expired"


def test_only_a_managers_token_approves(client, document, sales_staff, manager):
    exception = propose(document, sales_staff)
    url = f"/api/exceptions/{exception.pk}/approve/"
    body = {"reason": "Big account"}
    refused = client.post(
        url, body, content_type="application/json", **bearer(sales_staff)
    )
    assert refused.status_code == 403
    assert "manager" in refused.json()["detail"]
    exception.refresh_from_db()
    assert exception.state == "proposed"
    assert exception.history.count() == 1
    done = client.post(url, body, content_type="application/json", **bearer(manager))
    assert done.status_code == 200
    assert done.json()["standing"] == "active"
    (step,) = CustomerException.history.filter(state="approved")
    assert (step.history_user, step.history_change_reason) == (
        manager,
        "Approved: Big account",
    )
    again = client.post(url, body, content_type="application/json", **bearer(manager))
    assert again.status_code == 409


def test_approval_needs_a_reason_and_an_existing_exception(
    client, document, sales_staff, manager
):
    exception = propose(document, sales_staff)
    headers = bearer(manager)
    url = f"/api/exceptions/{exception.pk}/approve/"
    for body in ({}, {"reason": ""}, {"reason": "x" * 1001}):
        response = client.post(url, body, content_type="application/json", **headers)
        assert response.status_code == 400, body
    missing = client.post(
        "/api/exceptions/999/approve/",
        {"reason": "ok"},
        content_type="application/json",
        **headers,
    )
    assert missing.status_code == 404
    exception.refresh_from_db()
    assert exception.state == "proposed"


def test_a_manager_session_cannot_approve_without_a_token(
    document, sales_staff, manager
):
    exception = propose(document, sales_staff)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(manager)
    response = browser.post(
        f"/api/exceptions/{exception.pk}/approve/",
        {"reason": "ok"},
        content_type="application/json",
    )
    assert response.status_code == 401
    assert browser.get(f"/api/exceptions/{exception.pk}/approve/").status_code == 405
    assert browser.post("/api/exceptions/").status_code == 405
    exception.refresh_from_db()
    assert exception.state == "proposed"


def test_the_list_costs_the_same_with_3_or_30_exceptions(
    client, document, sales_staff, manager
):
    headers = bearer(sales_staff)
    for n in range(3):
        approved(document, sales_staff, manager, customer=f"Acme {n}")
    few = cold_and_warm(client, "/api/exceptions/?customer=acme", **headers)
    for n in range(27):
        services.exception_approve(
            exception=propose(document, sales_staff, customer=f"Acme x{n}"),
            actor=manager,
            reason="ok",
        )
    assert cold_and_warm(client, "/api/exceptions/?customer=acme", **headers) == few
