"""What a ranked hit shows of its lead on PostgreSQL, and which words are marked:
worked out in Python from the words PostgreSQL says match (docs_registry/search.py),
rather than by ts_headline, which parsed the whole of every lead."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from docs_registry.search import (
    EXCERPT_LEAD_IN,
    EXCERPT_WORDS,
    LEAD_TABLE,
    START,
    STOP,
    _excerpt,
    _highlighted,
    _matching,
    _spans,
)

from .factories import make_document
from .querycount import sql_of


def marked(text: str) -> str:
    return text.replace(START, "[").replace(STOP, "]")


def excerpt_of(text: str, *found: str) -> str:
    matching = _matching(set(found))
    return marked(_excerpt(text, _spans(text, matching) if matching else []))


def numbered(count: int) -> list[str]:
    return [f"w{n}" for n in range(count)]


def test_an_excerpt_starts_a_few_words_before_the_first_match():
    words = numbered(100)
    words[30] = "refund"
    shown = excerpt_of(" ".join(words), "refund")
    first = 30 - EXCERPT_LEAD_IN
    assert shown == (
        "…"
        + " ".join(words[first:30])
        + " [refund] "
        + " ".join(words[31 : first + EXCERPT_WORDS])
        + "…"
    )


def test_a_match_near_the_opening_is_shown_from_the_opening():
    words = numbered(40)
    words[2] = "refund"
    shown = excerpt_of(" ".join(words), "refund")
    assert shown.startswith("w0 w1 [refund] w3")
    assert shown.endswith(f"w{EXCERPT_WORDS - 1}…")


def test_a_match_near_the_end_is_shown_with_as_many_words_as_a_run_holds():
    words = numbered(30)
    words[27] = "refund"
    shown = excerpt_of(" ".join(words), "refund")
    first = 30 - EXCERPT_WORDS
    assert shown == "…" + " ".join(words[first:27]) + " [refund] w28 w29"
    assert excerpt_of("Never paste it by the refund box.", "refund") == (
        "Never paste it by the [refund] box."
    )


def test_matches_far_apart_are_shown_in_two_runs_at_most():
    words = numbered(200)
    for at in (10, 60, 110, 160):
        words[at] = "refund"
    shown = excerpt_of(" ".join(words), "refund")
    runs = shown.split(" … ")
    assert len(runs) == 2
    assert "w6 w7 w8 w9 [refund]" in runs[0]
    assert "w56 w57 w58 w59 [refund]" in runs[1]
    assert "w110" not in shown and shown.startswith("…") and shown.endswith("…")


def test_a_match_within_the_first_run_starts_no_run_of_its_own():
    words = numbered(100)
    words[20] = words[25] = "refund"
    words[80] = "refund"
    shown = excerpt_of(" ".join(words), "refund")
    runs = shown.split(" … ")
    assert runs[0].count("[refund]") == 2
    assert "w76 w77 w78 w79 [refund]" in runs[1]


def test_runs_that_meet_are_joined_with_no_ellipsis():
    words = numbered(100)
    words[10] = "refund"
    words[10 - EXCERPT_LEAD_IN + EXCERPT_WORDS + EXCERPT_LEAD_IN] = "policy"
    shown = excerpt_of(" ".join(words), "refund", "policy")
    assert " … " not in shown
    run_ends = 10 - EXCERPT_LEAD_IN + EXCERPT_WORDS - 1
    assert f"w{run_ends} w{run_ends + 1}" in shown


def test_a_lead_with_no_match_shows_its_opening():
    text = " ".join(numbered(50))
    assert excerpt_of(text) == " ".join(numbered(EXCERPT_WORDS)) + "…"
    assert excerpt_of("Short lead.") == "Short lead."


def test_only_whole_words_as_written_are_marked():
    title, excerpt = _highlighted(
        "Refunds, prerefund and refund_x",
        "A refund. Refunds: (refund) refunded",
        _matching({"refund", "Refunds"}),
    )
    assert marked(title) == "[Refunds], prerefund and refund_x"
    assert marked(excerpt) == "A [refund]. [Refunds]: ([refund]) refunded"


def test_a_hit_with_no_matching_word_is_shown_unmarked():
    assert _highlighted("Title", "Some  words\nhere", None) == (
        "Title",
        "Some words here",
    )


# --- served, on PostgreSQL ---------------------------------------------------------


@pytest.fixture
def reader(client, sales_staff):
    client.force_login(sales_staff)
    return client


def needs_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL stems the words it matches; SQLite's FTS5 does not")


@pytest.mark.django_db
def test_on_postgresql_every_word_that_stems_as_a_query_word_is_marked(
    reader, owner, manager, category
):
    needs_postgresql()
    make_document(
        owner=owner,
        manager=manager,
        title="Policies for refunds",
        body="The policy: refunds are refunded. The police reference is not a refund.",
    )
    html = reader.get("/search/", {"q": "policy refund"}).content.decode()
    assert "<mark>Policies</mark> for <mark>refunds</mark>" in html
    assert (
        "The <mark>policy</mark>: <mark>refunds</mark> are <mark>refunded</mark>. "
        "The police reference is not a <mark>refund</mark>."
    ) in html


@pytest.mark.django_db
def test_on_postgresql_ranked_hits_are_excerpted_without_parsing_their_leads(
    reader, owner, manager, category
):
    """ts_headline parses and stems all of every lead of the page: the costliest
    part of a search after counting. Only hits found deeper in a body use it."""
    needs_postgresql()
    make_document(owner=owner, manager=manager, title="Warranty", body="Terms.")
    with CaptureQueriesContext(connection) as queries:
        html = reader.get("/search/", {"q": "warranty"}).content.decode()
    assert "<mark>Warranty</mark>" in html
    [ranked] = [sql_of(query) for query in queries if LEAD_TABLE in sql_of(query)]
    assert "ts_headline" not in ranked
    assert re.search(r"regexp_matches\(l\.title \|\| ' ' \|\| l\.lead", ranked)
