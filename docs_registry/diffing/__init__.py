"""Comparisons of two versions: as people read them (`compare_versions`, block by
block on the rendered page) and of their Markdown source (`diff_versions`).

Both normalise the text first (see text.py), so a version stored with a browser's
CRLF compares clean with one without, and both do a bounded amount of work decided
by the texts alone (see words.py): two versions too different to compare word by
word say so instead, the same way on every machine.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from ..caching import cache_key, remember
from ..text import normalise_text
from .blocks import compare_blocks, counts, html_blocks, sanitized
from .showing import changes_html, changes_text
from .words import (
    DELETE,
    INSERT,
    Alphabet,
    Budget,
    TooDifferent,
    check_changed_words,
    diff_chars,
    tokens,
    word_count,
)

__all__ = [
    "Comparison",
    "DiffStats",
    "TooDifferent",
    "compare_rendered",
    "compare_versions",
    "diff_markdown",
    "diff_versions",
]

# Part of every cache key: a new way of comparing must not read the old results.
ALGORITHM = "2"


@dataclass(frozen=True)
class DiffStats:
    words_added: int
    words_removed: int

    @property
    def unchanged(self) -> bool:
        return not (self.words_added or self.words_removed)


@dataclass(frozen=True)
class Comparison:
    """A comparison ready to show. `too_different`: the versions differ too much
    to compare word by word; `html` then shows each version whole."""

    html: SafeString
    stats: DiffStats
    too_different: bool = False
    text: str = ""  # the changes as plain text


def diff_markdown(old: str, new: str) -> tuple[SafeString, DiffStats]:
    """Word-level diff of two Markdown sources as escaped HTML with <ins>/<del>.
    Raises `TooDifferent`."""
    old_tokens, new_tokens = tokens(normalise_text(old)), tokens(normalise_text(new))
    check_changed_words(old_tokens, new_tokens)
    alphabet = Alphabet()
    diffs = diff_chars(
        alphabet.encode(old_tokens), alphabet.encode(new_tokens), Budget()
    )
    out: list[str] = []
    added = removed = 0
    for operation, chars in diffs:
        parts = alphabet.decode(chars)
        text = escape("".join(parts))
        if operation == INSERT:
            out.append(f"<ins>{text}</ins>")
            added += word_count(parts)
        elif operation == DELETE:
            out.append(f"<del>{text}</del>")
            removed += word_count(parts)
        else:
            out.append(text)
    # Every token above went through escape(); only our own tags are unescaped.
    html = mark_safe("".join(out))  # noqa: S308
    return html, DiffStats(words_added=added, words_removed=removed)


def compare_rendered(old_html: str, new_html: str) -> Comparison:
    """The change between two stored, sanitized bodies, block by block (see
    blocks.py). Raises `TooDifferent`."""
    changes = compare_blocks(html_blocks(old_html), html_blocks(new_html))
    added, removed = counts(changes)
    # Built from re-sanitized blocks and escaped text only (see blocks.py).
    html = mark_safe(changes_html(changes))  # noqa: S308
    return Comparison(html, DiffStats(added, removed), text=changes_text(changes))


def _kept(key: str, compare, whole) -> Comparison:
    """`compare()` kept under `key`; `whole()` shows both versions when they are
    too different (only that verdict is kept: both versions are as long as both,
    and quick to show)."""

    def compared() -> tuple:
        try:
            comparison = compare()
        except TooDifferent:
            return ("", "", 0, 0, True)
        stats = comparison.stats
        html, text = str(comparison.html), comparison.text
        return (html, text, stats.words_added, stats.words_removed, False)

    html, text, added, removed, too_different = remember(key, compared)
    if too_different:
        return Comparison(whole(), DiffStats(0, 0), too_different=True)
    return Comparison(mark_safe(html), DiffStats(added, removed), text=text)  # noqa: S308 -- ours


def _key(kind: str, old, new) -> str:
    # Published versions never change: equal hashes, equal comparisons.
    return cache_key(
        kind, ALGORITHM, old.content_hash if old else "-", new.content_hash
    )


TOO_DIFFERENT = (
    "These versions are too different to compare word by word; here is each version."
)


def _each_version(old, new, show) -> SafeString:
    """The too-different answer: the message, then each version whole."""
    sides = [("Before", old), ("After", new)] if old else [("After", new)]
    return format_html(
        '<p class="too-different">{}</p>{}',
        TOO_DIFFERENT,
        format_html_join(
            "",
            '<section class="version-side"><h3>{} (v{})</h3>{}</section>',
            ((label, version.number, show(version)) for label, version in sides),
        ),
    )


def compare_versions(old, new) -> Comparison:
    """The rendered comparison of two versions (`old` may be None: an empty
    document), kept under their content hashes."""
    return _kept(
        _key("compare", old, new),
        lambda: compare_rendered(old.body_html if old else "", new.body_html),
        # Stored, sanitized HTML, re-emitted through the allow-lists (blocks.py).
        lambda: _each_version(
            old,
            new,
            lambda version: mark_safe(sanitized(version.body_html)),  # noqa: S308
        ),
    )


def diff_versions(old, new) -> Comparison:
    """`diff_markdown` of two versions' bodies (`old` may be None: an empty text),
    kept under their content hashes."""

    def compare():
        html, stats = diff_markdown(old.body if old else "", new.body)
        return Comparison(html, stats)

    return _kept(
        _key("diff", old, new),
        compare,
        lambda: _each_version(
            old,
            new,
            lambda version: format_html('<pre class="diff">{}</pre>', version.body),
        ),
    )
