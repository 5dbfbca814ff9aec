"""Finding one's way: the current tab and sorted column are marked, a breadcrumb
leads back to the category, long documents get a table of contents, titles are
links, summaries read as plain text, and each thing is said once."""

from __future__ import annotations

import pytest

from docs_registry.rendering import (
    attribute_allowed,
    plain_text,
    render_markdown,
    table_of_contents,
    without_title_heading,
)

from .factories import make_document, make_user, publish
from .html import parse

pytestmark = pytest.mark.django_db

LONG_BODY = """# Discount approval rules

Intro.

## Who approves

Text.

### Above 20%

Text.

## Who approves

Again.
"""


def _current_tabs(response) -> list[str]:
    tabs = parse(response).one("nav", cls="doc-tabs")
    return [a.text for a in tabs.select("a") if a.attrs.get("aria-current") == "page"]


def test_the_current_tab_is_marked(client, document, sales_staff):
    publish(document, body="Up to **15%** needs no approval.")
    client.force_login(sales_staff)
    url = document.get_absolute_url()
    assert _current_tabs(client.get(url)) == ["Current"]
    assert _current_tabs(client.get(f"{url}history/")) == ["History"]
    assert _current_tabs(client.get(f"{url}compare/?from=1&to=2")) == ["Latest change"]
    assert _current_tabs(client.get(f"{url}compare/?from=2&to=1")) == ["Latest change"]
    assert _current_tabs(client.get(f"{url}v1/")) == []
    publish(document, body="Up to **20%** needs no approval.")
    assert _current_tabs(client.get(f"{url}compare/?from=1&to=2")) == []
    assert _current_tabs(client.get(f"{url}compare/?from=1&to=3")) == []
    assert _current_tabs(client.get(f"{url}compare/?from=2&to=3")) == ["Latest change"]


def _main_links(client) -> list[str]:
    [main] = [
        nav
        for nav in parse(client.get("/docs/")).select("nav")
        if nav.attrs.get("aria-label") == "Main"
    ]
    return [a.text.strip() for a in main.select("a")]


def test_the_main_navigation_shows_each_role_its_own_links(
    client, sales_staff, manager
):
    # The links are rendered once per process for each role: whichever role is
    # served first, the other gets its own.
    from docs_registry.templatetags.kept import _render_fixed

    _render_fixed.cache_clear()
    superuser = make_user("root", is_superuser=True)
    for person, sees_admin in [
        (manager, True),
        (sales_staff, False),
        (superuser, True),
    ]:
        client.force_login(person)
        links = _main_links(client)
        assert links[:3] == ["What changed", "Documents", "Glossary"]
        assert ("Admin" in links) is sees_admin, person.username
        assert ("Change history" in links) is sees_admin, person.username


def test_the_sorted_column_is_marked_on_its_header(client, document, sales_staff):
    client.force_login(sales_staff)
    page = parse(client.get("/docs/?sort=title"))
    sorted_headers = [th.text for th in page.select("th") if "aria-sort" in th.attrs]
    assert sorted_headers == ["Title"]
    assert all("aria-sort" not in a.attrs for a in page.select("a"))


def test_a_breadcrumb_leads_to_the_category(client, document, sales_staff):
    client.force_login(sales_staff)
    crumbs = parse(client.get(document.get_absolute_url())).one(
        "nav", cls="breadcrumbs"
    )
    links = crumbs.select("a")
    assert [a.text for a in links] == ["Pricing", "PRC-0001"]
    assert links[0].attrs["href"] == f"/docs/?category={document.category_id}"
    assert links[1].attrs["aria-current"] == "page"


def test_sections_get_unique_anchors_that_pass_the_sanitizer():
    html = render_markdown(LONG_BODY + '\n<h2 id="coverage">Raw</h2>\n')
    assert "<h1>Discount approval rules</h1>" in html  # the title gets no anchor
    assert [slug for _, slug, _ in table_of_contents(html)] == [
        "section-who-approves",
        "section-above-20",
        "section-who-approves-2",
        "section-raw",  # an author's own id is replaced: no clash with #coverage
    ]
    # Code that re-emits stored HTML through the allow-lists (the rendered diff)
    # keeps them, and only them.
    assert attribute_allowed("h3", "id", "section-above-20")
    assert not attribute_allowed("h2", "id", "coverage")
    assert not attribute_allowed("p", "id", "section-above-20")


def test_a_table_of_contents_needs_three_headings():
    assert table_of_contents(render_markdown("## One\n\n## Two\n")) == []
    contents = table_of_contents(render_markdown("## One\n\n### Two *b*\n\n## Three"))
    assert contents == [
        (2, "section-one", "One"),
        (3, "section-two-b", "Two b"),
        (2, "section-three", "Three"),
    ]


def test_a_long_document_has_a_table_of_contents(client, owner, manager, sales_staff):
    document = make_document(owner=owner, manager=manager, body=LONG_BODY)
    client.force_login(sales_staff)
    page = parse(client.get(document.get_absolute_url()))
    toc = page.one("nav", cls="toc")
    assert [a.attrs["href"] for a in toc.select("a")] == [
        "#section-who-approves",
        "#section-above-20",
        "#section-who-approves-2",
    ]
    assert len(page.select("h2", id="section-above-20")) == 0
    assert len(page.select("h3", id="section-above-20")) == 1


def test_a_short_document_has_none(client, document, sales_staff):
    client.force_login(sales_staff)
    assert parse(client.get(document.get_absolute_url())).select("nav", cls="toc") == []


def test_the_title_is_shown_once(client, owner, manager, sales_staff):
    document = make_document(owner=owner, manager=manager, body=LONG_BODY)
    client.force_login(sales_staff)
    for url in (document.get_absolute_url(), f"{document.get_absolute_url()}v1/"):
        page = parse(client.get(url))
        assert [h.text for h in page.select("h1")] == ["Discount approval rules"]


def test_a_leading_heading_that_differs_from_the_title_stays():
    html = render_markdown("# Prices\n\nText.")
    assert without_title_heading(html, "Price list") == html
    assert without_title_heading(html, " prices ") == "<p>Text.</p>"


def test_home_links_titles_and_shows_summaries_as_plain_text(
    client, document, sales_staff
):
    publish(document, body="Changed.", summary="Renamed **champion-change**")
    client.force_login(sales_staff)
    page = parse(client.get("/"))
    row = page.one("tbody").select("tr")[0]
    titles = [a for a in row.select("a") if a.text == "Discount approval rules"]
    assert titles[0].attrs["href"] == document.get_absolute_url()
    assert "Renamed champion-change" in row.text
    assert "**" not in row.text


def test_summaries_lose_their_markup_and_keep_their_words():
    assert plain_text("**bold** _it_ `code` [POL-0001](/docs/POL-0001/)") == (
        "bold it code POL-0001"
    )
    assert plain_text("2*3 and snake_case stay") == "2*3 and snake_case stay"


def test_creation_is_one_row_of_the_history(client, document, sales_staff):
    client.force_login(sales_staff)
    rows = (
        parse(client.get(f"{document.get_absolute_url()}history/"))
        .one("tbody")
        .select("tr")
    )
    assert len(rows) == 1
    assert "v1" in rows[0].text


def test_browse_lists_the_categories_and_marks_the_chosen_one(
    client, document, sales_staff
):
    client.force_login(sales_staff)
    everything = parse(client.get("/docs/")).one("nav", cls="category-list")
    links = everything.select("a")
    assert [a.text for a in links] == ["All categories", "Pricing (PRC)"]
    assert [a.attrs.get("aria-current") for a in links] == ["page", None]
    chosen = parse(client.get(links[1].attrs["href"])).one("nav", cls="category-list")
    assert [a.attrs.get("aria-current") for a in chosen.select("a")] == [None, "page"]
