import re
from datetime import timedelta

import pytest
from django.utils import timezone

from docs_registry import services

from .factories import days_ago, make_category, make_document, publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def documents(owner, manager, category):
    """One document per audience, each at v2 with a major change."""
    made = {}
    for audience in ("sales", "support", "both"):
        document = make_document(
            owner=owner,
            manager=manager,
            category=category,
            title=f"For {audience}",
            audience=audience,
            body=f"Rules for {audience}: 10 days.",
        )
        publish(
            document,
            body=f"Rules for {audience}: 14 days.",
            summary=f"Extended the {audience} window to 14 days.",
        )
        made[audience] = document
    return made


def digest_ids(client):
    response = client.get("/digest/")
    assert response.status_code == 200
    return [entry.document.doc_id for entry in response.context["entries"]]


def test_each_person_sees_the_changes_for_their_teams(
    client, documents, sales_staff, support_staff
):
    client.force_login(sales_staff)
    assert sorted(digest_ids(client)) == ["PRC-0001", "PRC-0003"]
    client.force_login(support_staff)
    assert sorted(digest_ids(client)) == ["PRC-0002", "PRC-0003"]


def test_both_teams_read_the_same_words(client, documents, sales_staff, support_staff):
    def entry_html(user):
        client.force_login(user)
        html = client.get("/digest/").content.decode()
        match = re.search(
            r'<article class="digest-entry" id="PRC-0003">.*?</article>', html, re.S
        )
        # Only the form plumbing differs (CSRF token); the words must not.
        return re.sub(r"<form.*?</form>", "", match.group(0), flags=re.S)

    assert entry_html(sales_staff) == entry_html(support_staff)
    assert "Extended the both window to 14 days." in entry_html(sales_staff)


def test_the_digest_shows_versions_since_the_last_acknowledgment(
    client, documents, sales_staff
):
    document = documents["sales"]
    services.acknowledgment_record(user=sales_staff, document=document, number=1)
    publish(document, body="Rules for sales: 21 days.", summary="Now 21 days.")
    client.force_login(sales_staff)
    entry = next(
        e
        for e in client.get("/digest/").context["entries"]
        if e.document.doc_id == "PRC-0001"
    )
    assert [v.number for v in entry.versions] == [3, 2]
    assert entry.baseline == 1
    assert "<del>10</del><ins>21</ins>" in entry.diff


def test_acknowledged_documents_leave_the_digest(client, documents, sales_staff):
    client.force_login(sales_staff)
    response = client.post(
        "/digest/acknowledge/",
        {"shown": ["PRC-0001:v2", "PRC-0003:v2"]},
        follow=True,
    )
    assert "Recorded 2 acknowledgments." in response.content.decode()
    assert digest_ids(client) == []
    assert "Nothing waits for you" in client.get("/digest/").content.decode()


def test_minor_changes_are_shown_once_and_need_no_acknowledgment(
    client, documents, sales_staff
):
    client.force_login(sales_staff)
    client.post("/digest/acknowledge/", {"shown": ["PRC-0001:v2", "PRC-0003:v2"]})
    publish(
        documents["sales"],
        body="Rules for sales: 14 days!",
        summary="Typo",
        significance="minor",
    )
    first = client.get("/digest/").context["entries"]
    assert [e.document.doc_id for e in first] == ["PRC-0001"]
    assert not first[0].needs_acknowledgment
    assert digest_ids(client) == []  # seen now


def test_home_and_navigation_count_what_waits(client, documents, sales_staff):
    client.force_login(sales_staff)
    html = client.get("/").content.decode()
    assert "4 changes wait for you" in html  # v1 and v2 of two documents
    assert 'title="changes waiting for you">4<' in html


def test_retired_documents_leave_the_digest(client, documents, sales_staff, manager):
    services.document_retire(document=documents["sales"], actor=manager, reason="Old")
    client.force_login(sales_staff)
    assert digest_ids(client) == ["PRC-0003"]


def test_digest_paginates(client, owner, manager, category, sales_staff):
    for n in range(12):
        make_document(owner=owner, manager=manager, category=category, title=f"D{n}")
    client.force_login(sales_staff)
    assert len(digest_ids(client)) == 10
    assert len(client.get("/digest/?page=2").context["entries"]) == 2


# Team digest -----------------------------------------------------------------------


def test_team_digest_for_a_period(client, owner, manager, category):
    with days_ago(40):  # outside the period
        make_document(
            owner=owner,
            manager=manager,
            category=category,
            title="Old support rules",
            audience="support",
        )
    make_document(owner=owner, manager=manager, category=category, audience="sales")
    make_document(owner=owner, manager=manager, category=category, audience="both")
    since = (timezone.localdate() - timedelta(days=7)).isoformat()
    client.force_login(manager)
    response = client.get(f"/digest/?team=support&since={since}")
    assert response.status_code == 200
    assert [e.document.doc_id for e in response.context["entries"]] == ["PRC-0003"]
    sales = client.get(f"/digest/?team=sales&since={since}")
    assert sorted(e.document.doc_id for e in sales.context["entries"]) == [
        "PRC-0002",
        "PRC-0003",
    ]
    assert "Sales, last 7 days" in sales.content.decode()


def test_team_digest_baseline_is_the_version_before_the_period(
    client, owner, manager, category
):
    with days_ago(10):
        document = make_document(owner=owner, manager=manager, category=category)
    publish(document, body="Up to 15%.", summary="Raised to 15%.")
    since = (timezone.localdate() - timedelta(days=7)).isoformat()
    client.force_login(manager)
    [entry] = client.get(f"/digest/?team=sales&since={since}").context["entries"]
    assert entry.baseline == 1 and [v.number for v in entry.versions] == [2]
    assert "<ins>15%.</ins>" in entry.diff


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("team=marketing&since=2026-01-01", "Unknown team"),
        ("team=sales&since=yesterday", "Give the date as YYYY-MM-DD."),
        ("team=sales&since=2999-01-01", "That date is in the future."),
        ("team=sales", "This field is required."),
    ],
)
def test_team_digest_bad_input(client, documents, manager, query, message):
    client.force_login(manager)
    response = client.get(f"/digest/?{query}")
    assert response.status_code == 400
    assert message in response.content.decode()


def test_acknowledge_all_with_an_unknown_document(client, documents, sales_staff):
    client.force_login(sales_staff)
    response = client.post(
        "/digest/acknowledge/", {"shown": ["PRC-0001:v2", "NOPE-0001:v1"]}, follow=True
    )
    assert "do not exist; nothing was recorded" in response.content.decode()


def test_the_same_change_for_two_categories(client, owner, manager, sales_staff):
    policy = make_category(name="Policy", prefix="POL")
    make_document(owner=owner, manager=manager, category=policy, audience="sales")
    client.force_login(sales_staff)
    assert digest_ids(client) == ["POL-0001"]


def test_the_waiting_count_is_cached_and_never_stale(documents, sales_staff, manager):
    """Cached under a key of everything the count depends on: each kind of change
    below must show at once, and an unchanged state costs one query."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from docs_registry.caching import revision_number
    from docs_registry.selectors.digest import pending_count, waiting_count

    def counted():
        return waiting_count(sales_staff, revision_number())

    def check():
        assert counted() == pending_count(sales_staff)
        return counted()

    assert check() == 4
    with CaptureQueriesContext(connection) as queries:
        counted()
    assert len(queries) == 1  # the revision; the count comes from the cache

    publish(documents["sales"], body="Rules for sales: 21 days.")
    assert check() == 5
    services.acknowledgment_record(
        user=sales_staff, document=documents["sales"], number=3
    )
    assert check() == 2
    services.document_retire(document=documents["both"], actor=manager, reason="Old")
    assert check() == 0
    publish(documents["sales"], body="Rules for sales: 22 days.", significance="minor")
    assert check() == 1
    services.digest_mark_seen(user=sales_staff, at=timezone.now())
    assert check() == 0
    sales_staff.in_support = True
    sales_staff.save()
    assert check() == 2  # the support document's v1 and v2
