import csv
import io
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from docs_registry import services

from .factories import days_ago, make_category, make_document, make_user, publish
from .html import Element, main

pytestmark = pytest.mark.django_db


@pytest.fixture
def story(owner, manager, category):
    """PRC-0001: created, v2, transferred, retired. POL-0001: created, details."""
    policy = make_category(name="Policy", prefix="POL")
    pricing = make_document(
        owner=owner, manager=manager, category=category, audience="sales"
    )
    publish(pricing, body="v2", summary="Raised the limit")
    helper = make_user("support-lead", in_support=True)
    services.ownership_transfer(
        document=pricing, actor=manager, new_owner=helper, reason="On leave"
    )
    services.document_retire(document=pricing, actor=manager, reason="Merged")
    refunds = make_document(
        owner=owner,
        manager=manager,
        category=policy,
        title="Refunds",
        audience="support",
    )
    services.document_update_details(
        document=refunds,
        actor=manager,
        title="Refund policy",
        category=policy,
        audience="both",
        reason="Both teams",
    )
    return {"pricing": pricing, "refunds": refunds, "helper": helper, "policy": policy}


def change_rows(response) -> list[Element]:
    rows = main(response).one("table", cls="history").one("tbody").select("tr")
    return [row for row in rows if "colspan" not in row.select("td")[0].attrs]


def kind_of(row: Element) -> str:
    """changes.html marks each row with `entry-<kind>`."""
    [kind] = [c.removeprefix("entry-") for c in row.classes if c.startswith("entry-")]
    return kind


def kinds(client, query=""):
    response = client.get("/history/" + query)
    assert response.status_code == 200, response.content
    return [
        (row.select("td")[1].one("a").text, kind_of(row))
        for row in change_rows(response)
    ]


def test_everything_newest_first(client, story, manager):
    client.force_login(manager)
    assert kinds(client) == [
        ("POL-0001", "details"),
        ("POL-0001", "created"),
        ("PRC-0001", "retired"),
        ("PRC-0001", "transfer"),
        ("PRC-0001", "publish"),
        ("PRC-0001", "created"),
    ]
    html = client.get("/history/").content.decode()
    for text in (
        "On leave",
        "Merged",
        "Raised the limit",
        "Both teams",
        "Published v2",
        "Sales Lead",
        "Support Lead",
        "Ownership transfer",
    ):
        assert text in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?document=prc-0001", ["retired", "transfer", "publish", "created"]),
        ("?kind=publish", ["publish"]),
        ("?kind=transfer", ["transfer"]),
        ("?kind=retired", ["retired"]),
        ("?kind=details", ["details"]),
        ("?kind=created", ["created", "created"]),
        ("?audience=both", ["details", "created"]),
    ],
)
def test_filters(client, story, manager, query, expected):
    client.force_login(manager)
    assert [kind for _, kind in kinds(client, query)] == expected


def test_filter_by_who_owner_and_category(client, story, manager, owner):
    client.force_login(manager)
    assert [k for _, k in kinds(client, f"?who={owner.pk}")] == ["publish"]
    helper = story["helper"]
    assert {d for d, _ in kinds(client, f"?owner={helper.pk}")} == {"PRC-0001"}
    assert {d for d, _ in kinds(client, f"?category={story['policy'].pk}")} == {
        "POL-0001"
    }


def test_filter_by_date_range(client, owner, manager, category):
    with days_ago(20):
        make_document(owner=owner, manager=manager, category=category, title="Old")
    make_document(owner=owner, manager=manager, category=category, title="New")
    client.force_login(manager)
    old = (timezone.localdate() - timedelta(days=25)).isoformat()
    mid = (timezone.localdate() - timedelta(days=10)).isoformat()
    assert kinds(client, f"?since={old}&until={mid}") == [("PRC-0001", "created")]
    assert kinds(client, f"?since={mid}") == [("PRC-0002", "created")]


def test_field_changes_are_shown(client, story, manager):
    client.force_login(manager)
    first = change_rows(client.get("/history/?kind=details"))[0]
    assert [li.text for li in first.one("ul", cls="changes").select("li")] == [
        "title: Refunds → Refund policy",
        "audience: Support → Sales and Support",
    ]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?since=2999-01-01", "That date is in the future."),
        ("?since=soon", "Give the date as YYYY-MM-DD."),
        (
            "?since=2026-02-01&until=2026-01-01",
            "The end date is before the start date.",
        ),
        ("?document=XYZ-0404", "No document has the ID XYZ-0404."),
        ("?kind=explosion", "Select a valid choice."),
    ],
)
def test_bad_filters_get_a_message(client, story, manager, query, message):
    client.force_login(manager)
    response = client.get("/history/" + query)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_csv_export_uses_the_same_filters(client, story, manager):
    client.force_login(manager)
    response = client.get("/history/?document=PRC-0001&format=csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["when", "kind", "document"]
    assert [row[1] for row in rows[1:]] == [
        "Retired",
        "Ownership transfer",
        "Publish",
        "Created",
    ]
    assert rows[2][-1] == "owner: Sales Lead -> Support Lead"


def test_history_is_for_managers_only(client, story, owner, sales_staff):
    for user in (owner, sales_staff):
        client.force_login(user)
        assert client.get("/history/").status_code == 403
        assert client.get("/history/?format=csv").status_code == 403


@pytest.mark.slow
def test_history_pages_100_at_a_time(client, owner, manager, category):
    document = make_document(owner=owner, manager=manager, category=category)
    for n in range(2, 103):
        publish(document, body=f"v{n}")
    client.force_login(manager)
    assert len(change_rows(client.get("/history/"))) == 100
    assert len(change_rows(client.get("/history/?page=2"))) == 2


def test_the_history_is_kept_until_the_next_write(client, story, manager):
    """Worked out once after each write and read again from what was kept; the
    next write shows on the very next read, under each filter."""
    from .querycount import cold_and_warm

    client.force_login(manager)
    # Warm: the session, the user and the revision, with the filters' people
    # and categories; cold, also the changes counted, the page's publishes and
    # metadata changes (read apart), their documents, people and history records.
    assert cold_and_warm(client, "/history/") == (12, 6)
    assert kinds(client, "?document=pol-0001")[0] == ("POL-0001", "details")
    publish(story["refunds"], body="Refunds within 30 days.", summary="30 days")
    assert kinds(client, "?document=pol-0001")[0] == ("POL-0001", "publish")
    assert kinds(client)[0] == ("POL-0001", "publish")


def _edit_details(document, manager, n):
    services.document_update_details(
        document=document,
        actor=manager,
        title=f"Discount rules {n}",
        category=document.category,
        audience=document.audience,
        reason=f"Renamed {n}",
    )


def test_a_window_is_merged_from_both_halves_read_only_as_far_as_it_ends(
    owner, manager, category
):
    """Publishes and metadata changes are read each in its date order and merged:
    any window holds what sorting every change would give, and reading the first
    rows costs SQLite the same steps with eight times as many versions."""
    from django.db import connection

    from docs_registry.selectors.changes import ChangeFilters, change_rows

    from .steps import SQLiteSteps

    document = make_document(owner=owner, manager=manager, category=category)
    moment = timezone.now()

    def write(count):
        nonlocal moment
        for n in range(count):
            moment += timedelta(minutes=1)
            with time_machine.travel(moment, tick=False):
                if n % 3:
                    publish(document, body=f"Body {moment}")
                else:
                    _edit_details(document, manager, n)

    def first_rows_steps():
        rows = change_rows(ChangeFilters())
        with SQLiteSteps(connection) as counted:
            assert len(rows[0:3]) == 3
        return counted.count

    write(12)  # more than three rows in each half already
    few = first_rows_steps() if connection.vendor == "sqlite" else None
    write(84)
    rows = change_rows(ChangeFilters())
    every = sorted(
        (row for half in rows.halves for row in half),
        key=lambda row: (row["when"], row["ref"]),
        reverse=True,
    )
    assert len(rows) == len(every) == 96 + 1  # and the creation
    for start in range(0, 97, 7):
        assert rows[start : start + 7] == every[start : start + 7]
    assert list(rows.iterator(chunk_size=4)) == every
    if few is not None:
        assert first_rows_steps() == few
