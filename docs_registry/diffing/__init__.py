"""Comparisons of two versions: as people read them (`compare_versions`, block by
block on the rendered page) and of their Markdown source (`diff_versions`).

Both normalise the text first (see text.py), so a version stored with a browser's
CRLF compares clean with one without, and both do a bounded amount of work decided
by the texts alone (see words.py): two versions too different to compare word by
word say so instead, the same way on every machine.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import partial

from django.db import DatabaseError, transaction
from django.db.models import CharField, Q, QuerySet
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from .. import read_only
from ..caching import MISSING, cache_key, keep, recall
from ..models import StoredComparison, Version
from ..prepared import Param, prepared
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
    "compare_each",
    "DiffStats",
    "TooDifferent",
    "compare_rendered",
    "compare_versions",
    "diff_markdown",
    "diff_versions",
]

logger = logging.getLogger(__name__)

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


# What is kept and stored of a comparison: its HTML, its text, the words added
# and removed, and whether the versions were too different to compare.
_Result = tuple[str, str, int, int, bool]
# Pairs looked up in the stored comparisons by one query: a digest page's at most.
_LOOKED_UP_TOGETHER = 10


def _result(compare) -> _Result:
    try:
        comparison = compare()
    except TooDifferent:
        return ("", "", 0, 0, True)
    stats = comparison.stats
    html, text = str(comparison.html), comparison.text
    return (html, text, stats.words_added, stats.words_removed, False)


def _each(
    kind: str, pairs: list, compare, whole, *, body: str, store: bool, text: bool = True
) -> list[Comparison]:
    """`compare(old, new)` of each pair: stored (StoredComparison, one query for
    them all), else kept in the cache, else worked out, and then stored if
    `store`, else kept. `whole(old, new)` shows both versions when they are too
    different (only that verdict is stored or kept: it is quick to show).

    Where the comparisons are stored (`store`: towards a current version), the
    table is read first and the cache holds no second copy of what it holds:
    none to push kept pages out, and no look-up in the cache for each of them
    when a page is worked out afresh (a cold digest's ten look-ups and ten
    copies took 0.27 ms of its 9 on SQLite). The cache holds what the table does
    not: other pairs, and any a database that refuses writes could not store.
    Other pairs are looked up in the cache first, where they are kept.

    The versions may come without their `body` field (deferred): it is read, in
    one query, only for the pairs worked out or shown whole. Callers whose
    comparisons are stored read no body at all (20 of them, 3 KB each, took
    0.35 ms of a digest on PostgreSQL).

    Without `text`, what is read from the table has no plain text (""): a page
    shows the HTML alone, and the text of a digest's ten stored comparisons, kept
    compressed out of line, cost PostgreSQL 0.1 ms to read."""
    results = [MISSING] * len(pairs)
    in_table = partial(_in_table, text=text)
    for look_up in (in_table, _in_cache) if store else (_in_cache, in_table):
        missing = [index for index, result in enumerate(results) if result is MISSING]
        if missing:
            found = look_up(kind, [pairs[index] for index in missing])
            for index, result in zip(missing, found, strict=True):
                results[index] = result
    shown_whole = [
        pairs[index]
        for index, result in enumerate(results)
        if result is MISSING or result[-1]  # worked out, or too different
    ]
    _read_bodies([version for pair in shown_whole for version in pair], body)
    worked_out = []
    for index, result in enumerate(results):
        if result is MISSING:
            old, new = pairs[index]
            result = results[index] = _result(partial(compare, old, new))
            worked_out.append((old, new, result))
    if worked_out and not (store and _store(kind, worked_out)):
        for old, new, result in worked_out:
            keep(_key(kind, old, new), result)
    return [
        _comparison(result, partial(whole, old, new))
        for result, (old, new) in zip(results, pairs, strict=True)
    ]


def _in_cache(kind: str, pairs: list) -> list:
    """Each pair's comparison kept in the cache, or MISSING."""
    return [recall(_key(kind, old, new)) for old, new in pairs]


def _in_table(kind: str, pairs: list, *, text: bool = True) -> list:
    """Each pair's stored comparison, or MISSING."""
    stored = _stored(kind, pairs, text=text)
    return [stored.get(_hashes(old, new), MISSING) for old, new in pairs]


def _read_bodies(versions: list, body: str) -> None:
    """Fill in `body` of the versions read without it, in one query."""
    wanted = {
        version.pk: version
        for version in versions
        if version is not None and body in version.get_deferred_fields()
    }
    if wanted:
        for pk, text in Version.objects.filter(pk__in=wanted).values_list("pk", body):
            setattr(wanted[pk], body, text)


def _comparison(result: _Result, whole) -> Comparison:
    html, text, added, removed, too_different = result
    if too_different:
        return Comparison(whole(), DiffStats(0, 0), too_different=True)
    return Comparison(mark_safe(html), DiffStats(added, removed), text=text)  # noqa: S308 -- ours


def _hashes(old, new) -> tuple[str, str]:
    return (old.content_hash if old is not None else "", new.content_hash)


def _stored(
    kind: str, pairs: list, *, text: bool = True
) -> dict[tuple[str, str], _Result]:
    """The stored comparisons of `pairs`, by the versions' content hashes (with
    their plain text, or "" for it)."""
    wanted = [_hashes(old, new) for old, new in pairs]
    found = {}
    for start in range(0, len(wanted), _LOOKED_UP_TOGETHER):
        chunk = wanted[start : start + _LOOKED_UP_TOGETHER]
        values = {}
        for index, (old_hash, new_hash) in enumerate(chunk):
            values |= {f"old{index}": old_hash, f"new{index}": new_hash}
        for old_hash, new_hash, html, *result in prepared(
            _stored_comparisons, kind, ALGORITHM, len(chunk), text
        ).run(**values):
            if not text:
                result.insert(0, "")
            found[old_hash, new_hash] = (html, *result)
    return found


def _stored_comparisons(kind: str, algorithm: str, count: int, text: bool) -> QuerySet:
    wanted = Q()
    for index in range(count):
        wanted |= Q(
            new_hash=Param(f"new{index}", CharField()),
            old_hash=Param(f"old{index}", CharField()),
        )
    return StoredComparison.objects.filter(
        wanted, kind=kind, algorithm=algorithm
    ).values_list("old_hash", "new_hash", *(_STORED_RESULT if text else _SHOWN))


_STORED_RESULT = ("html", "text", "words_added", "words_removed", "too_different")
# What a page shows of it: all but the plain text.
_SHOWN = tuple(name for name in _STORED_RESULT if name != "text")


def _store(kind: str, worked_out: list) -> bool:
    """Store what was worked out, (old, new, result) each, for every worker and
    after the cache is emptied; whether it could. A database that refuses the
    write leaves the page as it is (and another worker storing the same
    comparison first is no conflict)."""
    rows = []
    for old, new, result in worked_out:
        old_hash, new_hash = _hashes(old, new)
        rows.append(
            StoredComparison(
                old_hash=old_hash,
                new_hash=new_hash,
                kind=kind,
                algorithm=ALGORITHM,
                **dict(zip(_STORED_RESULT, result, strict=True)),
            )
        )
    try:
        with transaction.atomic():
            StoredComparison.objects.bulk_create(rows, ignore_conflicts=True)
    except DatabaseError as error:
        if read_only.is_read_only_error(error):
            read_only.report(error)
        else:
            logger.warning("A comparison could not be stored: %s", error)
        return False
    return True


def _key(kind: str, old, new) -> str:
    # Published versions never change: equal hashes, equal comparisons.
    return cache_key(kind, ALGORITHM, *_hashes(old, new))


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


def _rendered(old, new) -> Comparison:
    return compare_rendered(old.body_html if old else "", new.body_html)


def _rendered_whole(old, new) -> SafeString:
    # Stored, sanitized HTML, re-emitted through the allow-lists (blocks.py).
    return _each_version(
        old,
        new,
        lambda version: mark_safe(sanitized(version.body_html)),  # noqa: S308
    )


def compare_each(
    pairs: list, *, store: bool = False, text: bool = True
) -> list[Comparison]:
    """The rendered comparison of each (old, new) pair of versions of a document
    (`old` may be None: an empty document), kept under their content hashes.
    `store`: each `new` is its document's current version or a change announced
    (see StoredComparison). `text`: with the changes as plain text (an email's);
    without, a comparison read from the table has none ("")."""
    return _each(
        StoredComparison.Kind.RENDERED,
        pairs,
        _rendered,
        _rendered_whole,
        body="body_html",
        store=store,
        text=text,
    )


def compare_versions(old, new, *, store: bool = False) -> Comparison:
    """`compare_each` of one pair."""
    return compare_each([(old, new)], store=store)[0]


def _source(old, new) -> Comparison:
    html, stats = diff_markdown(old.body if old else "", new.body)
    return Comparison(html, stats)


def _source_whole(old, new) -> SafeString:
    return _each_version(
        old,
        new,
        lambda version: format_html('<pre class="diff">{}</pre>', version.body),
    )


def diff_versions(old, new, *, store: bool = False) -> Comparison:
    """`diff_markdown` of two versions' bodies (`old` may be None: an empty text),
    kept under their content hashes; `store` as for `compare_each`."""
    return _each(
        StoredComparison.Kind.SOURCE,
        [(old, new)],
        _source,
        _source_whole,
        body="body",
        store=store,
    )[0]
