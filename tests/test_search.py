"""Full-text search: ranking, snippets, filters, sync with the services, odd input."""

import re

import pytest
from django.db import connection
from hypothesis import example, given
from hypothesis import strategies as st

from docs_registry import services
from docs_registry.models import Audience, Document
from docs_registry.search import (
    LEAD_LENGTH,
    TABLE,
    lead,
    search_index_document,
    search_rebuild,
)

from .factories import make_category, make_document, make_user, publish
from .querycount import cold_and_warm, postgresql_search_difference, sql_of

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
    assert "<script>" not in html
    assert "<b>bold" not in html
    assert "alert(1)" in html
    # A title's tag-like text is text: shown as typed, escaped, on both databases.
    assert "<mark>Widgets</mark> &lt;b&gt;bold&lt;/b&gt;" in html
    assert "Tom &amp; Jerry" in html
    assert "<mark>widget</mark>" in html
    assert "<mark>Widgets</mark>" in html


def snippets(client, query: str) -> list[str]:
    """The snippets of the served results page, as HTML."""
    html = client.get("/search/", {"q": query}).content.decode()
    return re.findall(r'<p class="search-snippet">(.*?)</p>', html, re.S)


MARKDOWN_BODY = """# Escalation overview

Call the **duty manager** first; see [the rota](/docs/PRC-0009/) and `the pager`.

| Region | Escalation contact |
|---|---|
| North | Ann |

- Escalation within *one hour*
"""
MARKDOWN_SYNTAX = ["# ", "**", "](", "|---|", "| ", "`", "- Escalation", "*one"]


@pytest.mark.parametrize("indexed_by", ["publish", "rebuild"])
def test_snippets_are_plain_text_of_the_rendered_body(
    reader, owner, manager, category, indexed_by
):
    make_document(owner=owner, manager=manager, title="Who", body=MARKDOWN_BODY)
    if indexed_by == "rebuild":
        search_rebuild()
    [snippet] = snippets(reader, "escalation")
    assert "<mark>Escalation</mark>" in snippet
    for syntax in MARKDOWN_SYNTAX:
        assert syntax not in snippet, syntax
    [snippet] = snippets(reader, "rota")
    assert "see the <mark>rota</mark> and the pager" in snippet
    assert "/docs/PRC-0009/" not in snippet
    [snippet] = snippets(reader, "duty")
    assert "Call the <mark>duty</mark> manager first" in snippet


def test_blocks_and_cells_do_not_run_together(reader, owner, manager, category):
    make_document(
        owner=owner,
        manager=manager,
        title="Table",
        # HTML written in the Markdown is kept as typed, with no line breaks.
        body="Onboarding<br>steps\n\n<table><tr><td>Left</td><td>right</td></tr></table>",
    )
    assert hits(reader, "steps") == ["PRC-0001"]
    assert hits(reader, "right") == ["PRC-0001"]
    assert hits(reader, "onboardingsteps") == []
    assert hits(reader, "leftright") == []


def test_character_references_are_indexed_as_the_characters(
    reader, owner, manager, category
):
    make_document(
        owner=owner, manager=manager, title="Ampersand", body="Terms &amp; conditions"
    )
    [snippet] = snippets(reader, "conditions")
    assert "Terms &amp; <mark>conditions</mark>" in snippet
    assert "amp;amp" not in snippet


def indexed_text() -> list[tuple]:
    key = "rowid" if connection.vendor == "sqlite" else "id"
    with connection.cursor() as cursor:
        # Constant names only.
        sql = f"SELECT {key}, doc_id, title, body FROM {TABLE} ORDER BY 1"  # noqa: S608
        cursor.execute(sql)
        return cursor.fetchall()


def test_publish_and_rebuild_index_the_same_text(reader, owner, manager, category):
    for n in range(3):
        document = make_document(
            owner=owner, manager=manager, title=f"Doc {n}", body=MARKDOWN_BODY
        )
    publish(document, body=MARKDOWN_BODY + "\n\nOne more **line**.")
    by_services = indexed_text()
    search_rebuild()
    assert indexed_text() == by_services
    search_index_document(Document.objects.get(doc_id="PRC-0002"))
    assert indexed_text() == by_services
    assert "One more line." in by_services[-1][3]


def test_rebuild_reads_documents_in_batches(owner, manager, category, monkeypatch):
    monkeypatch.setattr("docs_registry.search.REBUILD_BATCH", 2)
    for n in range(5):
        make_document(owner=owner, manager=manager, title=f"Doc {n}")
    search_rebuild()
    assert [row[1] for row in indexed_text()] == [f"PRC-000{n}" for n in range(1, 6)]


@pytest.mark.parametrize("typed", ["PRC-0001", "prc-0001", " Prc-0001 "])
def test_exact_document_id_goes_straight_to_it(reader, document, typed):
    response = reader.get("/search/", {"q": typed})
    assert response.status_code == 302
    assert response["Location"] == "/docs/PRC-0001/"


def test_a_retired_document_id_still_opens_it(reader, document, manager):
    services.document_retire(document=document, actor=manager, reason="Old")
    assert reader.get("/search/", {"q": "PRC-0001"})["Location"] == "/docs/PRC-0001/"
    cited = reader.get("/search/", {"q": "PRC-0001 v1"})
    assert cited["Location"] == "/docs/PRC-0001/v1/"


@pytest.fixture
def three_versions(owner, manager, category):
    make_document(owner=owner, manager=manager, title="First")
    document = make_document(owner=owner, manager=manager, title="Second")
    publish(document, body="Second version.")
    publish(document, body="Third version.")
    return document


@pytest.mark.parametrize(
    "typed",
    ["PRC-0002 v3", "PRC-0002v3", "prc-0002 v3", "PRC-0002 V3", " Prc-0002   v3 "],
)
def test_a_citation_opens_that_version(reader, three_versions, typed):
    response = reader.get("/search/", {"q": typed})
    assert response.status_code == 302
    assert response["Location"] == "/docs/PRC-0002/v3/"
    assert reader.get("/search/", {"q": "PRC-0002 v1"})["Location"] == (
        "/docs/PRC-0002/v1/"
    )


@pytest.mark.parametrize("number", ["7", "0", "9223372036854775808", "9" * 150])
def test_a_version_that_does_not_exist_is_named(reader, three_versions, number):
    response = reader.get("/search/", {"q": f"PRC-0002 v{number}"})
    assert response.status_code == 200
    html = response.content.decode()
    assert (
        f'<a href="/docs/PRC-0002/">PRC-0002</a> has no version {number}; '
        "its newest is v3."
    ) in html


def test_a_missing_document_id_is_named_above_the_results(
    reader, owner, manager, category
):
    make_document(
        owner=owner, manager=manager, title="Replaces", body="Replaces PRC-0007 fully."
    )
    response = reader.get("/search/", {"q": "PRC-0007"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "No document PRC-0007." in html
    # The text is still searched: the document that mentions the ID is listed.
    assert html.index("No document PRC-0007.") < html.index('class="search-hit')
    assert hits(reader, "PRC-0007") == ["PRC-0001"]
    cited = reader.get("/search/", {"q": "prc-0007 v2"}).content.decode()
    assert "No document PRC-0007." in cited


def test_text_that_only_contains_an_id_is_searched(reader, document):
    response = reader.get("/search/", {"q": "PRC-0001 discount"})
    assert response.status_code == 200
    assert "No document" not in response.content.decode()
    assert hits(reader, "PRC-0001 discount") == ["PRC-0001"]


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


BIG = "9223372036854775808"  # one more than the largest 64-bit integer
ODD_PARAMS = [
    {"page": BIG}, {"page": "-" + BIG}, {"page": "\x00"}, {"page": "1e999"},
    {"category": BIG}, {"category": "-" + BIG}, {"category": "\x00"},
    {"category": "1e999"}, {"category": "x"}, {"owner": BIG}, {"owner": "\x00"},
    {"audience": "\x00"}, {"audience": "x" * 10_000},
    {"audience": "<script>alert(1)</script>"},
]  # fmt: skip


@pytest.mark.parametrize("params", ODD_PARAMS)
def test_odd_parameters_never_error(reader, document, params):
    response = reader.get("/search/", {"q": "discount", **params})
    assert response.status_code == 200
    html = response.content.decode()
    if "page" in params:  # any page number reads as the nearest page
        assert "1 result for &ldquo;discount&rdquo;" in html
    else:  # a filter that cannot be read is named, not guessed at
        assert "Nothing was searched: " in html
        assert "Correct or clear it and search again." in html
        assert "result" not in html
        assert "<script>alert" not in html


@pytest.mark.parametrize(
    ("query_string", "message"),
    [
        ("q=disc%00ount", "Null characters are not allowed."),
        ("q=" + "x" * 10_000, "at most 200 characters (it has 10000)"),
        # a lone surrogate
        ("q=%ED%A0%80", "0 results for &ldquo;\ufffd\ufffd\ufffd&rdquo;"),
        ("q=%F0%9F", "0 results for &ldquo;\ufffd&rdquo;"),  # a cut UTF-8 sequence
        ("q=%FF%FE&category=%FF", "Nothing was searched: Category &mdash; Select"),
    ],
)
def test_odd_words_never_error(reader, document, query_string, message):
    response = reader.get("/search/?" + query_string)
    assert response.status_code == 200
    assert message in response.content.decode()


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


@pytest.fixture
def quota_rules(owner, manager, category):
    for n in range(23):
        make_document(owner=owner, manager=manager, title=f"Quota rule {n}")


@pytest.mark.parametrize("database_counts", ["apart", "as it ranks"])
def test_a_broad_search_counts_its_hits_only_so_far(
    reader, quota_rules, monkeypatch, database_counts
):
    """Past COUNTED_UP_TO hits the page says "more than" and pages that far: the
    database stops counting one hit past it, whatever a search finds."""
    from docs_registry import search

    monkeypatch.setattr(search, "COUNTED_UP_TO", 20)
    results = search.SearchResults("quota", search.Filters())
    if database_counts == "as it ranks":
        results.expect(1, 20)  # PostgreSQL counts with the page; SQLite apart
    counted = (results.count(), results.counted, results.more_than_counted)
    assert counted == (20, 21, True)
    html = reader.get("/search/", {"q": "quota"}).content.decode()
    assert "More than 20 results for &ldquo;quota&rdquo;: another word" in html
    assert len(_HIT_ID.findall(html)) == 20 and 'rel="next"' not in html
    # The API's count is exact.
    api = search.SearchResults("quota", search.Filters(), every_hit_counted=True)
    assert (api.count(), api.more_than_counted) == (23, False)


def test_a_search_under_the_limit_says_how_many_it_found(
    reader, quota_rules, monkeypatch
):
    from docs_registry import search

    monkeypatch.setattr(search, "COUNTED_UP_TO", 23)
    html = reader.get("/search/", {"q": "quota"}).content.decode()
    assert "23 results for &ldquo;quota&rdquo;</p>" in html and "More than" not in html
    assert 'rel="next"' in html


def test_results_page_costs_the_same_with_2_or_30_matches(
    reader, owner, manager, category
):
    for _ in range(2):
        make_document(owner=owner, manager=manager)
    url = "/search/?q=discount&audience=sales"
    with_two = cold_and_warm(reader, url)
    # cold (the customer exceptions the words find included, the filters'
    # categories and owners in one query), warm
    assert with_two == (7 + postgresql_search_difference(), 3)
    for _ in range(28):
        make_document(owner=owner, manager=manager)
    assert cold_and_warm(reader, url) == with_two


def test_on_postgresql_the_page_asked_for_counts_its_hits(
    reader, owner, manager, category
):
    """One ranked query gives the page and the number of hits: no count of its
    own, even when the page asked for holds no hit."""
    if connection.vendor != "postgresql":
        pytest.skip(
            "PostgreSQL counts as it ranks; SQLite's bm25 refuses count(*) OVER"
        )
    from django.test.utils import CaptureQueriesContext

    for n in range(23):
        make_document(owner=owner, manager=manager, title=f"Quota rule {n}")

    def read(params: dict) -> tuple[str, int]:
        with CaptureQueriesContext(connection) as queries:
            html = reader.get("/search/", params).content.decode()
        return html, sum(TABLE in sql_of(query) for query in queries)

    # Page 1, the last page (Paginator asks for [20:23]), then one past the end
    # (the guess, which counts, and the last page it gives).
    for page, shown, searches in ((1, 20, 1), (2, 3, 1), (9, 3, 2)):
        html, searched = read({"q": "quota", "page": page})
        assert "23 results" in html and len(_HIT_ID.findall(html)) == shown
        assert searched == searches


def test_on_postgresql_the_words_to_mark_are_matched_with_one_parsed_query(
    owner, manager, category, monkeypatch
):
    """The ranked statement finds the words of each hit to mark with a query
    parsed once for the statement: written in the lateral's condition, it was
    parsed again for every word found (80 a page of twenty)."""
    if connection.vendor != "postgresql":
        pytest.skip("reads PostgreSQL's query plan")
    from docs_registry import search
    from docs_registry.prepared import _execute_sql, _server_statement

    for n in range(3):
        make_document(
            owner=owner, manager=manager, title=f"Refund policy {n}", body="Refunds."
        )
    statements = []

    def capture(connection, sql, params, **kwargs):
        statements.append((sql, params))
        return fetch_all(connection, sql, params, **kwargs)

    fetch_all = search.fetch_all
    monkeypatch.setattr(search, "fetch_all", capture)
    results = search.SearchResults("refund policy", search.Filters())
    results.expect(1, 20)
    results.count()
    ((sql, params),) = statements
    # As it runs: prepared, its plan generic (values unknown when planned).
    name = _server_statement(connection, sql, params)
    explain = "EXPLAIN (ANALYZE, VERBOSE, FORMAT JSON) "
    with connection.cursor() as cursor:
        cursor.execute(
            f"SET LOCAL enable_seqscan = off; {explain}"
            + _execute_sql(name, len(params)),
            params,
        )
        (((plan,),),) = cursor.fetchall()

    def nodes(node):
        yield node
        for child in node.get("Plans", ()):
            yield from nodes(child)

    marking = [
        node
        for node in nodes(plan["Plan"])
        if node.get("Function Name") == "regexp_matches"
    ]
    assert len(marking) == 1 and marking[0]["Actual Loops"] == 3
    assert "to_tsquery" not in marking[0]["Filter"], marking[0]["Filter"]


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


# --- Ranking on the lead of the body ---------------------------------------------


@given(
    st.text(
        alphabet=st.sampled_from("ab e\u0301_-\n日1"),
        min_size=LEAD_LENGTH - 20,
        max_size=LEAD_LENGTH + 20,
    )
)
@example(body="1" * (LEAD_LENGTH + 20))  # no space within reach: no lead
def test_a_lead_is_cut_at_the_last_space_it_can_hold(body):
    """Cut at a space, never through a word (a combining accent is part of its
    word to FTS5): the lead's words are the body's first."""
    cut = lead(body)
    assert body.startswith(cut) and len(cut) <= LEAD_LENGTH
    if cut != body:
        # Empty when no space is within reach.
        assert cut == "" or body[len(cut)].isspace()
        assert not any(c.isspace() for c in body[len(cut) + 1 : LEAD_LENGTH + 1])


def test_no_word_is_made_up_where_the_lead_is_cut(reader, owner, manager, category):
    """An accent right after the lead's length: the word it ends is found whole,
    and its first letters are no word of the document."""
    # A q with an accent (no letter of its own, kept apart by NFC) at 599, FTS5's
    # word `caqs` running past the lead's length.
    body = "w " * 298 + "caq\u0301s au lait"
    make_document(owner=owner, manager=manager, title="Menu", body=body)
    assert served_hits(reader, {"q": "caqs"}) == ["PRC-0001"]
    # "caq" whole (not the last word, so no prefix): the document holds none.
    assert served_hits(reader, {"q": "caq w"}) == []


_HIT_ID = re.compile(
    r'<p class="search-hit-title">\s*<a class="doc-id" href="[^"]*">([A-Z]+-[0-9]+)</a>'
)


def served_hits(client, params: dict) -> list[str]:
    """The document IDs of a results page, in order, read off the served HTML."""
    response = client.get("/search/", params)
    assert response.status_code == 200
    return _HIT_ID.findall(response.content.decode())


def _filler(words: int) -> str:
    return " ".join(f"filler{n}" for n in range(words))


def test_a_ranked_hit_is_excerpted_from_its_lead_and_a_deeper_one_where_it_is(
    reader, owner, manager, category
):
    # The words are in the title: the excerpt is the document's opening, not the
    # far end of its body (which would cost reading the whole of it).
    make_document(
        owner=owner,
        manager=manager,
        title="Warranty terms",
        body="Opening words. " + _filler(150) + " warranty closing",
    )
    make_document(
        owner=owner, manager=manager, title="Other", body=_filler(150) + " warranty"
    )
    ranked, deeper = snippets(reader, "warranty")
    assert "Opening words" in ranked and "closing" not in ranked
    assert "<mark>warranty</mark>" in deeper and "filler0 " not in deeper


def test_a_word_in_the_lead_ranks_above_the_same_word_only_deeper(
    reader, owner, manager, category
):
    """Ranking reads the ID, the title and the lead: a body that repeats the word
    far down ranks after one that says it once near the top, and hits found
    only deeper come in the order they were made."""
    deep = _filler(120) + " warranty" * 30  # 120 words of filler: past the lead
    make_document(owner=owner, manager=manager, title="First", body=deep)
    make_document(owner=owner, manager=manager, title="Second", body="warranty")
    make_document(owner=owner, manager=manager, title="Third", body=deep)
    assert served_hits(reader, {"q": "warranty"}) == [
        "PRC-0002",
        "PRC-0001",
        "PRC-0003",
    ]


@pytest.mark.parametrize("in_lead, deeper", [(15, 10), (20, 25), (25, 10)])
def test_pages_run_on_from_the_ranked_hits_into_the_deeper_ones(
    reader, owner, manager, category, in_lead, deeper
):
    """Every hit is listed exactly once, the ranked ones first, whichever page
    the boundary falls on (within a page, at its end, or pages before)."""
    for n in range(max(in_lead, deeper)):  # made in turn: keys interleave
        if n < in_lead:
            make_document(owner=owner, manager=manager, title="Lead", body="Tariff.")
        if n < deeper:
            body = _filler(120) + " tariff."
            make_document(owner=owner, manager=manager, title="Deep", body=body)
    total = in_lead + deeper
    numbers = range(1, (total + 19) // 20 + 1)
    pages = [served_hits(reader, {"q": "tariff", "page": page}) for page in numbers]
    assert [len(page) for page in pages] == [
        min(20, total - 20 * (number - 1)) for number in numbers
    ]
    listed = [doc_id for page in pages for doc_id in page]
    titles = dict(Document.objects.values_list("doc_id", "title"))
    assert sorted(listed) == sorted(titles)
    assert {titles[doc_id] for doc_id in listed[:in_lead]} == {"Lead"}
    assert listed[in_lead:] == sorted(
        doc_id for doc_id, title in titles.items() if title == "Deep"
    )


# The hits as the template wrote them before `search_hits` (listing.py).
_HITS_TEMPLATE = """{% for hit in page %}
  <li class="search-hit{% if hit.retired %} retired{% endif %}">
    <p class="search-hit-title">
      {% if hit.kind == "term" %}<span class="badge">Glossary</span>{% else %}<a class="doc-id" href="{{ hit.url }}">{{ hit.doc_id }}</a>{% endif %}
      <a href="{{ hit.url }}">{{ hit.title }}</a>
      {% if hit.retired %}<span class="badge retired">Retired</span>{% endif %}
    </p>
    <p class="search-snippet">{{ hit.snippet }}</p>
  </li>
  {% endfor %}"""  # noqa: E501


def test_the_hits_are_what_the_template_wrote():
    from django.template import Context, Template
    from django.utils.safestring import mark_safe

    from docs_registry.search import Hit
    from docs_registry.templatetags.listing import search_hits

    def hit(title, snippet, **fields):
        return Hit(title=mark_safe(title), snippet=mark_safe(snippet), **fields)  # noqa: S308

    document = {"kind": "doc", "retired": False}
    hits = [
        hit(
            "<mark>Refunds</mark> &amp; returns",
            "…the <mark>refund</mark> &lt;window&gt;…",
            **document,
            doc_id="PRC-0001",
            url="/docs/PRC-0001/",
        ),
        hit(
            "Old <mark>refund</mark> rules",
            "",
            **document | {"retired": True},
            doc_id="PRC-0002",
            url='/docs/PRC-0002/?a=1&b="2"',
        ),
        hit(
            "<mark>Refund</mark>",
            "Money returned.",
            kind="term",
            doc_id="",
            retired=False,
            url="/glossary/#term-refund",
        ),
    ]
    looped = Template(_HITS_TEMPLATE).render(Context({"page": hits}))
    assert search_hits(hits) == looped
    assert search_hits([]) == ""
