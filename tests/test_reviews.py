"""Reviews: each document is confirmed accurate (or republished) within its review
interval; lapsed ones are due, for their owner and for managers."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from docs_registry import services
from docs_registry.models import ChangeKind, Document
from docs_registry.selectors.reviews import review_due_at, reviews_due

from .factories import days_ago, make_category, make_document, make_user, publish
from .html import column
from .test_queries import count_queries

pytestmark = pytest.mark.django_db


def due_ids() -> list[str]:
    return [document.doc_id for document in reviews_due()]


def created_ago(days: int, **fields) -> Document:
    with days_ago(days):
        return make_document(**fields)


def test_the_default_interval_is_90_days(owner, manager, category):
    created_ago(89, owner=owner, manager=manager, category=category)
    created_ago(91, owner=owner, manager=manager, category=category)
    assert due_ids() == ["PRC-0002"]


def test_the_category_interval_applies(owner, manager):
    monthly = make_category(name="Prices", prefix="PRC")
    monthly.review_interval_days = 30
    monthly.save()
    created_ago(29, owner=owner, manager=manager, category=monthly)
    created_ago(31, owner=owner, manager=manager, category=monthly)
    assert due_ids() == ["PRC-0002"]


def test_a_document_interval_overrides_the_category(owner, manager, category):
    category.review_interval_days = 30
    category.save()
    document = created_ago(100, owner=owner, manager=manager, category=category)
    assert due_ids() == ["PRC-0001"]
    services.document_update_details(
        document=document,
        actor=manager,
        title=document.title,
        category=category,
        audience=document.audience,
        review_interval_days=200,
    )
    assert due_ids() == []
    document.refresh_from_db()
    assert review_due_at(document) == document.last_reviewed_at + timedelta(days=200)


def test_a_manager_sets_the_interval_on_the_details_page(client, document, manager):
    client.force_login(manager)
    response = client.post(
        "/docs/PRC-0001/details/",
        {
            "title": document.title,
            "category": document.category.pk,
            "audience": document.audience,
            "review_interval_days": "14",
        },
    )
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.review_interval_days == 14
    record = document.history.order_by("-history_date").first()
    assert record.history_change_reason == "Changed review interval to 14 days"


def test_other_details_leave_the_interval_alone(document, manager, category):
    Document.objects.filter(pk=document.pk).update(review_interval_days=14)
    document.refresh_from_db()
    services.document_update_details(
        document=document,
        actor=manager,
        title="New title",
        category=category,
        audience=document.audience,
    )
    document.refresh_from_db()
    assert document.review_interval_days == 14


def test_publishing_counts_as_a_review(owner, manager, category):
    document = created_ago(120, owner=owner, manager=manager, category=category)
    assert due_ids() == ["PRC-0001"]
    version = publish(document, body="Checked and updated")
    document.refresh_from_db()
    assert document.last_reviewed_at == version.published_at
    assert due_ids() == []


def test_confirming_records_who_when_and_why_without_a_version(
    client, owner, manager, category
):
    document = created_ago(120, owner=owner, manager=manager, category=category)
    client.force_login(owner)
    before = timezone.now()
    response = client.post("/docs/PRC-0001/confirm/", {"note": "Prices checked"})
    assert response.status_code == 302
    assert response["Location"] == "/docs/PRC-0001/"
    document.refresh_from_db()
    assert document.last_reviewed_at >= before
    assert document.versions.count() == 1
    assert due_ids() == []
    record = document.history.order_by("-history_date", "-history_id").first()
    assert record.change_kind == ChangeKind.REVIEWED
    assert record.history_user == owner
    assert record.history_date >= before
    assert record.history_change_reason == "Confirmed accurate: Prices checked"
    history = client.get("/docs/PRC-0001/history/").content.decode()
    assert "Confirmed accurate" in history and "Prices checked" in history


def test_confirming_without_a_note(document, owner):
    services.review_confirm(document=document, actor=owner)
    record = document.history.order_by("-history_date", "-history_id").first()
    assert record.history_change_reason == "Confirmed accurate"


@pytest.mark.parametrize("role", ["sales_staff", "manager"])
def test_only_the_owner_confirms(client, document, request, role):
    reviewed = document.last_reviewed_at
    client.force_login(request.getfixturevalue(role))
    assert client.post("/docs/PRC-0001/confirm/").status_code == 403
    with pytest.raises(PermissionDenied):
        services.review_confirm(document=document, actor=request.getfixturevalue(role))
    document.refresh_from_db()
    assert document.last_reviewed_at == reviewed


def test_confirm_takes_post_only(client, document, owner):
    client.force_login(owner)
    assert client.get("/docs/PRC-0001/confirm/").status_code == 405


def test_a_retired_document_is_not_confirmed_nor_due(client, owner, manager, category):
    document = created_ago(120, owner=owner, manager=manager, category=category)
    services.document_retire(document=document, actor=manager, reason="Merged")
    assert due_ids() == []
    client.force_login(owner)
    assert client.post("/docs/PRC-0001/confirm/").status_code == 403
    client.force_login(manager)
    assert "PRC-0001" not in client.get("/reviews/").content.decode()
    page = client.get("/docs/PRC-0001/").content.decode()
    assert "review due" not in page


def test_readers_see_when_it_was_last_confirmed(
    client, owner, manager, category, sales_staff
):
    created_ago(120, owner=owner, manager=manager, category=category)
    make_document(owner=owner, manager=manager, category=category)
    client.force_login(sales_staff)
    stale = client.get("/docs/PRC-0001/").content.decode()
    fresh = client.get("/docs/PRC-0002/").content.decode()
    assert "Last confirmed accurate on" in stale and "&mdash; review due" in stale
    assert "Last confirmed accurate on" in fresh and "review due" not in fresh
    assert "Confirm still accurate" not in stale
    client.force_login(owner)
    assert "Confirm still accurate" in client.get("/docs/PRC-0001/").content.decode()


def test_the_stale_report_lists_the_longest_overdue_first(client, manager, category):
    first, second = make_user("first"), make_user("second")
    created_ago(100, owner=first, manager=manager, category=category)
    created_ago(200, owner=second, manager=manager, category=category)
    created_ago(150, owner=first, manager=manager, category=category)
    created_ago(10, owner=first, manager=manager, category=category)
    client.force_login(manager)
    response = client.get("/reviews/")
    assert response.status_code == 200
    listed = column(response, "reviews")
    assert listed == ["PRC-0002", "PRC-0003", "PRC-0001"]
    assert "Second" in response.content.decode()


@pytest.mark.parametrize("role", ["sales_staff", "owner"])
def test_the_stale_report_is_for_managers_only(client, document, request, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get("/reviews/").status_code == 403


def test_the_stale_report_paginates(client, owner, manager, category):
    with days_ago(100):
        for _ in range(51):
            make_document(owner=owner, manager=manager, category=category)
    client.force_login(manager)
    assert len(column(client.get("/reviews/"), "reviews")) == 50
    assert len(column(client.get("/reviews/?page=2"), "reviews")) == 1


def test_the_stale_report_costs_the_same_with_1_or_20_due(
    client, owner, manager, category
):
    client.force_login(manager)
    created_ago(100, owner=owner, manager=manager, category=category)
    one = count_queries(client, "/reviews/")
    with days_ago(100):
        for n in range(19):
            helper = make_user(f"helper-{n}")
            make_document(owner=helper, manager=manager, category=category)
    assert len(column(client.get("/reviews/"), "reviews")) == 20
    assert count_queries(client, "/reviews/") == one
