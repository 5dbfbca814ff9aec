"""Glossary definitions are applied when a page is served, not frozen at publish:
stored HTML marks a term's first use, and the page shows its current definition."""

from html.parser import HTMLParser

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from docs_registry import services
from docs_registry.rendering import apply_glossary, glossary_marks, render_markdown

from .factories import publish
from .querycount import cold_and_warm
from .test_rendering import require_vectors, vector_params

pytestmark = pytest.mark.django_db

HOSTILE = '"><script>alert(1)</script>'


def save_term(actor, *, term=None, wording="Premium Support", definition: str):
    return services.glossary_term_save(
        actor=actor,
        term=term,
        wording=wording,
        definition=definition,
        audience="both",
        avoid="",
        owner=None,
    )


class Abbrs(HTMLParser):
    """The attributes of every <abbr> and the names of all other start tags."""

    def __init__(self, fragment: str):
        super().__init__(convert_charrefs=True)
        self.abbrs: list[dict[str, str | None]] = []
        self.others: list[str] = []
        self.feed(fragment)
        self.close()

    def handle_starttag(self, tag, attrs):
        if tag == "abbr":
            self.abbrs.append(dict(attrs))
        else:
            self.others.append(tag)


def test_stored_html_marks_the_first_use_without_its_definition(document, manager):
    term = save_term(manager, definition="Our paid support add-on.")
    version = publish(
        document, body="Premium Support helps. premium   support helps again."
    )
    assert version.body_html == (
        f'<p><abbr data-term="{term.pk}">Premium Support</abbr> helps. '
        "premium   support helps again.</p>"
    )
    assert glossary_marks(version.body_html) == {term.pk}


def test_a_changed_definition_shows_on_every_page_at_once(
    client, document, manager, sales_staff
):
    term = save_term(manager, definition="The old definition.")
    publish(document, body="Ask Premium Support.")
    pages = ("/docs/PRC-0001/", "/docs/PRC-0001/v2/", "/api/docs/PRC-0001/")
    client.force_login(sales_staff)
    for url in pages:  # kept in the cache from here on
        assert "The old definition." in client.get(url).content.decode()
    save_term(manager, term=term, definition="The corrected definition.")
    for url in pages:
        served = client.get(url).content.decode()
        assert "The corrected definition." in served, url
        assert "The old definition." not in served, url
    # Nothing was published again.
    assert document.versions.count() == 2


def test_a_hostile_definition_is_escaped_in_the_served_title(
    client, document, manager, sales_staff
):
    save_term(manager, definition=f"Support{HOSTILE}")
    publish(document, body="Ask Premium Support.")
    client.force_login(sales_staff)
    served = client.get("/docs/PRC-0001/").content.decode()
    assert "<script>alert(1)" not in served
    body = served.split('<article class="doc-body">')[1].split("</article>")[0]
    parsed = Abbrs(body)
    assert parsed.abbrs[0]["title"] == f"Support{HOSTILE}"
    assert parsed.others == ["p"]


@pytest.mark.parametrize("vector", vector_params())
def test_xss_vector_as_a_definition_stays_inside_its_title(vector: str | None):
    if vector is None:
        require_vectors()
    served = apply_glossary('<p><abbr data-term="7">SLA</abbr> x</p>', {7: vector})
    parsed = Abbrs(served)
    assert parsed.others == ["p"]
    assert parsed.abbrs == [{"data-term": "7", "title": vector.replace("\r", "\n")}]


def test_a_marker_is_a_term_id_and_nothing_else():
    html = render_markdown(
        '<abbr data-term="12">SLA</abbr> <abbr data-term="x">a</abbr> '
        '<abbr data-term="0">b</abbr> <abbr data-term="1 onclick=x">c</abbr> '
        f'<abbr data-term="{"9" * 20}">d</abbr>'
    )
    assert html == (
        '<p><abbr data-term="12">SLA</abbr> <abbr>a</abbr> <abbr>b</abbr> '
        "<abbr>c</abbr> <abbr>d</abbr></p>"
    )
    assert glossary_marks(html) == {12}


def test_text_that_looks_like_a_marker_is_left_alone():
    html = render_markdown(
        '`<abbr data-term="1">` and [a](https://example.com "<abbr data-term=\\"1\\">")'
    )
    assert glossary_marks(html) == set()
    assert apply_glossary(html, {1: "Defined"}) == html


def test_versions_stored_with_a_baked_title_keep_it(
    client, document, manager, sales_staff
):
    # Versions published before markers hold <abbr title> exactly as an author's
    # own does; they are sealed, so they are shown as published.
    save_term(manager, wording="SLA", definition="Today's definition.")
    baked = '<abbr title="The definition of its day.">SLA</abbr>'
    publish(document, body=baked)
    client.force_login(sales_staff)
    served = client.get("/docs/PRC-0001/").content.decode()
    assert f"<p>{baked}</p>" in served
    assert "Today" not in served


def test_a_term_removed_from_the_glossary_leaves_its_word_unmarked_by_a_title():
    html = '<p><abbr data-term="9">SLA</abbr></p>'
    assert apply_glossary(html, {}) == html


def cold_queries(client, url: str) -> int:
    client.get(url)  # the session and content types, not the page, are warm
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_definitions_cost_one_query_however_many_terms_are_marked(
    client, document, manager, sales_staff
):
    client.force_login(sales_staff)
    unmarked = cold_queries(client, "/docs/PRC-0001/")
    for n in range(20):
        save_term(manager, wording=f"term{n}", definition=f"Defined {n}.")
    publish(document, body="term0")
    one = cold_queries(client, "/docs/PRC-0001/")
    publish(document, body=" ".join(f"term{n}" for n in range(20)))
    many = cold_queries(client, "/docs/PRC-0001/")
    assert (one, many) == (unmarked + 1, unmarked + 1)
    served = client.get("/docs/PRC-0001/").content.decode()
    assert all(f'title="Defined {n}."' in served for n in range(20))


def test_kept_document_page_reads_no_definitions(
    client, document, manager, sales_staff
):
    client.force_login(sales_staff)
    cold, warm = cold_and_warm(client, "/docs/PRC-0001/")
    save_term(manager, definition="Our paid support add-on.")
    publish(document, body="Ask Premium Support.")
    # Worked out, the page reads the marked terms' definitions once; kept, never.
    assert cold_and_warm(client, "/docs/PRC-0001/") == (cold + 1, warm)


def test_the_rendered_comparison_shows_current_definitions(client, document, manager):
    save_term(manager, definition="Our paid support add-on.")
    publish(document, body="Premium Support helps.\n\nUp to **10%** needs none.")
    publish(document, body="Premium Support helps.\n\nUp to **15%** needs none.")
    client.force_login(document.owner)
    html = client.get("/docs/PRC-0001/compare/?from=2&to=3").content.decode()
    start = html.index('class="doc-body rendered-diff"')
    abbrs = Abbrs(html[start : html.index("</article>", start)]).abbrs
    assert [abbr.get("title") for abbr in abbrs] == ["Our paid support add-on."]
