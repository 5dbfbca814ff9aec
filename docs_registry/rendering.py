"""Markdown to sanitized HTML: the only module that imports markdown and bleach.

Every caller goes through `render_markdown()` (and `check_markdown()` to validate
early), so the XSS tests in tests/test_rendering.py certify the whole pipeline in
one place, and a replacement for bleach, which is no longer maintained (nh3, say),
can be swapped in and certified here without touching anything else.

What this module adds to the two libraries, each closing a known hole:

* bleach keeps `href="javascript:123"` (its URL parser reads `scheme:digits` as a
  path; bleach issue 611, won't fix), so an attribute filter re-checks every URL
  scheme the way a browser reads it.
* Python-Markdown takes quadratic time on some inputs (8,000 `[` in a row take
  seconds) and recurses on deep nesting, and the HTML parser in bleach takes
  quadratic time on tags left open. `check_markdown()` refuses such text before
  any work is done, from a cheap, conservative estimate of the rendering time.
* bleach's tree walker is quadratic in the number of siblings (a long table),
  so the cleaner gets a linear one.
* bleach's Cleaner is not thread-safe, so each call builds its own.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Mapping, Sequence
from itertools import accumulate
from types import MappingProxyType
from typing import Any

import bleach
import markdown
from bleach import html5lib_shim
from django.utils.safestring import SafeString, mark_safe
from markdown.extensions import Extension
from markdown.extensions.fenced_code import FencedBlockPreprocessor
from markdown.preprocessors import Preprocessor

from .handoff_blocks import HandoffRule, handoff_blocks
from .linting import Linter, PhraseTrie

MAX_BODY_BYTES = 200 * 1024
MAX_NESTING = 50

ALLOWED_TAGS = frozenset(
    {
        *(f"h{level}" for level in range(1, 7)),
        *("p", "br", "hr", "strong", "em", "b", "i", "del", "s", "code", "pre"),
        *("blockquote", "ul", "ol", "li", "a", "img", "abbr"),
        *("table", "thead", "tbody", "tr", "th", "td"),
        # Hand-off rule cards (see _HandoffCards).
        *("dl", "dt", "dd"),
    }
)
ALLOWED_ATTRIBUTES: MappingProxyType[str, frozenset[str]] = MappingProxyType(
    {
        "a": frozenset({"href", "title"}),
        "img": frozenset({"src", "alt", "title"}),
        "th": frozenset({"align"}),
        "td": frozenset({"align"}),
        # data-term: a glossary term's id, the marker of its first use.
        "abbr": frozenset({"title", "data-term"}),
        "ol": frozenset({"start"}),
        "dl": frozenset({"class"}),
        # id: a section's anchor, section-<words> (heading_anchors() sets them).
        **{f"h{level}": frozenset({"id"}) for level in (2, 3, 4)},
    }
)
LINK_SCHEMES = frozenset({"http", "https", "mailto"})
# Images load without a click, so only absolute web addresses: no data: URLs,
# and no relative ones that would make every reader's browser request a page of
# this site.
IMAGE_SCHEMES = frozenset({"http", "https"})
LINK_REL = "noopener noreferrer"

MARKDOWN_EXTENSIONS = ("tables", "fenced_code", "sane_lists")


def _handoff_card(rule: HandoffRule) -> str:
    rows = "".join(
        f"<dt>{html.escape(label)}</dt><dd>{html.escape(value)}</dd>"
        for label, value in rule.fields()
    )
    return f'<dl class="handoff handoff-{rule.direction}">{rows}</dl>'


class _HandoffCards(Preprocessor):
    """A well-formed ```handoff block becomes a card (a definition list, escaped
    here and sanitized with the rest); a malformed one stays a code block, and the
    publish checks name its line."""

    def run(self, lines: list[str]) -> list[str]:
        for block in reversed(handoff_blocks(lines)):
            if block.rule is not None:
                card = self.md.htmlStash.store(_handoff_card(block.rule))
                lines[block.start : block.stop] = ["", card, ""]
        return lines


class _HandoffExtension(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802
        # Before fenced code (25), which would read the block as code.
        md.preprocessors.register(_HandoffCards(md), "handoff_cards", 27)


class RenderingError(ValueError):
    """Input the renderer refuses; .message is a clear sentence for the user, .code a
    short slug."""

    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


# --- Sanitizing --------------------------------------------------------------

# Browsers drop ASCII whitespace and control characters from URLs before they
# read the scheme, so "java\tscript:" is javascript:. Removing all of them (and
# Unicode spaces) can only make more URLs look like a scheme, never fewer.
_URL_IGNORED = re.compile(r"[\x00-\x20\x7f-\x9f\s]+")
_URL_SCHEME = re.compile(r"([a-z][a-z0-9+.\-]*):")


def _url_allowed(value: str, schemes: frozenset[str], *, relative: bool) -> bool:
    url = _URL_IGNORED.sub("", html.unescape(value)).lower()
    scheme = _URL_SCHEME.match(url)
    if scheme is None:
        return relative
    return scheme.group(1) in schemes


_TERM_ID = re.compile(r"[1-9][0-9]{0,18}")
_CARD_CLASS = re.compile(r"handoff handoff-(sales-to-support|support-to-sales)")
_SECTION_ID = re.compile(r"section-[a-z0-9-]{1,70}")


def _allow_attribute(tag: str, name: str, value: str) -> bool:
    if name not in ALLOWED_ATTRIBUTES.get(tag, ()):
        return False
    if name == "href":
        return _url_allowed(value, LINK_SCHEMES, relative=True)
    if name == "src":
        return _url_allowed(value, IMAGE_SCHEMES, relative=False)
    if name == "data-term":
        return _TERM_ID.fullmatch(value) is not None
    if name == "id":
        return _SECTION_ID.fullmatch(value) is not None
    if name == "class":
        return _CARD_CLASS.fullmatch(value) is not None
    return True


def attribute_allowed(tag: str, name: str, value: str) -> bool:
    """Whether the sanitizer keeps this attribute: for code that re-emits stored
    HTML and must keep nothing more than sanitizing did."""
    return _allow_attribute(tag, name, value)


class _LinkRelFilter(html5lib_shim.Filter):
    """Give every link rel="noopener noreferrer" (any rel of the author's is
    already gone: it is not an allowed attribute)."""

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for token in super().__iter__():
            if token["type"] == "StartTag" and token["name"] == "a":
                token["data"][(None, "rel")] = LINK_REL
            yield token


class _TreeWalker(html5lib_shim.getTreeWalker("etree")):
    """bleach's tree walker with a linear way back up the tree.

    The stock walker finds a parent's position with list.index() each time it
    leaves an element, which is quadratic in the number of siblings: a table of
    10,000 rows took 2.7 s to clean. Remembering the positions makes it linear.
    """

    def __init__(self, tree: Any):
        super().__init__(tree)
        self._positions: dict[int, dict[int, int]] = {}

    def getParentNode(self, node: Any) -> Any:
        # A node is (element, its index among its siblings, its ancestors, flag).
        if not isinstance(node, tuple) or node[3] == "text" or len(node[2]) < 2:
            return super().getParentNode(node)
        parents = node[2]
        parent = parents.pop()
        siblings = parents[-1]
        positions = self._positions.get(id(siblings))
        if positions is None:
            positions = {id(child): index for index, child in enumerate(siblings)}
            self._positions[id(siblings)] = positions
        return parent, positions[id(parent)], parents, None


# A term's tokens: words, single punctuation marks, and runs of spaces (which
# match any run of spaces, line breaks included).
_TERM_TOKEN = re.compile(r"\w+|[^\w\s]|\s+")
_WORD_CHARACTER = re.compile(r"\w")


def _term_tokens(text: str) -> tuple[list[str], list[int]]:
    """The tokens of a text as terms are compared (casefolded, a run of spaces as
    one space), and where each starts, with the text's length after the last. The
    tokens cover the text without gaps."""
    raw = _TERM_TOKEN.findall(text)
    keys = [" " if token.isspace() else token.casefold() for token in raw]
    return keys, [0, *accumulate(map(len, raw))]


class _TextFilter(html5lib_shim.Filter):
    """Rewrites the text outside the `_SKIP` elements of the sanitized token
    stream: `_rewrite(text)` yields the tokens that stand for it."""

    _SKIP: frozenset[str] = frozenset()

    def __iter__(self) -> Iterator[dict[str, Any]]:
        self._start()
        inside = 0
        for token in super().__iter__():
            kind = token["type"]
            if kind == "StartTag" and token["name"] in self._SKIP:
                inside += 1
            elif kind == "EndTag" and token["name"] in self._SKIP:
                inside = max(inside - 1, 0)
            elif kind == "Characters" and not inside and self._wanted():
                yield from self._rewrite(token["data"])
                continue
            yield token

    def _start(self) -> None:
        """Before the first token."""

    def _wanted(self) -> bool:
        return True

    def _rewrite(self, text: str) -> Iterator[dict[str, Any]]:
        raise NotImplementedError


def _wrapped(text: str, name: str, attributes: dict) -> Iterator[dict[str, Any]]:
    """The tokens of `text` inside an element `name` with `attributes`."""
    yield {"type": "StartTag", "name": name, "namespace": None, "data": attributes}
    yield {"type": "Characters", "data": text}
    yield {"type": "EndTag", "name": name, "namespace": None}


class _GlossaryFilter(_TextFilter):
    """Mark the first use of each glossary term with <abbr data-term="id">. The
    definition is not stored: `apply_glossary()` adds the current one when the
    page is served. The marker is in the allow-list (an id, digits only), so code
    that sanitizes stored HTML again keeps it; an author may write one too. Works
    on the sanitized token stream: code, links and existing <abbr> elements are
    left as they are."""

    terms: Mapping[str, int] = MappingProxyType({})
    _SKIP = frozenset({"a", "abbr", "code", "pre"})

    def _start(self) -> None:
        self.phrases = PhraseTrie()
        for term, term_id in self.terms.items():
            keys = _TERM_TOKEN.findall(term.casefold())
            self.phrases.add([" " if key.isspace() else key for key in keys], term_id)
        self.unused = set(self.terms.values())

    def _wanted(self) -> bool:
        return bool(self.unused)

    def _rewrite(self, text: str) -> Iterator[dict[str, Any]]:
        keys, starts = _term_tokens(text)
        position = taken = 0
        for index in self.phrases.starts(keys):
            found = (
                None
                if index < taken
                else _term_at(text, keys, starts, index, self.phrases)
            )
            if found is None:
                continue
            length, term_id = found
            taken = index + length
            if term_id not in self.unused:
                continue
            self.unused.discard(term_id)
            start, end = starts[index], starts[taken]
            yield {"type": "Characters", "data": text[position:start]}
            marker = {(None, "data-term"): str(term_id)}
            yield from _wrapped(text[start:end], "abbr", marker)
            position = end
        yield {"type": "Characters", "data": text[position:]}


def _term_at(text, keys, starts, index, phrases) -> tuple[int, int] | None:
    """The longest term at token `index` that stands as whole words: no letter
    or digit right before or after it (a term may start or end with punctuation,
    as ".NET" or "C++" do)."""
    start = starts[index]
    if start and _WORD_CHARACTER.match(text, start - 1):
        return None
    for length, term_id in reversed(phrases.matches(keys, index)):
        if not _WORD_CHARACTER.match(text, starts[index + length]):
            return length, term_id
    return None


_GLOSSARY_MARKER = re.compile(r'<abbr data-term="(\d+)">')


def glossary_marks(body_html: str) -> set[int]:
    """The ids of the glossary terms marked in stored HTML."""
    return {int(match.group(1)) for match in _GLOSSARY_MARKER.finditer(body_html)}


def apply_glossary(body_html: str, definitions: Mapping[int, str]) -> SafeString:
    """Stored, sanitized HTML with each marked term given its current definition
    as the (escaped) title. A term no longer in `definitions` stays marked without
    one. Versions stored before markers keep the <abbr title> they were published
    with: they are sealed (integrity.py), and an author's own <abbr title> cannot
    be told apart from one the glossary wrote."""

    def titled(match: re.Match[str]) -> str:
        definition = definitions.get(int(match.group(1)))
        if definition is None:
            return match.group()
        title = html.escape(definition, quote=True)
        return f'<abbr data-term="{match.group(1)}" title="{title}">'

    # The markers are written by the sanitizer's own serializer (quotes and "<" in
    # attribute values escaped), so the pattern matches markers only.
    return mark_safe(_GLOSSARY_MARKER.sub(titled, body_html))  # noqa: S308 sanitized, titles escaped


class _AvoidedFilter(_TextFilter):
    """Mark each wording the glossary says to avoid with <mark class="avoided"
    title="Use “term” instead">, outside code. For previews only: <mark> is not an
    allowed tag, so no author can write one, and what is published never has one
    (nor does anything that sanitizes stored HTML again keep it)."""

    linter: Linter
    _SKIP = frozenset({"code", "pre"})

    def _rewrite(self, text: str) -> Iterator[dict[str, Any]]:
        position = 0
        for start, end, preferred in self.linter.occurrences(text):
            attributes = {
                (None, "class"): "avoided",
                (None, "title"): f"Use “{preferred}” instead",
            }
            yield {"type": "Characters", "data": text[position:start]}
            yield from _wrapped(text[start:end], "mark", attributes)
            position = end
        yield {"type": "Characters", "data": text[position:]}


def _sanitize(
    dirty: str,
    glossary: Mapping[str, int] | None = None,
    avoided: Linter | None = None,
) -> str:
    filters: list[type[html5lib_shim.Filter]] = [_LinkRelFilter]
    if glossary:
        filters.append(type("_Glossary", (_GlossaryFilter,), {"terms": dict(glossary)}))
    if avoided is not None and avoided.phrases:
        filters.append(type("_Avoided", (_AvoidedFilter,), {"linter": avoided}))
    cleaner = bleach.Cleaner(
        tags=ALLOWED_TAGS,
        attributes=_allow_attribute,
        protocols=LINK_SCHEMES,
        strip=True,
        strip_comments=True,
        filters=filters,
    )
    # clean() walks the parsed tree with whatever class this attribute holds.
    cleaner.walker = _TreeWalker
    return cleaner.clean(dirty)


# --- Refusing pathological input ---------------------------------------------
#
# Rendering time is estimated from the text in one linear pass, in nanoseconds
# as measured on a development machine, one figure per cause, each an upper
# bound for the worst text of its kind that we could construct. A text whose
# estimate exceeds the budget is refused with the message for its largest cause.
# The budget leaves room for a machine twice as slow within 2 seconds; ordinary
# documents stay well below it (a 200 KB manual of prose, lists, tables and code
# is estimated at about half of it and renders in 0.3 s).

_BUDGET_NS = 800_000_000

# Python-Markdown re-scans the rest of a paragraph for every inline match (and
# every failed attempt), so the cost is the number of characters that can start
# one times the paragraph's length.
_NS_INLINE = 0.75
# Its link patterns look for the closing ] and ) character by character in
# Python, several times over.
_NS_BRACKET_STEP = 300.0
# Headings, rules and link definitions each split a block and re-scan the rest.
_NS_BLOCK_SPLIT = 20.0
# Python-Markdown copies the whole text for every fenced code block, and reads
# from each opening fence to its closing one (or to the end); check_markdown()
# reads that far too, to leave fenced code out of the other estimates.
_NS_FENCE_COPY = 0.2
_NS_FENCE_SCAN = 50.0
# The raw-HTML scanner (html.parser) reads an unfinished tag up to its ">",
# then starts again one character further on.
_NS_HTML_SCAN = 40.0
# Each nesting level of each line is walked down again.
_NS_NESTING = 11_000.0
# bleach handles every tag and entity of Python-Markdown's output in Python.
_NS_OUTPUT_TOKEN = 16_000.0
# An HTML tag of the author's may stay open (or, misnested, leave one of
# Python-Markdown's open) to the end: the HTML parser in bleach then rebuilds or
# searches through it at every later tag.
_NS_RAW_TAG_PAIR = 2_000.0
_NS_RAW_TAG_OUTPUT = 80.0

_COMPLEX = MappingProxyType(
    {
        "inline": "One paragraph holds too much Markdown punctuation (* _ ` [ < & "
        "or \\) to render quickly; split it into shorter paragraphs with blank "
        "lines.",
        "brackets": "One paragraph has too many unmatched [ ] or ( ) brackets to "
        "render quickly; close them or split the paragraph with blank lines.",
        "blocks": "Too many headings, rules or link definitions follow one another "
        "without blank lines between them; add blank lines.",
        "fences": "There are too many code fences (``` or ~~~) to render quickly; "
        "check that every code block is closed.",
        "html": 'There are too many unfinished HTML tags (a "<" followed by a '
        'letter, "/", "!" or "?") to render quickly; write "&lt;" where a "<" '
        "does not start a tag.",
        "nesting": "Too much of the text is nested in lists or quotes to render "
        "quickly.",
        "tags": "There are too many HTML tags to sanitize quickly; write the "
        "formatting in Markdown instead.",
        "output": "The text would produce too much HTML to render quickly (too many "
        "paragraphs, list items, table cells, links or special characters); split "
        "it into several documents.",
    }
)

_SPACE_LINE = re.compile(r"(?<=\n) +\n")
_FENCED_BLOCK = FencedBlockPreprocessor.FENCED_BLOCK_RE
_BLANK_LINES = re.compile(r"\n(?: *\n)+")
_INLINE_START = re.compile(r"[`\\\[<&*_]|(?<! ) {2,}\n")
# A code span, an escape or raw HTML can hide a bracket from the link patterns.
_BRACKET_HIDERS = re.compile(r"[`\\<]")
# A quote in a link's (...) makes Python-Markdown look for a title to the end.
_PAREN_HIDERS = re.compile(r"[`\\<'\"]")
_PLACEHOLDERS = re.compile(r"[`\\]")
_BRACKETS = re.compile(r"[\[\]()]")
_BLOCK_SPLITTER = re.compile(r"^ {0,3}(?:#|\[[^\]\n]*\]:|[-=*_ ]+$)", re.MULTILINE)
_TEXT_LINE = re.compile(r"^ *[^ \n]", re.MULTILINE)
_FENCE = re.compile(r"^(`{3,}|~{3,})(.*)$", re.MULTILINE)
_TAG_START = re.compile(r"<([a-zA-Z/!?])")
_TAG_END = re.compile(">")
_VALUE_OPENER = re.compile(r"=\s*(['\"])")
_NESTING_MARKER = re.compile(r" *(?:>|(?:[-*+]|\d{1,9}[.)])(?: +|$))")
# Only Python code can produce these, and no database can store them.
_SURROGATE = re.compile("[\ud800-\udfff]")
# The HTML parser in bleach stops at each of these (control characters and
# non-characters) to report it.
_INVALID_CODEPOINT = re.compile(
    "[\x01-\x08\x0b\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef"
    + "".join(chr(plane << 16 | low) for plane in range(17) for low in (0xFFFE, 0xFFFF))
    + "]"
)
# Python-Markdown writes every character of an e-mail autolink as an entity.
_AUTOMAIL = re.compile(r"<[^<> !]+@[^@<> ]+>")
_RAW_TAG = re.compile(r"</?[a-zA-Z]")
# Tags that cannot stay open: empty elements, and the autolinks Python-Markdown
# turns into complete links (its own patterns).
_CLOSED_TAG = re.compile(
    r"<(?:(?:area|base|br|col|embed|hr|img|input|link|meta|source|track|wbr)[\s/>]"
    r"|(?:[Ff]|[Hh][Tt])[Tt][Pp][Ss]?://[^<>]*>"
    r"|[a-zA-Z][^<> !]*@[^@<> ]+>)",
    re.IGNORECASE,
)


def _normalize(text: str) -> str:
    """The text as Python-Markdown sees it, so lengths and blank lines match."""
    text = text.replace("\x02", "").replace("\x03", "")
    text = text.replace("\r\n", "\n").replace("\r", "\n").expandtabs(4)
    return _SPACE_LINE.sub("\n", text)


def _without_fenced_code(source: str) -> str:
    """The text left once Python-Markdown has taken out the fenced code blocks
    (found with its own pattern): code is only escaped, never parsed."""
    parts: list[str] = []
    end = 0
    for match in _FENCED_BLOCK.finditer(source):
        if match.group("attrs") is not None:
            # Python-Markdown may read "{...}" differently; stop here, to be safe.
            break
        parts.append(source[end : match.start()])
        end = match.end()
    parts.append(source[end:])
    return "\n".join(parts)


def _line_depth(line: str) -> int:
    """How deep a line opens lists and quotes: its markers, and the levels of
    indentation before them."""
    depth = end = 0
    while marker := _NESTING_MARKER.match(line, end):
        depth += 1
        end = marker.end()
    return depth + line.count(" ", 0, end) // 4 if depth else 0


def _nesting(lines: Sequence[str]) -> int:
    """Raise if a line nests too deep; return the sum of all lines' depths."""
    total = 0
    for line in lines:
        depth = _line_depth(line)
        if depth > MAX_NESTING:
            raise RenderingError(
                f"Lists or quotes nested more than {MAX_NESTING} levels deep are "
                "not supported.",
                code="too_deep",
            )
        total += depth
    return total


def _hidden(start: int, stop: int, hiders: Sequence[int]) -> bool:
    """Whether a sorted list of positions has one strictly between start and stop."""
    following = bisect_right(hiders, start)
    return following < len(hiders) and hiders[following] < stop


class _BracketScan:
    """The characters Python-Markdown's link patterns read in one block: from each
    "[" to its "]", and from each "](" to its ")"; to the end of the block when
    the partner is missing or something between them may hide it.

    Escapes and code spans become placeholders a dozen characters long before
    the link patterns run, so each one lengthens what they read.
    """

    placeholder_growth = 12

    def __init__(self, block: str):
        self.block = block
        self.growers = [m.start() for m in _PLACEHOLDERS.finditer(block)]
        self.end = self._at(len(block))

    def _at(self, position: int) -> int:
        return position + self.placeholder_growth * bisect_left(self.growers, position)

    def _span(self, start: int, stop: int, hiders: Sequence[int]) -> int:
        if _hidden(start, stop, hiders):
            return self.end - self._at(start)
        return self._at(stop) - self._at(start)

    def steps(self) -> int:
        block = self.block
        square_hiders = [m.start() for m in _BRACKET_HIDERS.finditer(block)]
        paren_hiders = [m.start() for m in _PAREN_HIDERS.finditer(block)]
        squares: list[int] = []
        # Only a "(" right after "]" starts a link target; the others still pair.
        parens: list[tuple[int, bool]] = []
        steps = 0
        for match in _BRACKETS.finditer(block):
            position, char = match.start(), match.group()
            if char == "[":
                squares.append(position)
            elif char == "(":
                parens.append((position, block[position - 1 : position] == "]"))
            elif char == "]" and squares:
                steps += self._span(squares.pop(), position, square_hiders)
            elif char == ")" and parens:
                opening, is_link = parens.pop()
                if is_link:
                    steps += self._span(opening, position, paren_hiders)
        unmatched = squares + [opening for opening, is_link in parens if is_link]
        return steps + sum(self.end - self._at(opening) for opening in unmatched)


def _block_costs(blocks: Sequence[str]) -> dict[str, float]:
    """Costs that grow with the size of each paragraph-like block (text between
    blank lines, which no inline or block construct crosses)."""
    inline = brackets = splits = 0.0
    for block in blocks:
        size = len(block)
        inline += len(_INLINE_START.findall(block)) * size
        if "[" in block or "(" in block:
            brackets += _BracketScan(block).steps()
        splits += len(_BLOCK_SPLITTER.findall(block)) * size
    return {
        "inline": inline * _NS_INLINE,
        "brackets": brackets * _NS_BRACKET_STEP,
        "blocks": splits * _NS_BLOCK_SPLIT,
    }


class _HtmlScan:
    """The characters html.parser (which Python-Markdown runs over the whole text
    to find raw HTML) reads at each "<" that may start a tag. A tag it cannot
    finish is read up to the end, then read again from the next character.
    """

    # Enough for a tag with a dozen attributes; a longer search counts as
    # reading to the end.
    lookahead = 16

    def __init__(self, source: str):
        self.source = source
        self.end = len(source)
        self.closers = [m.start() for m in _TAG_END.finditer(source)]
        # A quoted attribute value can hold a ">": it opens at a quote after "="
        # and closes at the next such quote.
        self.values: list[tuple[int, int]] = []
        for match in _VALUE_OPENER.finditer(source):
            opening = match.start(1)
            closing = source.find(match.group(1), opening + 1)
            self.values.append((opening, closing if closing >= 0 else self.end))

    def _next_closer(self, position: int) -> int:
        index = bisect_right(self.closers, position)
        return self.closers[index] if index < len(self.closers) else self.end

    def _start_tag_reach(self, start: int) -> int:
        """The first ">" after start that no quoted value can contain."""
        closer = self._next_closer(start)
        value = bisect_right(self.values, (start, self.end))
        reach = start
        for _ in range(self.lookahead):
            if closer == self.end:
                break
            if value < len(self.values) and self.values[value][0] < closer:
                reach = max(reach, self.values[value][1])
                value += 1
            elif reach < closer:
                return closer
            else:
                closer = self._next_closer(reach)
        return self.end

    def characters(self) -> int:
        scanned = 0
        for match in _TAG_START.finditer(self.source):
            start, kind = match.start(), match.group(1)
            if kind in "!?":
                scanned += self.end - start
            elif kind == "/":
                scanned += self._next_closer(start) - start
            else:
                scanned += self._start_tag_reach(start) - start
        return scanned


def _fence_costs(source: str) -> float:
    """A line starting with ``` or ~~~ may open a block that runs to the next line
    holding the same fence and nothing else, or to the end."""
    fences = list(_FENCE.finditer(source))
    closers: dict[str, list[int]] = {}
    for fence in fences:
        if not fence.group(2).strip(" "):
            closers.setdefault(fence.group(1), []).append(fence.start())
    scanned = 0
    for fence in fences:
        after = closers.get(fence.group(1), [])
        index = bisect_right(after, fence.start())
        scanned += (after[index] if index < len(after) else len(source)) - fence.start()
    return len(fences) * len(source) * _NS_FENCE_COPY + scanned * _NS_FENCE_SCAN


def _output_tokens(source: str, blocks: int, depth: int) -> int:
    """An upper bound on the tags and entities Python-Markdown will write, with
    each block and line counted for the work Python-Markdown does on it."""
    automail = sum(len(m.group()) for m in _AUTOMAIL.finditer(source))
    return (
        2 * len(_INLINE_START.findall(source))
        # Links, table cells and headings each cost Python-Markdown a pass of
        # their own.
        + 2 * source.count("[")
        + 3 * source.count("|")
        + 2 * len(_BLOCK_SPLITTER.findall(source))
        + source.count(">")
        + source.count('"')
        + 2 * blocks
        + 2 * len(_TEXT_LINE.findall(source))
        + 4 * depth
        + 3 * automail
        + len(_INVALID_CODEPOINT.findall(source))
    )


def _estimate(source: str) -> dict[str, float]:
    fences = _fence_costs(source)
    if fences > _BUDGET_NS:
        # Finding the fenced code blocks would itself take too long.
        return {"fences": fences}
    prose = _without_fenced_code(source)
    depth = _nesting(prose.split("\n"))
    blocks = _BLANK_LINES.split(prose)
    tokens = _output_tokens(source, len(blocks), depth)
    raw_tags = len(_RAW_TAG.findall(prose)) - len(_CLOSED_TAG.findall(prose))
    return {
        **_block_costs(blocks),
        "fences": fences,
        "html": _HtmlScan(prose).characters() * _NS_HTML_SCAN,
        "nesting": depth * _NS_NESTING,
        "output": tokens * _NS_OUTPUT_TOKEN,
        "tags": raw_tags * (raw_tags * _NS_RAW_TAG_PAIR + tokens * _NS_RAW_TAG_OUTPUT),
    }


def check_markdown(text: str) -> None:
    """Raise RenderingError if the text is refused: over MAX_BODY_BYTES, contains
    a NUL character, or is pathological for Python-Markdown.

    Cheap (linear in the text), so forms can call it to validate. Everything it
    accepts renders, quickly: render_markdown() refuses nothing more.
    """
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_BODY_BYTES:
        raise RenderingError(
            f"A document can hold at most {MAX_BODY_BYTES // 1024} KB of text; this "
            f"one has {size:,} bytes. Split it into several documents.",
            code="too_large",
        )
    if "\x00" in text:
        raise RenderingError(
            "The text contains a NUL character (U+0000); remove it.",
            code="null_character",
        )
    if _SURROGATE.search(text):
        raise RenderingError(
            "The text contains an unpaired surrogate character, which cannot be "
            "stored; remove it.",
            code="invalid_character",
        )
    costs = _estimate(_normalize(text))
    if sum(costs.values()) > _BUDGET_NS:
        raise RenderingError(
            _COMPLEX[max(costs, key=costs.__getitem__)], code="too_complex"
        )


def render_markdown(
    text: str,
    *,
    glossary: Mapping[str, int] | None = None,
    avoided: Linter | None = None,
) -> str:
    """Markdown -> sanitized HTML. Calls check_markdown first. Deterministic.

    `glossary` maps terms to their ids: the first use of each is marked with
    <abbr data-term="id">, which `apply_glossary()` gives its definition.
    `avoided` (previews only) marks the wordings a linter finds, see
    `_AvoidedFilter`."""
    check_markdown(text)
    try:
        dirty = markdown.markdown(
            text,
            extensions=[*MARKDOWN_EXTENSIONS, _HandoffExtension()],
            # Column alignment as an attribute, so that no style is needed.
            extension_configs={"tables": {"use_align_attribute": True}},
            output_format="html",
        )
        return heading_anchors(_sanitize(dirty, glossary, avoided))
    except RecursionError as error:
        # check_markdown keeps nesting far below the recursion limit; this is
        # the backstop should some construct still nest deeper.
        raise RenderingError(
            "The text nests too deeply to render.", code="too_deep"
        ) from error


# --- Headings: anchors and a table of contents --------------------------------
#
# Sections (h2-h4) get an id at render, from the sanitized HTML, so that a table
# of contents can link to them. The ids are ours alone: any id an author wrote is
# replaced, each starts with "section-" (so it cannot clash with the page's own
# ids, such as #coverage, or shadow a global name), and each is unique within the
# document. h1 gets none: the page's title is the document's heading.

_SECTION = re.compile(r"<h([2-4])(?: id=\"[^\"]*\")?>(.*?)</h\1>", re.S)
_ANCHORED = re.compile(r'<h([2-4]) id="(section-[a-z0-9-]{1,70})">(.*?)</h\1>', re.S)
_TAG = re.compile(r"<[^>]+>")
TOC_MIN_HEADINGS = 3


def _heading_text(inner_html: str) -> str:
    return html.unescape(_TAG.sub("", inner_html)).strip()


def heading_anchors(clean_html: str) -> str:
    """Give each h2-h4 of sanitized HTML a unique id of the form section-<words>."""
    used: set[str] = set()

    def anchor(match: re.Match[str]) -> str:
        words = re.findall(r"[a-z0-9]+", _heading_text(match[2]).lower())
        base = "section-" + ("-".join(words)[:60].strip("-") or "part")
        slug, number = base, 2
        while slug in used:
            slug, number = f"{base}-{number}", number + 1
        used.add(slug)
        return f'<h{match[1]} id="{slug}">{match[2]}</h{match[1]}>'

    return _SECTION.sub(anchor, clean_html)


def table_of_contents(body_html: str) -> list[tuple[int, str, str]]:
    """(level, id, text) of each anchored section of stored HTML; empty when
    there are fewer than TOC_MIN_HEADINGS, where a contents list would not help."""
    sections = [
        (int(level), slug, _heading_text(inner))
        for level, slug, inner in _ANCHORED.findall(body_html)
    ]
    return sections if len(sections) >= TOC_MIN_HEADINGS else []


def without_title_heading(body_html: str, title: str) -> str:
    """Stored HTML without a leading h1 that only repeats the document's title,
    which the page already shows as its heading."""
    match = re.match(r"\s*<h1>(.*?)</h1>\s*", body_html, re.S)
    if match and _heading_text(match[1]).casefold() == title.strip().casefold():
        return body_html[match.end() :]
    return body_html


_MARKUP = re.compile(
    r"(\*\*|__|`|~~)"  # strong, code, strike-through marks
    r"|\[([^\]]*)\]\([^)]*\)"  # a link: its text stays
    r"|(?<!\w)[*_](?=\S)|(?<=\S)[*_](?!\w)"  # emphasis, not 2*3 or snake_case
)


def plain_text(markdown_text: str) -> str:
    """A one-line Markdown text (a change summary) without its markup: emphasis,
    code marks and link targets dropped, link text kept."""
    return _MARKUP.sub(lambda match: match[2] or "", markdown_text)
