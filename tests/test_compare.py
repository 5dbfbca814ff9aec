"""The comparison page as served: the change on the rendered document, every
summary between, clear answers to bad addresses, and nothing executable."""

import re
from html.parser import HTMLParser

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from docs_registry import services
from docs_registry.rendering import RenderingError, check_markdown

from .factories import publish
from .html import main
from .test_diffing import unrelated_text
from .test_rendering import URL_NOISE, VECTORS, decode_vector, require_vectors

pytestmark = pytest.mark.django_db

URL = "/docs/PRC-0001/compare/"


def page(client, query: str):
    response = client.get(URL + query)
    return response, response.content.decode()


def test_the_change_is_shown_on_the_rendered_document(client, document, sales_staff):
    publish(document, body="# Limits\n\nUp to **15%** needs no approval.\n")
    client.force_login(sales_staff)
    response, html = page(client, "?from=1&to=2")
    assert response.status_code == 200
    assert '<h1 class="inserted"><ins>Limits</ins></h1>' in html
    assert '<p class="changed">Up to <del>10%</del><ins>15%</ins>' in html
    assert "**" not in html and "# Limits" not in html
    assert "2 words added, 1 removed." in html
    assert re.search(r'<a href="\?from=1&amp;to=2" aria-current="page">', html)
    assert '<a href="?from=1&amp;to=2&amp;view=source">Source</a>' in html


def test_the_source_tab_keeps_the_markdown_diff(client, document, sales_staff):
    publish(document, body="Up to **15%** needs no approval.")
    client.force_login(sales_staff)
    _, html = page(client, "?from=1&to=2&view=source")
    assert "<del>**10%**</del><ins>**15%**</ins>" in html
    assert re.search(r'view=source" aria-current="page">Source</a>', html)


def test_crlf_versions_compare_clean_in_both_views(
    client, document, sales_staff, monkeypatch
):
    # Stored as a browser's textarea sent it before bodies were normalised on
    # the way in: versions are never rewritten, so such versions stay.
    monkeypatch.setattr(
        "docs_registry.services.documents.normalise_text",
        lambda text: text,
        raising=False,
    )
    publish(
        document,
        body="Refunds within 14 days.  \r\n\r\n| a | b |\r\n|---|---|\r\n| 1 | 2 |\r\n",
    )
    publish(
        document, body="Refunds within 30 days.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"
    )
    client.force_login(sales_staff)
    for view in ("", "&view=source"):
        _, html = page(client, "?from=2&to=3" + view)
        assert "1 word added, 1 removed." in html
        assert "<del>14</del><ins>30</ins>" in html


def test_every_summary_between_is_listed(client, document, sales_staff, owner):
    publish(document, body="two", summary="Raised the cap.", significance="major")
    publish(document, body="three", summary="Typo.", significance="minor")
    publish(document, body="four", summary="New approvers.", significance="major")
    client.force_login(sales_staff)
    _, html = page(client, "?from=1&to=4")
    summaries = re.search(r'<section class="change-summaries".*?</section>', html, re.S)
    items = re.findall(r"<li>(.*?)</li>", summaries.group(0), re.S)
    text = [" ".join(re.sub(r"<[^>]+>", " ", item).split()) for item in items]
    published_by = owner.display_name
    assert [line.split(" ")[:2] for line in text] == [
        ["v4", "major"],
        ["v3", "minor"],
        ["v2", "major"],
    ]
    assert all(f"by {published_by}:" in line for line in text)
    assert text[1].endswith("Typo.") and text[2].endswith("Raised the cap.")
    assert "see the history" not in html
    _, later = page(client, "?from=3&to=4")
    assert "Raised the cap." not in later and "New approvers." in later


def test_summaries_and_names_between_are_shown_as_text(
    client, document, sales_staff, owner
):
    owner.first_name = "<i>Sam</i>"
    owner.save()
    publish(document, body="two", summary="<b>Raised</b> & capped")
    publish(document, body="three", summary="Typo.")
    client.force_login(sales_staff)
    _, html = page(client, "?from=1&to=3")
    summaries = re.search(r'<section class="change-summaries".*?</section>', html, re.S)
    assert "&lt;b&gt;Raised&lt;/b&gt; &amp; capped" in summaries.group(0)
    assert "by &lt;i&gt;Sam&lt;/i&gt;" in summaries.group(0)
    assert "<b>" not in summaries.group(0) and "<i>" not in summaries.group(0)


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ("?from=x&to=2", 400, "“x” is not a version number."),
        ("?from=1.5&to=2", 400, "“1.5” is not a version number."),
        ("?from=-1&to=2", 400, "“-1” is not a version number."),
        ("?from=2&to=2", 400, "These are the same version (v2)"),
        ("?from=1&to=7", 404, "There is no version 7: the versions are v1 to v2."),
        ("?from=0&to=2", 404, "There is no version 0"),
        ("?from=1&to=9223372036854775808", 404, "There is no version 922337"),
        ("?from=1&to=" + "9" * 5000, 404, "There is no version 999"),
    ],
)
def test_bad_comparisons_say_why_on_the_product_page(
    client, document, sales_staff, query, status, message
):
    publish(document, body="second")
    client.force_login(sales_staff)
    with CaptureQueriesContext(connection) as queries:
        response, html = page(client, query)
    assert response.status_code == status
    assert message in html
    assert '<header class="site-header">' in html  # the site's page, not Django's
    assert 'href="/docs/PRC-0001/compare/?from=1&amp;to=2"' in html  # a way on
    # Out-of-range numbers are answered without asking the database.
    assert not any(
        "922337" in query["sql"] or "99999" in query["sql"]
        for query in queries.captured_queries
    )


@pytest.mark.parametrize("query", ["", "?from=&to=", "?from=v1&to=V2", "?from=2&to=1"])
def test_missing_prefixed_or_reversed_numbers_compare_v1_to_v2(
    client, document, sales_staff, query
):
    publish(document, body="second")
    client.force_login(sales_staff)
    response, html = page(client, query)
    assert response.status_code == 200
    assert "Changes from <a" in html and ">v1</a> to <a" in html and ">v2</a>" in html


def test_too_different_versions_are_each_shown_whole(client, document, sales_staff):
    old, new = unrelated_text(1, 190_000), unrelated_text(2, 190_000)
    publish(document, body=old)
    publish(document, body=new)
    client.force_login(sales_staff)
    for view in ("", "&view=source"):
        response, html = page(client, "?from=2&to=3" + view)
        assert response.status_code == 200
        assert "These versions are too different to compare word by word" in html
        assert old[:200] in html and new[-200:] in html
        assert "<ins>" not in html and "<del>" not in html


def test_the_digest_entry_shows_the_rendered_change_and_every_summary(
    client, document, sales_staff, owner
):
    services.acknowledgment_record(user=sales_staff, document=document, number=1)
    publish(document, body="Up to **12%** needs no approval.", summary="Raised.")
    publish(
        document,
        body="Up to **15%** needs no approval.",
        summary="Raised again.",
        significance="minor",
    )
    client.force_login(sales_staff)
    html = client.get("/digest/").content.decode()
    entry = re.search(r'<article class="digest-entry".*?</article>', html, re.S)
    entry = entry.group(0)
    assert '<p class="changed">Up to <del>10%</del><ins>15%</ins>' in entry
    assert "(1 word added, 1 removed)" in entry and "**" not in entry
    for summary in ("Raised.", "Raised again."):
        assert (
            f'by {owner.display_name}:\n      <span class="summary">{summary}' in entry
        )


def _compared_again(old, new):
    raise AssertionError("compared again")


def _stored(document):
    """The comparisons stored, as (kind, old number, new number)."""
    from docs_registry.models import StoredComparison

    numbers = dict(document.versions.values_list("content_hash", "number"))
    return {
        (kind, numbers.get(old, 0), numbers[new])
        for kind, old, new in StoredComparison.objects.values_list(
            "kind", "old_hash", "new_hash"
        )
    }


def test_comparisons_towards_the_newest_version_are_stored_and_read_cold(
    client, document, sales_staff, monkeypatch
):
    from docs_registry import diffing

    publish(document, body="Up to **12%** needs no approval.")
    publish(document, body="Up to **15%** needs no approval.")
    client.force_login(sales_staff)
    page(client, "?from=1&to=2")
    page(client, "?from=1&to=2&view=source")
    assert _stored(document) == set()  # v2 is not the newest: asking stores nothing
    page(client, "?from=1&to=3")
    page(client, "?from=2&to=3&view=source")
    assert _stored(document) == {("compare", 1, 3), ("diff", 2, 3)}

    cache.clear()
    monkeypatch.setattr(diffing, "compare_rendered", _compared_again)
    monkeypatch.setattr(diffing, "diff_markdown", _compared_again)
    response, html = page(client, "?from=1&to=3")
    assert response.status_code == 200
    assert '<p class="changed">Up to <del>10%</del><ins>15%</ins>' in html
    response, html = page(client, "?from=2&to=3&view=source")
    assert "Up to <del>**12%**</del><ins>**15%**</ins> needs" in html


def test_comparisons_towards_a_change_announced_are_stored_too(
    client, document, sales_staff
):
    from datetime import timedelta

    from django.utils import timezone

    publish(document, body="Up to **12%** needs no approval.")
    publish(
        document,
        body="Up to **15%** needs no approval.",
        effective_at=timezone.now() + timedelta(days=30),
    )
    client.force_login(sales_staff)
    for span in ("?from=1&to=2", "?from=1&to=3", "?from=2&to=3"):
        assert page(client, span)[0].status_code == 200
    # v2 is current and v3 applies next month: comparisons towards either are kept.
    assert _stored(document) == {
        ("compare", 1, 2),
        ("compare", 1, 3),
        ("compare", 2, 3),
    }
    page(client, "?from=1&to=2&view=source")
    assert ("diff", 1, 2) in _stored(document)


def test_the_digest_reads_its_comparisons_cold_from_where_they_are_stored(
    client, document, sales_staff, monkeypatch
):
    from docs_registry import diffing

    services.acknowledgment_record(user=sales_staff, document=document, number=1)
    publish(document, body="Up to **15%** needs no approval.", summary="Raised.")
    client.force_login(sales_staff)
    first = client.get("/digest/").content.decode()
    assert _stored(document) == {("compare", 1, 2)}
    cache.clear()
    monkeypatch.setattr(diffing, "compare_rendered", _compared_again)
    again = client.get("/digest/").content.decode()
    assert '<p class="changed">Up to <del>10%</del><ins>15%</ins>' in again
    entry = re.compile(r'<article class="digest-entry".*?</article>', re.S)
    assert entry.findall(again) == entry.findall(first)


def test_an_error_working_out_a_comparison_is_not_hidden(
    client, document, sales_staff, monkeypatch
):
    """Django's `{% if a == b %}` swallows any exception: what the page works out
    lazily is not first read inside one, so a failure shows as one."""
    from docs_registry.views import documents as views

    publish(document, body="Up to **15%** needs no approval.")
    worked_out = views._compared
    calls = []

    def failing_once(*args, **kwargs):
        calls.append(args)
        if len(calls) == 1:
            raise RuntimeError("the database went away")
        return worked_out(*args, **kwargs)

    monkeypatch.setattr(views, "_compared", failing_once)
    client.force_login(sales_staff)
    with pytest.raises(RuntimeError, match="went away"):
        client.get(URL + "?from=1&to=2")


def count(client, query: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL + query).status_code == 200
    return len(queries)


def test_the_page_costs_the_same_with_1_or_30_versions_between(client, document):
    for n in range(2, 32):
        publish(document, body=f"version {n}", summary=f"Change {n}")
    client.force_login(document.owner)
    client.get("/docs/")  # the session and content types, read once per client
    counts = {}
    for span in ("?from=30&to=31", "?from=1&to=31"):
        cache.clear()
        # First ever: the comparison is looked up, the two bodies read, and it is
        # worked out and stored (a savepoint, the insert and its release); then
        # read from where it is stored, with no body; then kept.
        first = count(client, span)
        cache.clear()
        cold = count(client, span)
        counts[span] = (first, cold, count(client, span))
    assert set(counts.values()) == {(10, 6, 3)}, counts


def test_a_long_span_lists_the_newest_summaries_and_counts_the_rest(
    client, document, monkeypatch
):
    from docs_registry.selectors import documents as document_selectors

    monkeypatch.setattr(document_selectors, "SUMMARIES_LISTED", 5)
    for n in range(2, 10):
        publish(document, body=f"version {n}", summary=f"Change {n}")
    client.force_login(document.owner)
    html = client.get(URL + "?from=9&to=1").content.decode()
    summaries = html[html.index('id="summaries-heading"') : html.index("</section>")]
    assert re.findall(r"Change (\d+)", summaries) == ["9", "8", "7", "6", "5"]
    assert "and 3 earlier versions since v1:" in summaries
    assert 'href="/docs/PRC-0001/history/">see the history' in summaries
    assert "earlier version" not in client.get(URL + "?from=4&to=9").content.decode()


def _picked(client, query: str) -> dict[str, tuple[list[str], list[str]]]:
    """Each version picker's options and the chosen one, as served."""
    page = main(client.get(URL + query))
    return {
        select.attrs["name"]: (
            [option.text for option in select.select("option")],
            [
                option.text
                for option in select.select("option")
                if "selected" in option.attrs
            ],
        )
        for select in page.one("form", cls="compare-picker").select("select")
    }


def test_the_version_pickers_offer_every_version_and_keep_the_two_compared(
    client, document
):
    for n in range(2, 6):
        publish(document, body=f"version {n}")
    client.force_login(document.owner)
    every = ["v5", "v4", "v3", "v2", "v1"]
    assert _picked(client, "?from=4&to=2") == {
        "from": (every, ["v2"]),
        "to": (every, ["v4"]),
    }
    # A pair that cannot be compared offers the latest change instead.
    assert _picked(client, "?from=x&to=2") == {
        "from": (every, ["v4"]),
        "to": (every, ["v5"]),
    }


# Nothing executable -----------------------------------------------------------

EXECUTABLE_TAGS = {"script", "iframe", "object", "embed", "svg", "style", "frame"}


class _Executable(HTMLParser):
    """What in a page could run: tags, on* attributes, script URLs."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        if tag in EXECUTABLE_TAGS:
            self.found.append(f"<{tag} {attrs}")
        for name, value in attrs:
            url = URL_NOISE.sub("", value or "").lower()
            if name.startswith("on") or url.startswith(
                ("javascript:", "vbscript:", "data:")
            ):
                self.found.append(f"{tag} {name}={value}")


def executable(html: str) -> list[str]:
    parser = _Executable()
    parser.feed(html)
    return parser.found


def vectors() -> list[str]:
    lines = VECTORS.read_text(encoding="utf-8").split("\n")
    return [decode_vector(line) for line in lines if line and not line.startswith("#")]


def publishable(bodies):
    """Bodies of vectors the product accepts (it refuses some, whole, at publish:
    see check_markdown), each a chunk small enough to publish."""
    for body in bodies:
        try:
            check_markdown(body)
        except RenderingError:
            continue
        yield body


def test_hostile_input_on_both_sides_of_a_comparison_runs_nothing(
    client, document, sales_staff
):
    if not VECTORS.is_file():
        require_vectors()
    every = vectors()
    chunks = [every[start : start + 40] for start in range(0, len(every), 40)]
    # Each pair of versions has changed, removed, inserted and unchanged blocks,
    # all carrying vectors.
    pairs = [
        (
            "\n\n".join(chunk),
            "\n\n".join(
                f"changed {vector}" if n % 3 == 0 else vector
                for n, vector in enumerate(chunk + following[:5])
                if n % 5 != 1
            ),
        )
        for chunk, following in zip(chunks, chunks[1:] + [[]], strict=True)
    ]
    client.force_login(sales_staff)
    chrome = executable(client.get("/docs/").content.decode())
    compared = 0
    for old, new in pairs:
        if len(list(publishable([old, new]))) < 2:
            continue
        first = publish(document, body=old).number
        publish(document, body=new)
        for query in (
            f"?from={first}&to={first + 1}",
            f"?from={first + 1}&to={first}&view=source",
        ):
            response, html = page(client, query)
            assert response.status_code == 200
            found = executable(html)
            for item in chrome:
                found.remove(item)
            assert found == [], query
        compared += 1
    assert compared >= len(pairs) * 3 // 4  # most of the file went through


def test_a_comparison_worked_out_from_its_kept_rows_shows_the_same(
    client, document, sales_staff
):
    """The two versions and the summaries between (one query) are kept as the rows
    the database gave (pickling versions with their publishers cost an eighth of the
    page): with every other kept part gone, the page is worked out again from
    those rows, reading no versions, and shows the same."""
    from docs_registry import caching
    from docs_registry.selectors.documents import _COMPARED_VERSIONS

    from .querycount import sql_of

    publish(document, body="two", summary="Raised the cap.", significance="major")
    publish(document, body="three", summary="Typo.", significance="minor")
    client.force_login(sales_staff)
    caching.empty()
    _, first = page(client, "?from=1&to=3")
    kept = {
        key: value
        for key, value in cache._cache.items()
        if ":compare:" in key and _kept_rows(value)
    }
    assert len(kept) == 1
    caching.empty()
    for key, value in kept.items():
        cache._cache[key] = value
        cache._expire_info[key] = None
    with CaptureQueriesContext(connection) as queries:
        _, again = page(client, "?from=1&to=3")
    asked = _COMPARED_VERSIONS._compiled().sql.partition("%s")[0]
    assert not any(sql_of(each).startswith(asked) for each in queries)
    token = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert token.sub("", again) == token.sub("", first)
    assert "Raised the cap." in again and "Typo." in again


def _kept_rows(value: bytes) -> bool:
    """Whether a kept value is rows: a list of tuples, no model instances."""
    import pickle

    _, kept = pickle.loads(pickle.loads(value))  # noqa: S301 -- written by the test
    return isinstance(kept, list) and all(type(row) is tuple for row in kept)
