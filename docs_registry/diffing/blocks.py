"""The comparison of two versions as people read them: their stored, sanitized
HTML cut into blocks (headings, paragraphs, list items, table rows, code blocks),
blocks matched, and the words of each changed block compared.

What is shown is built from that HTML alone, re-emitted through the sanitizer's
own allow-lists, and from escaped text: a comparison can carry nothing that
sanitizing removed, and never reads the Markdown.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from html.parser import HTMLParser

from django.utils.html import escape

from ..rendering import ALLOWED_TAGS, LINK_REL, attribute_allowed
from ..text import normalise_text
from .words import (
    DELETE,
    EQUAL,
    INSERT,
    Alphabet,
    Budget,
    check_changed_words,
    diff_chars,
    tokens,
)

_VOID = frozenset({"br", "hr", "img"})
_LEAVES = frozenset({"p", "pre", "li", "tr", "hr", *(f"h{n}" for n in range(1, 7))})
_CONTAINERS = frozenset({"ul", "ol", "table", "blockquote"})
_TRANSPARENT = frozenset({"thead", "tbody"})  # rows keep only their table
_DROPPED = frozenset({"script", "style"})  # never allowed: not even their text
_SPACED = _LEAVES | _CONTAINERS | _TRANSPARENT | {"td", "th", "br"}
# Blocks sharing fewer of their words than this read better as one removed and
# one inserted than as a word-by-word rewrite.
_SIMILAR = 0.4
_LOOK_AHEAD = 8  # blocks searched for the new form of a changed one


@dataclass
class _Node:
    tag: str
    attrs: list[tuple[str, str | None]] = field(default_factory=list)
    children: list[_Node | str] = field(default_factory=list)


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Node("")
        self._open = [self.root]

    def handle_starttag(self, tag, attrs):
        node = _Node(tag, attrs)
        self._open[-1].children.append(node)
        if tag not in _VOID:
            self._open.append(node)

    def handle_startendtag(self, tag, attrs):
        self._open[-1].children.append(_Node(tag, attrs))

    def handle_endtag(self, tag):
        if any(node.tag == tag for node in self._open[1:]):
            while self._open.pop().tag != tag:
                pass

    def handle_data(self, data):
        self._open[-1].children.append(data)


def _parse(body_html: str) -> _Node:
    builder = _TreeBuilder()
    builder.feed(body_html)
    builder.close()
    return builder.root


def _html(node: _Node | str) -> str:
    """The node as HTML, through the sanitizer's allow-lists again."""
    if isinstance(node, str):
        return escape(node)
    if node.tag in _DROPPED:
        return ""
    inner = _inner_html(node)
    if node.tag not in ALLOWED_TAGS:
        return inner
    attrs = "".join(
        f' {name}="{escape(value)}"'
        for name, value in node.attrs
        if value is not None and attribute_allowed(node.tag, name, value)
    )
    if node.tag == "a":
        attrs += f' rel="{LINK_REL}"'
    if node.tag in _VOID:
        return f"<{node.tag}{attrs}>"
    return f"<{node.tag}{attrs}>{inner}</{node.tag}>"


def sanitized(body_html: str) -> str:
    """Stored HTML re-emitted through the sanitizer's allow-lists."""
    return _inner_html(_parse(body_html))


def _inner_html(node: _Node) -> str:
    return "".join(_html(child) for child in node.children)


def _text(node: _Node | str) -> str:
    if isinstance(node, str):
        return node
    if node.tag in _DROPPED:
        return ""
    if node.tag == "br":
        return "\n"
    inner = "".join(_text(child) for child in node.children)
    return f" {inner} " if node.tag in _SPACED else inner


@dataclass(frozen=True)
class Block:
    kind: str  # the element: p, h2, li, tr, pre, hr
    container: tuple[str, ...]  # the lists, tables and quotes around it
    html: str  # its content, sanitized again
    text: str  # its words as read, whitespace as the browser shows it
    cells: tuple[Block, ...] = ()  # a table row's cells

    @property
    def key(self) -> tuple:
        return (self.kind, self.container, self.html)

    @cached_property
    def words(self) -> list[str]:
        """Its words: the tokens that are not whitespace (`tokens` cuts text on
        the same whitespace as str.split). Read for every pair of blocks that
        might match, so worked out once."""
        return self.text.split()

    @cached_property
    def word_counts(self) -> Counter:
        """How often each word occurs: compared with each block it might match."""
        return Counter(self.words)


def _block(node: _Node, container: tuple[str, ...]) -> Block:
    text = normalise_text("".join(_text(child) for child in node.children))
    text = text.strip("\n") if node.tag == "pre" else " ".join(text.split())
    cells = ()
    if node.tag == "tr":
        cells = tuple(
            _block(child, ())
            for child in node.children
            if isinstance(child, _Node) and child.tag in ("td", "th")
        )
    return Block(node.tag, container, _inner_html(node), text, cells)


def html_blocks(body_html: str) -> list[Block]:
    """The blocks of a rendered body, in reading order."""
    found: list[Block] = []
    _collect(_parse(body_html), (), found)
    return found


def _collect(node: _Node, container: tuple[str, ...], found: list[Block]) -> None:
    loose: list[_Node | str] = []  # text and inline elements outside any block

    def flush():
        if loose:
            found.append(_block(_Node("p", [], loose[:]), container))
            loose.clear()

    for child in node.children:
        if isinstance(child, str) or child.tag not in (
            _LEAVES | _CONTAINERS | _TRANSPARENT
        ):
            if not isinstance(child, str) or child.strip():
                loose.append(child)
            continue
        flush()
        if child.tag in _TRANSPARENT:
            _collect(child, container, found)
        elif child.tag in _CONTAINERS:
            _collect(child, (*container, child.tag), found)
        else:
            found.append(_block(child, container))
    flush()


# --- Comparing ----------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One block of the comparison: "same", "inserted", "removed" or "changed"
    (then `words` holds the word diff, or `cells` one per table cell)."""

    status: str
    block: Block  # the new block, or the removed one
    words: tuple[tuple[int, str], ...] = ()
    cells: tuple[tuple[tuple[int, str], ...], ...] = ()


def compare_blocks(old: list[Block], new: list[Block]) -> list[Change]:
    """The change from `old` to `new`, block by block; `TooDifferent` when that
    would take more work than one comparison may (see words.py)."""
    check_changed_words(
        [w for b in old for w in b.words], [w for b in new for w in b.words]
    )
    budget = Budget()
    alphabet = Alphabet()
    diffs = diff_chars(
        alphabet.encode(b.key for b in old),
        alphabet.encode(b.key for b in new),
        budget,
        readable=False,
    )
    old_blocks, new_blocks = iter(old), iter(new)
    positions = {DELETE: old_blocks, INSERT: new_blocks, EQUAL: new_blocks}
    changes: list[Change] = []
    removed: list[Block] = []
    inserted: list[Block] = []
    for operation, chars in diffs:
        picked = [next(positions[operation]) for _ in chars]
        if operation == EQUAL:
            for _ in chars:
                next(old_blocks)
            changes += _pair(removed, inserted, budget)
            removed, inserted = [], []
            changes += [Change("same", block) for block in picked]
        else:
            (removed if operation == DELETE else inserted).extend(picked)
    return changes + _pair(removed, inserted, budget)


def _pair(removed: list[Block], inserted: list[Block], budget: Budget):
    """Each removed block matched with its new form among the inserted ones, if
    it has one; the others are whole blocks removed or inserted."""
    changes: list[Change] = []
    start = 0
    for block in removed:
        window = range(start, min(start + _LOOK_AHEAD, len(inserted)))
        partner = next(
            (i for i in window if _similar(block, inserted[i], budget)), None
        )
        if partner is None:
            changes.append(Change("removed", block))
            continue
        changes += [Change("inserted", b) for b in inserted[start:partner]]
        changes.append(_changed(block, inserted[partner], budget))
        start = partner + 1
    return changes + [Change("inserted", b) for b in inserted[start:]]


def _similar(old: Block, new: Block, budget: Budget) -> bool:
    if (old.kind, old.container, len(old.cells)) != (
        new.kind,
        new.container,
        len(new.cells),
    ):
        return False
    old_words, new_words = old.words, new.words
    total = len(old_words) + len(new_words)
    budget.spend(total)
    if not total:
        return True
    # Even if every word of the shorter one were shared, not similar enough.
    if 2 * min(len(old_words), len(new_words)) < _SIMILAR * total:
        return False
    fewer, more = sorted((old.word_counts, new.word_counts), key=len)
    common = sum(min(count, more[word]) for word, count in fewer.items())
    return 2 * common >= _SIMILAR * total


def _changed(old: Block, new: Block, budget: Budget) -> Change:
    if new.cells:
        cells = tuple(
            word_diff(a.text, b.text, budget)
            for a, b in zip(old.cells, new.cells, strict=True)
        )
        return Change("changed", new, cells=cells)
    return Change("changed", new, words=word_diff(old.text, new.text, budget))


def word_diff(old: str, new: str, budget: Budget) -> tuple[tuple[int, str], ...]:
    alphabet = Alphabet()
    diffs = diff_chars(
        alphabet.encode(tokens(old)), alphabet.encode(tokens(new)), budget
    )
    return tuple((operation, alphabet.text(chars)) for operation, chars in diffs)


def counts(changes: list[Change]) -> tuple[int, int]:
    """Words added and removed."""
    added = removed = 0
    for change in changes:
        if change.status == "inserted":
            added += _block_words(change.block)
        elif change.status == "removed":
            removed += _block_words(change.block)
        for operation, text in _all_words(change):
            # Its words: the tokens that are not whitespace (see Block.words).
            if operation == INSERT:
                added += len(text.split())
            elif operation == DELETE:
                removed += len(text.split())
    return added, removed


def _block_words(block: Block) -> int:
    if block.cells:
        return sum(len(cell.words) for cell in block.cells)
    return len(block.words)


def _all_words(change: Change):
    yield from change.words
    for cell in change.cells:
        yield from cell
