"""A glossary of thousands of terms: the glossary page comes 100 a page with an A–Z
index, and lint and first-use marking cost work in proportion to the text, not to
the text times the number of terms (counted look-ups, not a clock)."""

import re

import pytest

from bench.glossary import make_body, make_terms
from docs_registry import linting, rendering
from docs_registry.linting import Linter
from docs_registry.models import GlossaryTerm
from docs_registry.rendering import render_markdown

from .querycount import cold_and_warm


def add_terms(words: list[str]) -> None:
    # Rows only: the page and the index are what is tested, not the service.
    GlossaryTerm.objects.bulk_create(
        GlossaryTerm(term=word, definition=f"About {word}.") for word in words
    )


def anchors(html: str) -> list[str]:
    return re.findall(r'class="glossary-term" id="term-([^"]+)"', html)


def letter_links(html: str) -> dict[str, str | None]:
    """Each letter of the index -> its link, or None when it is shown disabled."""
    index = html.split('aria-label="Terms by first letter">')[1].split("</nav>")[0]
    links = dict(
        (letter, href)
        for href, letter in re.findall(r'<a href="([^"]+)">([A-Z])</a>', index)
    )
    disabled = re.findall(
        r'<span class="disabled" aria-disabled="true">([A-Z])<', index
    )
    return links | dict.fromkeys(disabled)


@pytest.fixture
def big_glossary(db):
    # 150 terms under A, none under B, 60 under C, one under Z: 211 terms.
    add_terms(
        [f"Alpha {n:03}" for n in range(150)]
        + [f"charlie {n:02}" for n in range(60)]
        + ["Zulu"]
    )


def test_glossary_shows_100_terms_a_page(client, sales_staff, big_glossary):
    client.force_login(sales_staff)
    first = client.get("/glossary/").content.decode()
    assert anchors(first) == [f"alpha-{n:03}" for n in range(100)]
    assert "Page 1 of 3" in first and 'href="?page=2" rel="next"' in first
    third = client.get("/glossary/?page=3").content.decode()
    assert anchors(third) == [f"charlie-{n:02}" for n in range(50, 60)] + ["zulu"]


def test_a_to_z_index_links_to_where_each_letter_starts(
    client, sales_staff, big_glossary
):
    client.force_login(sales_staff)
    html = client.get("/glossary/?page=3").content.decode()
    links = letter_links(html)
    assert set(links) == set("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    assert links["A"] == "?page=1#letter-A"
    assert links["C"] == "?page=2#letter-C"
    assert links["Z"] == "?page=3#letter-Z"
    assert [c for c, link in links.items() if link is None] == [
        c for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ" if c not in "ACZ"
    ]
    second = client.get("/glossary/?page=2").content.decode()
    # The anchor sits on the first C term, after the last A terms of the page.
    assert '<dt id="letter-C"><a href="#term-charlie-00">' in second
    assert '<dt id="letter-Z">' in html


def test_search_within_the_glossary_pages_and_indexes_its_matches(
    client, sales_staff, big_glossary
):
    client.force_login(sales_staff)
    html = client.get("/glossary/?q=charlie").content.decode()
    assert anchors(html) == [f"charlie-{n:02}" for n in range(60)]
    links = letter_links(html)
    assert links["C"] == "?q=charlie&amp;page=1#letter-C"
    assert links["A"] is None and links["Z"] is None
    assert "Page 1 of" not in html  # one page of matches needs no pages


def test_glossary_page_queries_do_not_grow_with_its_size(client, sales_staff, db):
    client.force_login(sales_staff)
    add_terms(["Alpha"])
    one = cold_and_warm(client, "/glossary/")
    add_terms([f"Beta {n:03}" for n in range(250)])
    assert cold_and_warm(client, "/glossary/") == one
    assert cold_and_warm(client, "/glossary/?page=3") == one


# --- the work of lint and marking ---------------------------------------------


class CountingTrie(linting.PhraseTrie):
    """A PhraseTrie that adds its look-ups to a shared tally."""

    tally: list[int] = []

    def matches(self, tokens, start):
        before = self.lookups
        found = super().matches(tokens, start)
        CountingTrie.tally.append(self.lookups - before)
        return found

    def starts(self, tokens):
        CountingTrie.tally.append(len(tokens))
        return super().starts(tokens)


def lookups(work) -> int:
    CountingTrie.tally = []
    work()
    return sum(CountingTrie.tally)


@pytest.fixture
def counted(monkeypatch):
    monkeypatch.setattr(linting, "PhraseTrie", CountingTrie)
    monkeypatch.setattr(rendering, "PhraseTrie", CountingTrie)


TERMS = make_terms(10_000)
FEW = TERMS[:100]
BODY = make_body(TERMS, 25)


def lint_work(terms, body: str) -> int:
    linter = Linter([(avoided, term) for term, _, avoided in terms])
    return lookups(lambda: linter.lint(body))


def marking_work(terms, body: str) -> int:
    ids = {term: number for number, (term, _, _) in enumerate(terms, start=1)}
    return lookups(lambda: render_markdown(body, glossary=ids))


@pytest.mark.parametrize("work", [lint_work, marking_work])
def test_work_grows_with_the_text_not_with_the_glossary(counted, work):
    base = work(TERMS, BODY)
    assert base > 0
    # A hundred times the terms: the same text costs at most twice the look-ups
    # (more of its words now start a term), not a hundred times.
    assert base <= 2 * work(FEW, BODY)
    # Twice the text: twice the look-ups, give or take one term's length.
    doubled = work(TERMS, BODY + "\n\n" + BODY)
    assert doubled <= 2 * base + 20
    # At most a few look-ups a token, whatever the glossary.
    tokens = len(re.findall(r"\w+|[^\w\s]|\s+", BODY))
    assert base <= 3 * tokens


def test_a_term_as_long_as_the_text_costs_one_pass(counted):
    # The worst case for the trie: every position starts a prefix of one long
    # term. Each walk stops at the first token the term does not continue with.
    long_term = " ".join(["ka"] * 40)
    work = marking_work([(long_term, "", "x")], " ".join(["ka"] * 400 + ["ri"]))
    assert work <= 801 * 80  # tokens x the term's tokens, the stated bound


# --- what is marked -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "term", "marked"),
    [
        ("We use C++ daily.", "C++", "C++"),
        ("Runs on .NET now.", ".NET", ".NET"),
        ("Send an e-mail.", "e-mail", "e-mail"),
        ("Premium\nSupport helps.", "Premium Support", "Premium\nSupport"),
        ("STRASSE and more.", "straße", "STRASSE"),
    ],
)
def test_terms_with_punctuation_spaces_and_case_are_marked(text, term, marked):
    html = render_markdown(text, glossary={term: 1})
    assert f'<abbr data-term="1">{marked}</abbr>' in html


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("Supporters rejoice.", "Support"),
        ("xC++ is not it.", "C++"),
        ("ASP.NETX is not it.", ".NET"),
    ],
)
def test_terms_inside_other_words_are_not_marked(text, term):
    assert "<abbr" not in render_markdown(text, glossary={term: 1})


def test_the_longest_term_wins_and_only_the_first_use_is_marked():
    html = render_markdown(
        "Premium Support plan, then Premium Support, then Premium Support plan.",
        glossary={"Premium Support": 1, "Premium Support plan": 2},
    )
    assert html == (
        '<p><abbr data-term="2">Premium Support plan</abbr>, then '
        '<abbr data-term="1">Premium Support</abbr>, then Premium Support plan.</p>'
    )
