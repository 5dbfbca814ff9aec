import time

import pytest
from django.utils.safestring import SafeString

from docs_registry.diffing import diff_markdown


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


def test_two_20kb_versions_compare_quickly():
    words = [f"word{n}" for n in range(3500)]
    old = " ".join(words)
    new = " ".join(w.upper() if n % 50 == 0 else w for n, w in enumerate(words))
    assert len(old) > 20_000
    started = time.perf_counter()
    _, stats = diff_markdown(old, new)
    assert time.perf_counter() - started < 2.0  # generous bound; figure in the notes
    assert stats.words_added == 70


@pytest.mark.django_db
def test_comparisons_of_versions_are_kept_under_their_content_hashes(
    document, monkeypatch
):
    from docs_registry import diffing

    from .factories import publish

    publish(document, body="Refunds within 30 days, in full.")
    first, second = document.versions.order_by("number")
    expected = diffing.diff_markdown(first.body, second.body)
    assert diffing.diff_versions(first, second) == expected
    assert diffing.diff_versions(None, second) == diffing.diff_markdown("", second.body)

    def no_second_diff(old, new):
        raise AssertionError("compared again")

    monkeypatch.setattr(diffing, "diff_markdown", no_second_diff)
    html, stats = diffing.diff_versions(first, second)
    assert (html, stats) == expected and isinstance(html, SafeString)
