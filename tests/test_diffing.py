import random

import pytest
from django.utils.safestring import SafeString
from hypothesis import given, settings
from hypothesis import strategies as st

from docs_registry.diffing import (
    TooDifferent,
    compare_rendered,
    compare_versions,
    diff_markdown,
    diff_versions,
)
from docs_registry.diffing import words as diff_words
from docs_registry.rendering import render_markdown


def test_marks_changed_words_only():
    html, stats = diff_markdown("Refunds within 14 days.", "Refunds within 30 days.")
    assert html == "Refunds within <del>14</del><ins>30</ins> days."
    assert (stats.words_added, stats.words_removed) == (1, 1)


def test_keeps_lines_and_marks_added_and_removed_lines():
    old = "# Title\n\nKeep this.\nDrop this.\n"
    new = "# Title\n\nKeep this.\nAdd this line.\n"
    html, _ = diff_markdown(old, new)
    assert html.startswith("# Title\n\nKeep this.\n")
    assert "<del>Drop" in html and "<ins>Add" in html


def test_escapes_every_token():
    html, _ = diff_markdown("<b>old</b>", '<img src=x onerror="alert(1)">')
    assert "<img" not in html and "<b>" not in html
    assert "&lt;img" in html


def test_identical_texts_are_unchanged():
    html, stats = diff_markdown("same\n", "same\n")
    assert stats.unchanged and html == "same\n"


# Normalising ------------------------------------------------------------------


OLD_CRLF = (
    "# Returns  \r\n\r\nRefunds within 14 days, in full.  \r\n\r\n"
    "| Plan | Days |  \r\n|---|---|\r\n| Basic | 14 |  \r\n\r\n"
    "- Keep the receipt.  \r\n"
)
NEW_LF = (
    "# Returns\n\nRefunds within 30 days, in full.\n\n"
    "| Plan | Days |\n|---|---|\n| Basic | 14 |\n\n- Keep the receipt.\n"
)


def test_crlf_and_trailing_spaces_are_no_change_in_the_source():
    html, stats = diff_markdown(OLD_CRLF, NEW_LF)
    assert (stats.words_added, stats.words_removed) == (1, 1)
    assert "<del>14</del><ins>30</ins>" in html and "\r" not in html


def test_crlf_and_trailing_spaces_are_no_change_when_rendered():
    compared = compare_rendered(render_markdown(OLD_CRLF), render_markdown(NEW_LF))
    assert (compared.stats.words_added, compared.stats.words_removed) == (1, 1)
    assert "<del>14</del><ins>30</ins>" in compared.html


# The rendered comparison ----------------------------------------------------


def rendered(old: str, new: str):
    return compare_rendered(render_markdown(old), render_markdown(new))


def test_the_rendered_comparison_shows_no_markdown():
    compared = rendered(
        "Up to **10%** needs [approval](https://a.example).",
        "Up to **15%** needs [approval](https://a.example).",
    )
    assert (
        compared.html
        == '<p class="changed">Up to <del>10%</del><ins>15%</ins> needs approval.</p>'
    )
    assert "**" not in compared.html


def test_whole_blocks_inserted_and_removed_keep_their_formatting():
    compared = rendered(
        "Intro.\n\n## Old heading\n\nGone for good.\n",
        "Intro.\n\nA **new** paragraph.\n",
    )
    html = compared.html
    assert '<h2 class="removed"><del>Old heading</del></h2>' in html
    assert '<p class="removed"><del>Gone for good.</del></p>' in html
    assert (
        '<p class="inserted"><ins>A <strong>new</strong> paragraph.</ins></p>' in html
    )
    assert (compared.stats.words_added, compared.stats.words_removed) == (3, 5)


def test_list_items_table_cells_and_code_change_in_place():
    table = "| a | b |\n|---|---|\n| 1 | {} |\n\n"
    old = "- one\n- two\n\n" + table.format(2) + "```\nrun --fast\n```\n"
    new = "- one\n- two\n- three\n\n" + table.format(5) + "```\nrun --slow\n```\n"
    compared = rendered(old, new)
    html = compared.html
    assert (
        '<ul><li>one</li><li>two</li><li class="inserted"><ins>three</ins></li></ul>'
        in html
    )
    assert (
        '<tr class="changed"><td>1</td><td><del>2</del><ins>5</ins></td></tr>' in html
    )
    assert (
        '<pre class="changed"><code>run <del>--fast</del><ins>--slow</ins></code></pre>'
        in html
    )
    assert compared.text.splitlines() == [
        "[+ three +]",
        "1 | [-2-][+5+]",
        "run [---fast-][+--slow+]",
    ]


def test_unchanged_blocks_are_folded_into_a_line_that_opens():
    paragraphs = [f"Paragraph {n} stays." for n in range(14)]
    old = "\n\n".join(["Top changes.", *paragraphs])
    new = "\n\n".join(["Top changed.", *paragraphs])
    html = rendered(old, new).html
    # One unchanged paragraph of context is shown, the other 13 are folded.
    assert "<p>Paragraph 0 stays.</p><details" in html
    assert (
        "<summary>&hellip; 13 unchanged paragraphs &hellip;</summary>"
        "<p>Paragraph 1 stays.</p>" in html
    )


def test_a_table_with_a_change_is_shown_whole():
    rows = "".join(f"| row {n} | {n} |\n" for n in range(8))
    old = f"Intro.\n\n| Name | Value |\n|---|---|\n{rows}"
    new = old.replace("| row 7 | 7 |", "| row 7 | 70 |")
    html = rendered(old, new).html
    table = html[html.index("<table>") : html.index("</table>")]
    assert "<details" not in table and table.count("<tr") == 9
    assert "<th>Name</th>" in table


def test_the_rendered_comparison_carries_only_what_sanitizing_keeps():
    # Stored HTML is sanitized already; re-emitting it goes through the same
    # allow-lists, so even HTML that was not sanitized would come out clean.
    hostile = (
        '<p onclick="x()">a <a href="javascript:alert(1)">b</a></p>'
        "<script>alert(1)</script><p><img src=x onerror=alert(1)>c</p>"
    )
    html = compare_rendered("", hostile).html + compare_rendered(hostile, "").html
    assert "<script" not in html and "onclick" not in html and "onerror" not in html
    assert "javascript:" not in html and "alert(1)" not in html


# Bounded, deterministic work --------------------------------------------------


def unrelated_text(seed: int, size: int) -> str:
    """Paragraphs of made-up words, the same for the same seed."""
    rng = random.Random(seed)
    syllables = ["ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "ze", "qu"]
    paragraphs, length = [], 0
    while length < size:
        words = [
            "".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))) + str(seed)
            for _ in range(60)
        ]
        paragraphs.append(" ".join(words) + ".")
        length += len(paragraphs[-1]) + 2
    return "\n\n".join(paragraphs)


def test_two_unrelated_200kb_documents_are_refused_before_any_matching(monkeypatch):
    old, new = unrelated_text(1, 200_000), unrelated_text(2, 200_000)

    def no_matching(*args):
        raise AssertionError("matched although the size already decided")

    monkeypatch.setattr(diff_words, "_myers", no_matching)
    monkeypatch.setattr(diff_words, "_compiled", no_matching)
    with pytest.raises(TooDifferent):
        diff_markdown(old, new)
    with pytest.raises(TooDifferent):
        rendered(old, new)


def test_the_same_words_reordered_stop_at_the_step_budget(monkeypatch):
    # No word count differs, so only the budget can stop this.
    words = [f"w{n}" for n in range(3_000)]
    old, new = " ".join(words), " ".join(reversed(words))
    budget = diff_words.Budget(200_000)
    with pytest.raises(TooDifferent):
        diff_words.diff_chars(*_encoded(old, new), budget)
    assert budget.left < 0


def _encoded(old: str, new: str) -> tuple[str, str]:
    alphabet = diff_words.Alphabet()
    return (
        alphabet.encode(diff_words.tokens(old)),
        alphabet.encode(diff_words.tokens(new)),
    )


def test_a_long_text_with_scattered_changes_takes_few_steps():
    words = [f"word{n}" for n in range(3500)]
    old = " ".join(words)
    new = " ".join(w.upper() if n % 50 == 0 else w for n, w in enumerate(words))
    assert len(old) > 20_000
    budget = diff_words.Budget()
    diffs = diff_words.diff_chars(*_encoded(old, new), budget)
    # 70 changes among 7,000 tokens: steps grow with the changes, not the square
    # of the length.
    assert diff_words.MAX_STEPS - budget.left < 60_000
    assert sum(len(chars) for op, chars in diffs if op == diff_words.INSERT) == 70
    _, stats = diff_markdown(old, new)
    assert stats.words_added == 70


# Kept comparisons -------------------------------------------------------------


@pytest.mark.django_db
def test_comparisons_of_versions_are_kept_under_their_content_hashes(
    document, monkeypatch
):
    from docs_registry import diffing

    from .factories import publish

    publish(document, body="Refunds within 30 days, in full.")
    first, second = document.versions.order_by("number")
    source = diff_versions(first, second)
    assert (source.html, source.stats) == diffing.diff_markdown(first.body, second.body)
    shown = compare_versions(first, second)
    assert shown == compare_rendered(first.body_html, second.body_html)

    def no_second_comparison(old, new):
        raise AssertionError("compared again")

    monkeypatch.setattr(diffing, "diff_markdown", no_second_comparison)
    monkeypatch.setattr(diffing, "compare_rendered", no_second_comparison)
    assert diff_versions(first, second) == source
    assert compare_versions(first, second) == shown
    assert isinstance(compare_versions(first, second).html, SafeString)


def _compared_again(old, new):
    raise AssertionError("compared again")


def test_a_comparison_stored_is_read_after_the_cache_is_emptied(document, monkeypatch):
    from docs_registry import caching, diffing
    from docs_registry.models import StoredComparison

    from .factories import publish

    publish(document, body="Refunds within 30 days, in full.")
    first, second = document.versions.order_by("number")
    shown = compare_versions(first, second, store=True)
    source = diff_versions(first, second, store=True)
    hashes = (first.content_hash, second.content_hash)
    assert set(
        StoredComparison.objects.values_list("kind", "old_hash", "new_hash")
    ) == {("compare", *hashes), ("diff", *hashes)}

    caching.empty()
    monkeypatch.setattr(diffing, "diff_markdown", _compared_again)
    monkeypatch.setattr(diffing, "compare_rendered", _compared_again)
    assert compare_versions(first, second) == shown
    assert diff_versions(first, second) == source
    assert isinstance(compare_versions(first, second).html, SafeString)


def test_a_stored_comparison_is_read_from_the_table_and_not_kept_twice(
    document, monkeypatch
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from docs_registry import caching, diffing

    from .factories import publish

    publish(document, body="Refunds within 30 days, in full.")
    first, second = document.versions.order_by("number")
    shown = compare_versions(first, second, store=True)
    # Stored, so not also kept: the cache holds pages, not second copies.
    assert caching.recall(diffing._key("compare", first, second)) is caching.MISSING
    looked_up = []
    monkeypatch.setattr(diffing, "recall", looked_up.append)
    with CaptureQueriesContext(connection) as queries:
        assert compare_versions(first, second, store=True) == shown
    assert looked_up == []  # read from the table alone, in one query
    assert len(queries) == 1
    monkeypatch.undo()
    # Compared as another pair (not towards a current version), it is kept.
    compare_versions(None, first)
    assert caching.recall(diffing._key("compare", None, first)) is not caching.MISSING


def test_a_comparison_is_stored_only_when_asked(document):
    from docs_registry import caching
    from docs_registry.models import StoredComparison

    from .factories import publish

    publish(document, body="Refunds within 30 days, in full.")
    first, second = document.versions.order_by("number")
    compare_versions(first, second)
    diff_versions(first, second)
    caching.empty()
    compare_versions(None, first)
    assert not StoredComparison.objects.exists()


def test_comparisons_stored_by_another_algorithm_are_worked_out_again(
    document, monkeypatch
):
    from docs_registry import caching, diffing
    from docs_registry.models import StoredComparison

    from .factories import publish

    publish(document, body="Refunds within 30 days, in full.")
    first, second = document.versions.order_by("number")
    shown = compare_versions(first, second, store=True)
    StoredComparison.objects.update(html="<p>what an older release worked out</p>")
    caching.empty()
    monkeypatch.setattr(diffing, "ALGORITHM", "next")
    assert compare_versions(first, second, store=True) == shown
    assert StoredComparison.objects.filter(algorithm="next").get().html == shown.html


def test_too_different_versions_are_stored_as_such(document, monkeypatch):
    from docs_registry import caching, diffing

    from .factories import publish

    publish(document, body=unrelated_text(1, 190_000))
    publish(document, body=unrelated_text(2, 190_000))
    first, second = document.versions.filter(number__gt=1).order_by("number")
    shown = compare_versions(first, second, store=True)
    assert shown.too_different
    caching.empty()
    monkeypatch.setattr(diffing, "compare_rendered", _compared_again)
    assert compare_versions(first, second) == shown


def test_a_digest_page_looks_up_its_stored_comparisons_in_one_query(document, manager):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from docs_registry import caching
    from docs_registry.diffing import compare_each

    from .factories import make_document, publish

    pairs = []
    for number in range(12):
        other = make_document(
            owner=document.owner, manager=manager, title=f"Rule {number}"
        )
        publish(other, body=f"Rule {number}, revised.")
        pairs.append(tuple(other.versions.order_by("number")))
    shown = compare_each(pairs, store=True)
    caching.empty()
    with CaptureQueriesContext(connection) as queries:
        assert compare_each(pairs) == shown
    # Ten pairs a query: a digest page's at most.
    assert len(queries) == 2


# Two ways of matching, one answer ---------------------------------------------

_SHORT_TEXTS = st.text(alphabet="abcd", max_size=40)


def _replayed(diffs) -> tuple[str, str]:
    """The old and new texts an edit script describes."""
    old = "".join(text for op, text in diffs if op != diff_words.INSERT)
    new = "".join(text for op, text in diffs if op != diff_words.DELETE)
    return old, new


def _edits(diffs) -> int:
    return sum(len(text) for op, text in diffs if op != diff_words.EQUAL)


@settings(max_examples=300, deadline=None)
@given(old=_SHORT_TEXTS, new=_SHORT_TEXTS)
def test_compiled_matching_finds_as_few_edits_as_myers(old, new):
    compiled = diff_words._compiled(old, new, diff_words.Budget())
    myers = diff_words._myers(old, new, diff_words.Budget())
    assert _replayed(compiled) == _replayed(myers) == (old, new)
    assert _edits(compiled) == _edits(myers)
    # Within a change, what goes comes before what replaces it.
    for (first, _), (second, _) in zip(compiled, compiled[1:], strict=False):
        assert (first, second) != (diff_words.INSERT, diff_words.DELETE)


def test_long_texts_are_matched_by_myers_whose_work_follows_the_changes(
    monkeypatch,
):
    words = [f"word{n}" for n in range(2_100)]
    # Changed at both ends, so that nothing is trimmed as common before matching.
    old, new = " ".join(words), " ".join(["new"] + words[1:-1] + ["end"])
    encoded = _encoded(old, new)
    assert len(encoded[0]) * len(encoded[1]) > diff_words.COMPILED_MATCHING_MAX_CELLS

    def unbounded(*args):
        raise AssertionError("a bit matrix of 4,200 × 4,200 tokens")

    monkeypatch.setattr(diff_words, "_compiled", unbounded)
    diffs = diff_words.diff_chars(*encoded, diff_words.Budget(), readable=False)
    assert _edits(diffs) == 4


# --- semantic cleanup (diffing/cleanup.py) -----------------------------------------

_DIFFS = st.lists(
    st.tuples(st.sampled_from([-1, 0, 1]), st.text(alphabet="ab ", max_size=6)),
    max_size=16,
)


@settings(max_examples=3000, deadline=None)
@given(diffs=_DIFFS)
def test_the_semantic_cleanup_is_the_librarys(diffs):
    from diff_match_patch import diff_match_patch

    from docs_registry.diffing.cleanup import cleanup_semantic

    theirs, ours = list(diffs), list(diffs)
    diff_match_patch().diff_cleanupSemantic(theirs)
    cleanup_semantic(ours)
    assert ours == theirs


def test_a_rewrite_is_cleaned_up_in_steps_that_follow_its_length():
    # The library rescans every change since two equalities back after each
    # elimination: 6,000 diffs took it 3 s, 60,000 over 3 minutes.
    from docs_registry.diffing import cleanup

    diffs = [(0, "x"), (-1, "ab"), (1, "cd")] * 2000
    eliminated, visits = cleanup._eliminate_equalities(list(diffs))
    assert eliminated
    assert visits < 5 * 4000  # 4,000 segments: 2,000 equalities, 2,000 groups
    cleanup.cleanup_semantic(diffs)
    assert diffs == [(0, "x"), (-1, "ab" + "xab" * 1999), (1, "cd" + "xcd" * 1999)]


@given(text=st.text(alphabet=st.sampled_from("ab \t\n\u00a0\u2003\u3000\x1c\u200b.")))
def test_a_blocks_words_are_its_tokens_that_are_not_whitespace(text):
    from docs_registry.diffing.blocks import Block

    block = Block("p", (), "", text)
    expected = [token for token in diff_words.tokens(text) if not token.isspace()]
    assert block.words == expected


_WORDS = st.lists(st.sampled_from(["a", "b", "c", "d", "ee", "fff"]), max_size=30)


@settings(max_examples=500, deadline=None)
@given(old=_WORDS, new=_WORDS)
def test_blocks_are_similar_by_the_words_they_share(old, new):
    """Two blocks pair up when the words they share (counted with repeats) are
    at least 40% of both: the rule worked out from each block's word counts."""
    from collections import Counter

    from docs_registry.diffing.blocks import Block, _similar
    from docs_registry.diffing.words import Budget

    first, second = (Block("p", (), "", " ".join(words)) for words in (old, new))
    shared = sum((Counter(old) & Counter(new)).values())
    expected = not (old or new) or 2 * shared >= 0.4 * (len(old) + len(new))
    assert _similar(first, second, Budget()) == expected


@pytest.mark.parametrize(
    ("old_words", "added_words", "kept", "refused"),
    [
        # Every word differs: refused once more than MAX_CHANGED_WORDS of them do.
        (2_500, 2_500, False, False),
        (2_500, 2_501, False, True),
        # More words in all, but the old ones kept: only the added ones differ.
        (2_600, 2_600, True, False),
    ],
)
def test_changed_words_are_refused_just_past_the_limit(
    old_words, added_words, kept, refused
):
    assert diff_words.MAX_CHANGED_WORDS == 5_000
    old = [f"old{n}" for n in range(old_words)]
    new = (old if kept else []) + [f"new{n}" for n in range(added_words)]
    if refused:
        with pytest.raises(TooDifferent):
            diff_words.check_changed_words(old, new)
    else:
        diff_words.check_changed_words(old, new)


@given(text=st.text(alphabet=st.sampled_from("ab \t\n\u00a0\u3000.")))
def test_a_run_of_tokens_decodes_to_the_text_it_encodes(text):
    alphabet = diff_words.Alphabet()
    encoded = alphabet.encode(diff_words.tokens(text))
    assert alphabet.text(encoded) == "".join(alphabet.decode(encoded)) == text
    assert alphabet.text(encoded[1:]) == "".join(alphabet.decode(encoded[1:]))


def test_a_page_reads_a_stored_comparison_without_its_plain_text(document):
    """A page shows a stored comparison's HTML alone: its plain text (an email's),
    stored compressed out of line on PostgreSQL, is left unread there."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from docs_registry.diffing import compare_each

    from .factories import publish
    from .querycount import sql_of

    publish(document, body="Refunds within 30 days, in full.")
    first, second = document.versions.order_by("number")
    (worked_out,) = compare_each([(first, second)], store=True)
    assert "30 days" in worked_out.text
    with CaptureQueriesContext(connection) as queries:
        (shown,) = compare_each([(first, second)], store=True, text=False)
    assert (shown.html, shown.stats, shown.text) == (
        worked_out.html,
        worked_out.stats,
        "",
    )
    (read,) = map(sql_of, queries)
    assert '"docs_registry_storedcomparison"."html"' in read
    assert '"docs_registry_storedcomparison"."text"' not in read
    (emailed,) = compare_each([(first, second)], store=True)
    assert emailed.text == worked_out.text
