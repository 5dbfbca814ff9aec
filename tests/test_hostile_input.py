"""Every form and endpoint with missing fields, wrong types, huge values and wrong
methods: a 4xx with a message, never a server error, nothing partly written."""

import pytest
from django.contrib.auth import get_user_model

from docs_registry.models import Acknowledgment, Document, Draft, Version

pytestmark = pytest.mark.django_db

HUGE = "x" * 300_000
GARBAGE = [
    {},
    {"title": HUGE, "body": HUGE, "summary": HUGE, "reason": HUGE},
    {"owner": "abc", "category": "x", "audience": "nobody", "new_owner": "-1"},
    {"base_number": "x", "number": "1e99", "significance": ["a", "b"]},
    {"base_number": "99999999999999999999999", "number": "-1", "page": "0"},
    {
        "title": "\x00",
        "body": "\x00" * 10,
        "summary": "\u202e\ufeff",
        "action": "publish",
    },
    {"action": "explode", "shown": ["PRC-0001:vx", ":v1", "PRC-0001"]},
]

POSTS = [
    ("owner", "/docs/PRC-0001/edit/"),
    ("manager", "/docs/new/"),
    ("manager", "/docs/PRC-0001/transfer/"),
    ("manager", "/docs/PRC-0001/retire/"),
    ("manager", "/docs/PRC-0001/details/"),
    ("staff", "/docs/PRC-0001/acknowledge/"),
    ("staff", "/digest/acknowledge/"),
]

GETS = [
    ("staff", "/docs/"),
    ("staff", "/digest/"),
    ("staff", "/docs/PRC-0001/compare/"),
    ("staff", "/docs/PRC-0001/history/"),
    ("manager", "/coverage/"),
    ("manager", "/history/"),
]

QUERIES = [
    "?page=999999999999999999999",
    "?page=-1&sort=%00",
    "?q=" + "%25_" * 2000,
    "?from=1e9&to=-5",
    "?team=%00&since=9999-99-99",
    "?since=2026-13-45&until=x&kind=%27;drop%20table",
    "?owner=abc&category=%F0%9F%98%80&audience=[]&who=1.5&document=%00",
    "?format=csv&category=-1",
]


def state():
    return (
        Document.objects.count(),
        Version.objects.count(),
        Draft.objects.count(),
        Acknowledgment.objects.count(),
        Document.history.count(),
        get_user_model().objects.count(),
    )


@pytest.fixture
def people(document, owner, manager, sales_staff):
    return {"owner": owner, "manager": manager, "staff": sales_staff}


@pytest.mark.parametrize("payload", GARBAGE, ids=range(len(GARBAGE)))
@pytest.mark.parametrize(("role", "url"), POSTS)
def test_garbage_posts_are_refused_cleanly(client, people, role, url, payload):
    client.force_login(people[role])
    before = state()
    response = client.post(url, payload)
    assert response.status_code < 500
    if response.status_code >= 400 or response.status_code == 200:
        assert state() == before  # refused: nothing written


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize(("role", "url"), GETS)
def test_odd_queries_never_break_a_page(client, people, role, url, query):
    client.force_login(people[role])
    response = client.get(url + query)
    assert response.status_code in (200, 400, 404)
    if response.streaming:
        b"".join(response.streaming_content)


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
@pytest.mark.parametrize(("role", "url"), POSTS + GETS)
def test_wrong_methods_are_refused(client, people, role, url, method):
    client.force_login(people[role])
    before = state()
    response = getattr(client, method)(url)
    assert 400 <= response.status_code < 500
    assert state() == before
