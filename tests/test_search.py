"""Full-text search: ranking, snippets, filters, sync with the services, odd input."""

import pytest

from docs_registry import services
from docs_registry.models import Audience
from docs_registry.search import search_rebuild

from .factories import make_category, make_document, make_user, publish
from .querycount import cold_and_warm, search_transaction

pytestmark = pytest.mark.django_db


def hits(client, query: str) -> list[str]:
    """The document IDs (or glossary terms) of the results page, in order."""
    response = client.get("/search/", {"q": query} if isinstance(query, str) else query)
    assert response.status_code == 200
    return [hit.doc_id or hit.url for hit in response.context["page"].object_list]


@pytest.fixture
def reader(client, sales_staff):
    client.force_login(sales_staff)
    return client


def test_title_match_ranks_above_body_match(reader, owner, manager, category):
    make_document(
        owner=owner, manager=manager, title="Onboarding", body="Mention escalation."
    )
    make_document(
        owner=owner, manager=manager, title="Escalation path", body="Who to call."
    )
    make_document(owner=owner, manager=manager, title="Unrelated", body="Nothing.")
    assert hits(reader, "escalation") == ["PRC-0002", "PRC-0001"]


def test_snippets_highlight_and_escape(reader, owner, manager, category):
    make_document(
        owner=owner,
        manager=manager,
        title="Widgets <b>bold</b>",
        body="Never paste <script>alert(1)</script> by the widget, Tom & Jerry say.",
    )
    response = reader.get("/search/", {"q": "widget"})
    html = response.content.decode()
    # Escaped on SQLite; PostgreSQL's ts_headline drops tag-like text altogether.
    assert "<script>" not in html
    assert "<b>bold" not in html
    assert "alert(1)" in html
    assert "Tom &amp; Jerry" in html
    assert "<mark>widget</mark>" in html
    assert "<mark>Widgets</mark>" in html


@pytest.mark.parametrize("typed", ["PRC-0001", "prc-0001", " Prc-0001 "])
def test_exact_document_id_goes_straight_to_it(reader, document, typed):
    response = reader.get("/search/", {"q": typed})
    assert response.status_code == 302
    assert response["Location"] == "/docs/PRC-0001/"


def test_unknown_id_is_searched(reader, document):
    assert hits(reader, "PRC-9999") == []


def test_filters_team_category_and_owner(reader, owner, manager, category):
    other_owner = make_user("other", in_support=True)
    policies = make_category(name="Policies", prefix="POL")
    for person, audience in ((owner, "sales"), (other_owner, "support")):
        make_document(
            owner=person,
            manager=manager,
            category=category,
            title=f"Refund {audience}",
            audience=audience,
        )
    make_document(
        owner=owner,
        manager=manager,
        category=policies,
        title="Refund both",
        audience=Audience.BOTH,
    )
    assert sorted(hits(reader, {"q": "refund", "audience": "sales"})) == [
        "POL-0001",
        "PRC-0001",
    ]
    assert hits(reader, {"q": "refund", "audience": "both"}) == ["POL-0001"]
    assert hits(reader, {"q": "refund", "category": policies.pk}) == ["POL-0001"]
    assert hits(reader, {"q": "refund", "owner": other_owner.pk}) == ["PRC-0002"]


def test_retired_only_when_asked(reader, document, manager):
    services.document_retire(document=document, actor=manager, reason="Old")
    assert hits(reader, "discount") == []
    assert hits(reader, {"q": "discount", "include_retired": "on"}) == ["PRC-0001"]
    page = reader.get("/search/", {"q": "discount", "include_retired": "on"})
    assert "Retired" in page.content.decode()


def test_publish_replaces_the_indexed_words(reader, document):
    publish(document, body="Rebates are handled by Finance.")
    assert hits(reader, "rebates") == ["PRC-0001"]
    assert hits(reader, "needs") == []  # only the old body said it


def test_title_change_is_found(reader, document, manager, category):
    services.document_update_details(
        document=document,
        actor=manager,
        title="Price exceptions",
        category=category,
        audience=document.audience,
        reason="Clearer",
    )
    assert hits(reader, "exceptions") == ["PRC-0001"]
    publish(document, body="x", title="Markdown rules")
    assert hits(reader, "markdown") == ["PRC-0001"]
    assert hits(reader, "exceptions") == []


def test_transfer_moves_the_owner_filter(reader, document, manager):
    new_owner = make_user("new-owner", in_sales=True)
    services.ownership_transfer(
        document=document, actor=manager, new_owner=new_owner, reason="Moved"
    )
    assert hits(reader, {"q": "discount", "owner": new_owner.pk}) == ["PRC-0001"]
    assert hits(reader, {"q": "discount", "owner": document.owner.pk}) == []


def test_glossary_terms_are_found(reader, manager, document):
    services.glossary_term_save(
        actor=manager,
        term=None,
        wording="Service credit",
        definition="Money off a future invoice.",
        audience="both",
        avoid="voucher",
        owner=None,
    )
    assert hits(reader, "voucher") == ["/glossary/#term-service-credit"]
    assert hits(reader, "invoice") == ["/glossary/#term-service-credit"]
    # A category or owner filter asks for documents only.
    assert hits(reader, {"q": "invoice", "owner": document.owner.pk}) == []


def test_prefix_of_the_last_word_matches(reader, document):
    assert hits(reader, "discount appro") == ["PRC-0001"]


def test_rebuild_indexes_everything(reader, document):
    search_rebuild()
    assert hits(reader, "discount") == ["PRC-0001"]


ODD = [
    '"', "'", "AND", "OR NOT", "NEAR(", "*", "^x", "a:b", "%", "_", "ü", "日本語",
    "-x", "x" * 300, "🙂 discount", "\\", "", "   ", "a OR b", '"unterminated',
    "title:discount", "NOT discount", "(", ")", "{x}", "'; DROP TABLE x; --",
]  # fmt: skip


@pytest.mark.parametrize("query", ODD)
def test_odd_input_never_errors(reader, document, query):
    response = reader.get("/search/", {"q": query})
    assert response.status_code == 200


def test_empty_query_shows_a_hint(reader, document):
    response = reader.get("/search/")
    assert response.status_code == 200
    assert "Type a few words" in response.content.decode()


def test_unicode_words_match(reader, owner, manager, category):
    make_document(owner=owner, manager=manager, title="Müller pricing", body="日本語")
    assert hits(reader, "müller") == ["PRC-0001"]
    assert hits(reader, "日本語") == ["PRC-0001"]


def test_pagination_twenty_a_page(reader, owner, manager, category):
    for n in range(23):
        make_document(owner=owner, manager=manager, title=f"Quota rule {n}")
    first = reader.get("/search/", {"q": "quota"}).context["page"]
    assert first.paginator.count == 23
    assert len(first.object_list) == 20
    second = reader.get("/search/", {"q": "quota", "page": 2}).context["page"]
    assert len(second.object_list) == 3


def test_results_page_costs_the_same_with_2_or_30_matches(
    reader, owner, manager, category
):
    for _ in range(2):
        make_document(owner=owner, manager=manager)
    url = "/search/?q=discount&audience=sales"
    with_two = cold_and_warm(reader, url)
    assert with_two == (8 + search_transaction(), 3)  # cold, warm
    for _ in range(28):
        make_document(owner=owner, manager=manager)
    assert cold_and_warm(reader, url) == with_two


def test_header_search_box_and_shortcut_script_on_every_page(reader):
    html = reader.get("/docs/").content.decode()
    assert 'action="/search/"' in html
    assert 'src="/static/js/search-shortcut.js" defer' in html


def test_a_search_takes_no_write_lock_on_sqlite(reader, document):
    """On SQLite a transaction begins IMMEDIATE (the write lock): searches run
    without one. PostgreSQL's turns off sequential scans for its own queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    reader.get("/docs/")  # renews the session (a save) first
    with CaptureQueriesContext(connection) as queries:
        assert reader.get("/search/?q=approval").status_code == 200
    sql = " ".join(query["sql"] for query in queries)
    if connection.vendor == "sqlite":
        assert "SAVEPOINT" not in sql and "BEGIN" not in sql
    else:
        assert "SET LOCAL enable_seqscan = off" in sql
