"""Full-text search over the current version of every document and the glossary.

Two tables hold the searchable text: `docs_registry_search` (TABLE) the ID, title
and body of each document and glossary term, `docs_registry_search_lead`
(LEAD_TABLE) the same rows' ID, title and lead (migration 0026): PostgreSQL
full-text search with GIN indexes, or FTS5 tables on SQLite. A row's key is
derived from what it indexes (`_key`), the same in both, so keeping them in sync
is a delete and an insert by primary key. A document's body is indexed as the plain
text of its rendered, sanitized HTML (`plain_text`), so snippets show the words a
reader sees, never Markdown syntax. Only the text lives there: status, audience,
category and owner are read by joining the documents table, so filters are never
stale. Services call `search_index_document` / `search_index_term` after each
change; `search_rebuild` (`manage.py rebuild_search`) redoes everything.

User input never reaches either query language as such: it is cut into words
(letters and digits), each quoted, all required, the last one as a prefix.
Snippets come back with two control characters around the matches; the text is
HTML-escaped first and only then are the markers turned into <mark>.

Both databases rank the same way: hits whose ID, title or lead of the body (its
first `LEAD_LENGTH` characters, cut at a space so its words are the body's) hold
every word come first, best first, excerpted from the lead; hits found only deeper
in a body follow in the order of their keys, excerpted where the words are. On
PostgreSQL the ranked hits' excerpts are cut and marked here (`_excerpt`), from the
words of each that the database says match; the deeper ones' by ts_headline.
Ranking reads the leads' table only, so its cost follows the hits in leads, not
every hit, and reads small rows; counting reads the index's table, whose rows hold
no lead (on PostgreSQL they hold no text either: it is stored apart, so a count
visits 161 pages instead of 1,664). On 10,000 documents, "refund policy" ranks 863
leads among 6,708 hits: SQLite's first page of twenty takes 2.8 ms instead of 4.5
(its count 1.2), PostgreSQL's page and count 8 ms instead of 15.
"""

# SQL here is built only from constant fragments; every value is a bound parameter.
# ruff: noqa: S608

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape, unescape

from django.db import connection as default_connection
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify

from .addresses import address, addresses_of
from .models import Audience, Document
from .params import NUMBER_MAX
from .prepared import fetch_all

TABLE = "docs_registry_search"
# The ID, title and lead of each row of TABLE, under the same key: what ranks.
LEAD_TABLE = "docs_registry_search_lead"
MAX_QUERY_LENGTH = 200
MAX_WORDS = 16
MIN_PREFIX_LENGTH = 3
# Enough for any real document; tsvector refuses values over 1 MB.
MAX_BODY_LENGTH = 200_000
# The lead of a body that ranking reads (PostgreSQL's `rank_tsv` takes as many).
LEAD_LENGTH = 600
START, STOP = "\x02", "\x03"
# A search counts its hits this far: past it, the page says "more than 1000" and
# pages that far (50 pages of twenty), which is as far as anyone reads, rather
# than counting every hit of a broad search on every page read. "refund policy"
# finds 6,708 of 10,000 documents: SQLite counted them in 0.89 ms, 1,001 in 0.31.
COUNTED_UP_TO = 1000
# As far as an exact count goes (the API's): further than any database's rows.
_EVERY_HIT = 2**62

_WORD = re.compile(r"[^\W_]+")
# A document ID alone, or cited with a version the way the product teaches it:
# `PRC-0002 v3`, also `PRC-0002v3` and in any case.
_CITATION = re.compile(r"([A-Za-z]{2,5}-[0-9]{4,})(?:\s*[vV]([0-9]+))?")
DOC, TERM = "doc", "term"


def _key(kind: str, pk: int) -> int:
    return pk * 2 + (kind == TERM)


# --- Keeping the index in sync ----------------------------------------------------

# Blocks of the rendered body end a line; table cells are set apart by a space, so
# the words of two blocks or two cells never run together.
_BLOCK_TAGS = frozenset(
    {*(f"h{level}" for level in range(1, 7)), "p", "li", "ul", "ol", "tr", "table"}
    | {"thead", "tbody", "pre", "blockquote", "br", "hr", "div"}
)
_CELL_TAGS = frozenset({"td", "th"})
# The snippet markers, and NUL, which PostgreSQL's text refuses.
_UNSTORABLE = str.maketrans("", "", f"{START}{STOP}\x00")


# A tag of serialized HTML: attribute values are quoted and may hold ">", text
# never holds "<" (the sanitizer's serializer writes it as "&lt;").
_TAG = re.compile(r"""</?([A-Za-z][A-Za-z0-9]*)(?:[^>"']|"[^"]*"|'[^']*')*>""")


def _tag_boundary(match: re.Match) -> str:
    tag = match.group(1).lower()
    return "\n" if tag in _BLOCK_TAGS else " " if tag in _CELL_TAGS else ""


def plain_text(html: str) -> str:
    """The words of stored, sanitized HTML as a reader sees them: no tags, no
    Markdown syntax (the HTML is what Markdown became), character references
    decoded, one line per block, runs of white space collapsed to one space."""
    text = unescape(_TAG.sub(_tag_boundary, html))
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def _storable(text: str) -> str:
    return text.translate(_UNSTORABLE)[:MAX_BODY_LENGTH]


def _clean(expression: str) -> str:
    """SQL for the text without the snippet markers, cut to MAX_BODY_LENGTH."""
    stripped = f"replace(replace({expression}, '{START}', ''), '{STOP}', '')"
    return f"substr({stripped}, 1, {MAX_BODY_LENGTH})"


# Raw SQL rather than the ORM: migrations call `search_rebuild`, and the model
# classes of today may not match the tables of an older schema.
_DOC_SOURCE = (
    "SELECT d.id, d.doc_id, d.title, v.body_html FROM docs_registry_document d "
    "JOIN docs_registry_version v ON v.id = d.current_version_id"
)
# Documents are converted in batches, so rebuilding holds a bounded number of
# bodies in memory however many documents there are.
REBUILD_BATCH = 100
_TERM_BODY = "g.definition || ' ' || g.avoid"
# Definitions and words to avoid are plain text already; a term's definition is
# short: all of it is its lead.
_TERM_ROWS = (
    f"SELECT g.id * 2 + 1, '{TERM}', g.id, '', {_clean('g.term')}, "
    f"{_clean(_TERM_BODY)} FROM docs_registry_glossaryterm g"
)
_TERM_LEADS = (
    f"SELECT g.id * 2 + 1, '', {_clean('g.term')}, {_clean(_TERM_BODY)} "
    "FROM docs_registry_glossaryterm g"
)


def _sqlite(connection) -> bool:
    return connection.vendor == "sqlite"


def _key_column(connection) -> str:
    return "rowid" if _sqlite(connection) else "id"


def _insert(connection) -> str:
    # PostgreSQL works out the vectors from the text.
    key = _key_column(connection)
    return f"INSERT INTO {TABLE} ({key}, kind, ref, doc_id, title, body) "


def _insert_lead(connection) -> str:
    key = _key_column(connection)
    return f"INSERT INTO {LEAD_TABLE} ({key}, doc_id, title, lead) "


# The last space within the lead's length and one. A space, not any character
# that is no letter: a combining accent is none, yet FTS5 reads it as part of
# its word, and a cut before it would make a word the body does not hold.
_LEAD_END = re.compile(r"(.*)\s", re.DOTALL)


def lead(body: str) -> str:
    """The body's first LEAD_LENGTH characters at most, cut at a space so that
    the lead holds no word the body does not."""
    if len(body) <= LEAD_LENGTH:
        return body
    within = _LEAD_END.match(body, 0, LEAD_LENGTH + 1)
    return within.group(1) if within else ""


def _document_row(pk: int, doc_id: str, title: str, body_html: str) -> tuple:
    body = _storable(plain_text(body_html))
    return (_key(DOC, pk), DOC, pk, doc_id, _storable(title), body, lead(body))


def _values(rows: int, width: int) -> str:
    return "VALUES " + ", ".join(["(" + ", ".join(["%s"] * width) + ")"] * rows)


def _insert_documents(cursor, sources: list[tuple], connection) -> None:
    # One statement for the lot in each table: a round trip per row costs more
    # than the rows.
    if sources:
        rows = [_document_row(*source) for source in sources]
        cursor.execute(
            _insert(connection) + _values(len(rows), 6),
            [value for row in rows for value in row[:6]],
        )
        cursor.execute(
            _insert_lead(connection) + _values(len(rows), 4),
            [
                value
                for key, _, _, doc_id, title, _, lead in rows
                for value in (key, doc_id, title, lead)
            ],
        )


def _delete(cursor, key: int, connection) -> None:
    for table in (TABLE, LEAD_TABLE):
        cursor.execute(
            f"DELETE FROM {table} WHERE {_key_column(connection)} = %s", [key]
        )


def search_index_document(document, *, connection=default_connection) -> None:
    """Index the document's ID, title and the plain text of its current version's
    rendered body (replacing what was there)."""
    with connection.cursor() as cursor:
        _delete(cursor, _key(DOC, document.pk), connection)
        cursor.execute(_DOC_SOURCE + " WHERE d.id = %s", [document.pk])
        _insert_documents(cursor, cursor.fetchall(), connection)


def search_index_term(term, *, connection=default_connection) -> None:
    """Index a glossary term: its wording as the title, its definition and the
    words to avoid as the body."""
    with connection.cursor() as cursor:
        _delete(cursor, _key(TERM, term.pk), connection)
        cursor.execute(_insert(connection) + _TERM_ROWS + " WHERE g.id = %s", [term.pk])
        cursor.execute(
            _insert_lead(connection) + _TERM_LEADS + " WHERE g.id = %s", [term.pk]
        )


def search_rebuild(*, connection=default_connection) -> None:
    """Index every document and glossary term from scratch."""
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE}")
        cursor.execute(f"DELETE FROM {LEAD_TABLE}")
        last = 0
        while True:
            cursor.execute(
                _DOC_SOURCE + " WHERE d.id > %s ORDER BY d.id LIMIT %s",
                [last, REBUILD_BATCH],
            )
            rows = cursor.fetchall()
            if not rows:
                break
            _insert_documents(cursor, rows, connection)
            last = rows[-1][0]
        cursor.execute(_insert(connection) + _TERM_ROWS)
        cursor.execute(_insert_lead(connection) + _TERM_LEADS)


# --- Searching ----------------------------------------------------------------


def words(query: str) -> list[str]:
    """The words of the user's text: letters and digits only, anything else
    (quotes, operators, punctuation) dropped."""
    return _WORD.findall(query[:MAX_QUERY_LENGTH])[:MAX_WORDS]


@dataclass(frozen=True)
class Citation:
    """A query that names a document, and what it names."""

    doc_id: str
    number: int | None  # the version asked for, if any
    newest: int | None  # the document's current version; None: no such document

    @property
    def url(self) -> str | None:
        """The page the query opens; None when the ID or the version is missing."""
        if self.newest is None:
            return None
        if self.number is None:
            return address("docs_registry:document", self.doc_id)
        # Versions are numbered 1, 2, … without gaps and never deleted.
        if 1 <= self.number <= self.newest:
            return address("docs_registry:version", self.doc_id, self.number)
        return None


def citation(query: str) -> Citation | None:
    """What `query` cites, when it is a document ID or an ID and a version (one
    query), retired documents included; None for any other text."""
    # Longer text is no citation (and its digits could be slow to read as a number).
    if len(query) > MAX_QUERY_LENGTH:
        return None
    match = _CITATION.fullmatch(query.strip())
    if match is None:
        return None
    doc_id, number = match.group(1).upper(), match.group(2)
    newest = (
        Document.objects.filter(doc_id=doc_id)
        .values_list("current_version__number", flat=True)
        .first()
    )
    return Citation(
        doc_id=doc_id, number=None if number is None else int(number), newest=newest
    )


def _as_prefix(found: list[str]) -> bool:
    # The last word may be half typed; one or two letters would match too much.
    return len(found[-1]) >= MIN_PREFIX_LENGTH


def _fts5_query(found: list[str]) -> str:
    # Every word quoted (FTS5 reads nothing inside quotes as an operator), all
    # required, the last one also as the start of a longer word.
    quoted = ['"' + word.replace('"', '""') + '"' for word in found]
    return " ".join(quoted) + ("*" if _as_prefix(found) else "")


def _tsquery(found: list[str], joined_by: str = " & ") -> str:
    # The words hold only letters and digits, so quoting them is enough.
    last = len(found) - 1
    terms = []
    for index, word in enumerate(found):
        prefix = ":*" if index == last and _as_prefix(found) else ""
        term = f"'{word}'{prefix}"
        if word.isascii() and word.isdigit():
            # PostgreSQL's parser reads `PRC-0007` as the word `prc` and the
            # signed integer `-0007`, so digits also match with a minus sign.
            term = f"({term} | '-{word}'{prefix})"
        terms.append(term)
    return joined_by.join(terms)


def _marked(text: str | None) -> SafeString:
    """Escape the text, then turn the match markers into <mark>. The text is
    plain (from the database or an excerpt of it): the standard library escapes
    it as Django's `escape` would, without its checks for lazy and safe text (3
    µs a call; a page makes 40)."""
    html = escape(text or "").replace(START, "<mark>").replace(STOP, "</mark>")
    # The excerpts' ellipses (ours and the databases') as a character reference:
    # a page of plain English text is then sent as it is built (see base.html).
    html = html.replace("…", "&hellip;")
    return mark_safe(html)  # noqa: S308 -- escaped above; only our tags added


# A ranked hit's excerpt on PostgreSQL, as ts_headline's MaxWords and
# MaxFragments: at most EXCERPT_RUNS runs of EXCERPT_WORDS words of the lead, each
# starting EXCERPT_LEAD_IN words before a match; the lead's opening where none is
# in it (the words were in the title or the ID).
EXCERPT_WORDS = 18
EXCERPT_RUNS = 2
EXCERPT_LEAD_IN = 4
# The letters a word shares with its stem, and so with every word PostgreSQL
# stems as it does ("policy", "policies": "polici"): a stem changes a word's
# last letters only.
_WORD_START = 3


def _word_starts(found: list[str]) -> str:
    """A PostgreSQL regular expression (ASCII letters in any case) for the words
    that start as one of `found` does: those a hit's text may match with."""
    starts = sorted({word[:_WORD_START].lower() for word in found})
    # The words hold only letters and digits: none is special in a pattern.
    return f"(?:^|[^[:alnum:]_])((?:{'|'.join(starts)})[^[:space:][:punct:]]*)"


def _matching(found: set[str]) -> re.Pattern | None:
    """A pattern for the words as written: every way a matching word is written
    in the page's hits is among them, so no case need be ignored."""
    if not found:
        return None
    # The longest first: "refunds" is marked whole, not as "refund" and an "s".
    # No \b in front: a pattern that starts with its words is looked for in half
    # the time (`_spans` checks where a match starts).
    written = sorted(found, key=len, reverse=True)
    return re.compile(rf"(?:{'|'.join(re.escape(word) for word in written)})\b")


def _spans(text: str, matching: re.Pattern) -> list[tuple[int, int]]:
    """Where `matching` finds a whole word in `text`."""
    return [
        match.span()
        for match in matching.finditer(text)
        if not match.start() or not _is_word_character(text[match.start() - 1])
    ]


def _is_word_character(character: str) -> bool:
    return character.isalnum() or character == "_"


def _highlighted(title: str, lead: str, matching: re.Pattern | None) -> tuple[str, str]:
    """A ranked hit's title and the excerpt of its lead, with what `matching`
    finds in them between the match markers."""
    text = " ".join(lead.split())
    if matching is None:
        return title, _excerpt(text, [])
    marked_title = _marked_between(title, _spans(title, matching), 0, len(title))
    return marked_title, _excerpt(text, _spans(text, matching))


def _excerpt(text: str, spans: list[tuple[int, int]]) -> str:
    """Up to EXCERPT_RUNS runs of the words of `text` (single spaced) around
    its first matches, with an ellipsis wherever words are left out."""
    runs: list[tuple[int, int]] = []
    shown_to = 0  # where the words not yet in a run start
    for start, _ in spans:
        if start < shown_to:
            continue  # in the run before
        if len(runs) == EXCERPT_RUNS:
            break
        begin = _words_before(text, start, EXCERPT_LEAD_IN, shown_to)
        end = _words_after(text, begin, EXCERPT_WORDS)
        short_by = EXCERPT_WORDS - 1 - text.count(" ", begin, end)
        if short_by > 0:
            # Near the end: the words before make up the run's length.
            begin = _words_before(text, begin, short_by, shown_to)
        runs.append((begin, end))
        shown_to = end + 1
    if not runs:
        runs.append((0, _words_after(text, 0, EXCERPT_WORDS)))
    pieces, shown_to = [], 0
    for begin, end in runs:
        if begin > shown_to:
            pieces.append(" … " if pieces else "…")
        elif pieces:
            pieces.append(" ")
        pieces.append(_marked_between(text, spans, begin, end))
        shown_to = end + 1
    if shown_to < len(text):
        pieces.append("…")
    return "".join(pieces)


def _words_before(text: str, position: int, count: int, floor: int) -> int:
    """Where the word `count` words before the one at `position` starts, or
    `floor` (where a word starts) if that is further on."""
    parts = text[floor:position].rsplit(" ", count + 1)
    if len(parts) <= count + 1:
        return floor
    return position - len(" ".join(parts[1:]))


def _words_after(text: str, begin: int, count: int) -> int:
    """Where the `count` words from `begin` (where one starts) end."""
    parts = text[begin:].split(" ", count)
    if len(parts) <= count:
        return len(text)
    return len(text) - len(parts[-1]) - 1


def _marked_between(text: str, spans, begin: int, end: int) -> str:
    """`text[begin:end]`, the matches in it between the match markers."""
    pieces, shown_to = [], begin
    for start, stop in spans:
        if begin <= start and stop <= end:
            pieces += [text[shown_to:start], START, text[start:stop], STOP]
            shown_to = stop
    pieces.append(text[shown_to:end])
    return "".join(pieces)


@dataclass(frozen=True)
class Filters:
    audience: str = ""
    category_id: int | None = None
    owner_id: int | None = None
    include_retired: bool = False

    def sql(self, key: str) -> tuple[str, str, list]:
        """The joins a WHERE condition needs, and the condition, on an index
        table's `key` column (as `table.column`) and (if joined) the document `d`
        and glossary term `g` the row indexes."""
        if not (self.category_id or self.owner_id or self.audiences()):
            # Only the status, the common case: the retired documents' keys (few)
            # are left out, and no row is joined to anything. Every row indexes a
            # document or a term (neither is ever deleted), and a document's key
            # is its primary key times two (see `_key`). Reading the joined row
            # of each of "refund policy"'s 6,700 hits took most of the count
            # (SQLite 1.9 ms against 0.8; PostgreSQL the most of its ranked page).
            if self.include_retired:
                return "", "TRUE", []
            return (
                "",
                (
                    f"{key} NOT IN (SELECT id * 2 FROM docs_registry_document "
                    "WHERE status = 'retired')"
                ),
                [],
            )
        documents, params = ["d.id IS NOT NULL"], []
        if not self.include_retired:
            documents.append("d.status = 'active'")
        if self.category_id:
            documents.append("d.category_id = %s")
            params.append(self.category_id)
        if self.owner_id:
            documents.append("d.owner_id = %s")
            params.append(self.owner_id)
        audiences = self.audiences()
        if audiences:
            documents.append("d.audience IN (%s, %s)")
            params += audiences
        condition = " AND ".join(documents)
        # Terms have no category or owner: those filters ask for documents.
        if not (self.category_id or self.owner_id):
            condition = f"({condition}) OR (g.id IS NOT NULL"
            if audiences:
                condition += " AND g.audience IN (%s, %s)"
                params += audiences
            condition += ")"
        return _joins(key), f"({condition})", params

    def audiences(self) -> list[str]:
        # A team sees what is addressed to it and what is for both teams.
        if self.audience in (Audience.SALES, Audience.SUPPORT):
            return [self.audience, Audience.BOTH]
        if self.audience == Audience.BOTH:
            return [Audience.BOTH, Audience.BOTH]
        return []


@dataclass(frozen=True)
class Hit:
    kind: str
    doc_id: str
    title: SafeString
    snippet: SafeString
    retired: bool
    url: str


def _joins(key: str) -> str:
    # The row's key (a column) says what it indexes (see `_key`): reading it needs
    # no look-up of the stored text, which keeps filtering thousands of matches cheap.
    return (
        f"LEFT JOIN docs_registry_document d ON ({key} & 1) = 0 "
        f"AND d.id = ({key} >> 1) "
        f"LEFT JOIN docs_registry_glossaryterm g ON ({key} & 1) = 1 "
        f"AND g.id = ({key} >> 1)"
    )


# SQLite: the index's columns are kind, ref, doc_id, title and body; the leads'
# doc_id (weighted 10), title (5) and lead (1).
_SQLITE_RANK = f"bm25({LEAD_TABLE}, 10.0, 5.0, 1.0)"
# Counting stops after the number of hits asked for (the LIMIT): see COUNTED_UP_TO.
_SQLITE_COUNT = (
    "SELECT count(*) FROM (SELECT 1 FROM {table} {joins} "
    "WHERE {table} MATCH %s AND {condition} LIMIT %s) hits"
)
_SQLITE_RANKED = (
    f"SELECT {LEAD_TABLE}.rowid AS hit, {_SQLITE_RANK} AS score "
    f"FROM {LEAD_TABLE} {{joins}} WHERE {LEAD_TABLE} MATCH %s AND {{condition}}"
)
_SQLITE_DEEPER = (
    f"SELECT {TABLE}.rowid AS hit, 0 AS score "
    f"FROM {TABLE} {{joins}} WHERE {TABLE} MATCH %s AND {{condition}} "
    f"AND {TABLE}.rowid NOT IN "
    f"(SELECT rowid FROM {LEAD_TABLE} WHERE {LEAD_TABLE} MATCH %s)"
)
# Rank and filter first; highlights and snippets (which read the stored text),
# and what the row indexes, for the page only. The matches first (CROSS JOIN
# fixes the order), each looked up in the page: the other way round, each of the
# page's rows ran the search again (6.3 ms against 2.8).
_MARKS = f"'{START}', '{STOP}'"
_SQLITE_PAGE = (
    "SELECT {table}.doc_id, highlight({table}, {title}, " + _MARKS + "), "
    "snippet({table}, {text}, " + _MARKS + ", '…', 24), d.status, g.term, page.hit "
    "FROM {table} CROSS JOIN ({hits} ORDER BY score, hit LIMIT %s OFFSET %s) page "
    "ON {table}.rowid = page.hit " + _joins("page.hit") + " "
    "WHERE {table} MATCH %s ORDER BY page.score, page.hit"
)

_PG_QUERY = "to_tsquery('english', %s)"
_PG_COUNT = (
    "SELECT count(*) AS total FROM (SELECT 1 FROM {table} {joins} "
    "WHERE {table}.tsv @@ " + _PG_QUERY + " AND {condition} LIMIT %s) hits"
)
_PG_HEADLINE = f"StartSel={START}, StopSel={STOP}"
_PG_TITLE = f"ts_headline('english', {{}}, page.q, '{_PG_HEADLINE}, HighlightAll=true')"
_PG_EXCERPT = (
    f"ts_headline('english', {{}}, page.q, '{_PG_HEADLINE}, MaxWords=18, "
    'MinWords=8, MaxFragments=2, FragmentDelimiter=" … "\')'
)
# The ranked hits of the page, with the number of all hits: counting them is a
# query of its own on SQLite (bm25 refuses to share a statement with one), a
# part of this one here, which always gives a row (the hit NULL past the ranked
# ones). Ranked by how often the words occur (ts_rank, weighted by where), as
# SQLite's bm25 does: ts_rank_cd, by how close together, took 1 ms more for the
# 863 leads "refund policy" finds.
#
# Each hit's title and lead come as they are, with the words in them that match
# (`found`): they are marked and excerpted in Python (`_excerpt`). ts_headline
# parsed and stemmed the whole of every lead for that, 1.3 ms of a page of twenty.
# Here only the words that start as a query word does are stemmed, by PostgreSQL,
# so a word is marked exactly when its search matches it. The query they are
# matched with (`any_word`) is read once for the statement: written in the
# lateral's condition, it was parsed again for every word found (80 a page, 0.08
# ms of PostgreSQL's 1.8 for "refund policy").
_PG_RANKED = (
    "SELECT l.doc_id, l.title, l.lead, d.status, g.term, page.hit, found.words, "
    "totals.total "
    f"FROM ({_PG_COUNT.replace('{table}', TABLE)}) totals "
    f"CROSS JOIN {_PG_QUERY} any_word "
    "LEFT JOIN (SELECT hit, score FROM ("
    f"SELECT {LEAD_TABLE}.id AS hit, ts_rank({LEAD_TABLE}.tsv, q) AS score "
    f"FROM {LEAD_TABLE} CROSS JOIN {_PG_QUERY} q {{lead_joins}} "
    f"WHERE {LEAD_TABLE}.tsv @@ q AND {{lead_condition}}) ranked "
    "ORDER BY score DESC, hit LIMIT %s OFFSET %s) page ON TRUE "
    f"LEFT JOIN {LEAD_TABLE} l ON l.id = page.hit {_joins('page.hit')} "
    "LEFT JOIN LATERAL (SELECT array_agg(DISTINCT m[1]) AS words "
    "FROM regexp_matches(l.title || ' ' || l.lead, %s, 'gi') m "
    "WHERE to_tsvector('english', m[1]) @@ any_word) found ON TRUE "
    "ORDER BY page.score DESC, page.hit"
)
# The hits found only deeper in a body are excerpted by ts_headline: the words
# can be anywhere in a body of up to MAX_BODY_LENGTH characters, which is not
# worth sending here to find them.
_PG_DEEPER = (
    f"SELECT s.doc_id, {_PG_TITLE.format('s.title')}, {_PG_EXCERPT.format('s.body')}, "
    "d.status, g.term, page.hit "
    f"FROM (SELECT {TABLE}.id AS hit, q FROM {TABLE} CROSS JOIN {_PG_QUERY} q "
    f"{{joins}} WHERE {TABLE}.tsv @@ q AND {{condition}} AND {TABLE}.id NOT IN "
    f"(SELECT id FROM {LEAD_TABLE} WHERE tsv @@ {_PG_QUERY}) "
    "ORDER BY hit LIMIT %s OFFSET %s) page "
    f"JOIN {TABLE} s ON s.id = page.hit {_joins('page.hit')} ORDER BY page.hit"
)


class SearchResults:
    """The hits of one search, for Django's Paginator, in a bounded number of
    queries however many documents match: one to count (on PostgreSQL, part of
    the page a paginator is said to ask for: `expect`), one for a page of ranked
    hits, and one or two more where the page runs on into the deeper ones."""

    def __init__(
        self,
        query: str,
        filters: Filters,
        *,
        every_hit_counted: bool = False,
        connection=default_connection,
    ):
        """`every_hit_counted`: the hits are all counted, not COUNTED_UP_TO."""
        self.connection = connection
        self.counted_up_to = None if every_hit_counted else COUNTED_UP_TO
        self.postgres = connection.vendor == "postgresql"
        found = self.found = words(query)
        self.match = (
            (_tsquery if self.postgres else _fts5_query)(found) if found else ""
        )
        key = _key_column(connection)
        self.filters = {
            table: filters.sql(f"{table}.{key}") for table in (TABLE, LEAD_TABLE)
        }
        self.counted: int | None = None
        # PostgreSQL: the window a paginator is expected to ask for.
        self.expected: slice | None = None
        # The windows read so far: start: (stop, hits).
        self.read: dict[int, tuple[int, list[Hit]]] = {}

    def expect(self, page: int, size: int) -> None:
        """Say which page a paginator will ask for, after counting: on PostgreSQL
        one query then gives both."""
        # A page far past any hit is no guess worth a query (nor an OFFSET that
        # overflows): Paginator counts first, and gives the last page.
        if page * size <= NUMBER_MAX:
            self.expected = slice((page - 1) * size, page * size)

    def _fetch(self, sql: str, params: list) -> list[tuple]:
        # For a word in most documents PostgreSQL's planner prefers reading the
        # whole table, which unpacks every stored tsvector (~4 KB each, 40 ms for
        # 10,000); the GIN index answers without them. Sent with the query in one
        # round trip, rather than in a transaction of its own (BEGIN, SET LOCAL,
        # the query, COMMIT: four; on SQLite a transaction would also take the
        # write lock, IMMEDIATE).
        return fetch_all(
            self.connection, sql, params, setting="SET LOCAL enable_seqscan = off"
        )

    def _where(self, table: str) -> tuple[dict, list]:
        joins, condition, params = self.filters[table]
        return {"table": table, "joins": joins, "condition": condition}, params

    def count(self) -> int:
        """The number of hits, as far as they are counted (`counted_up_to`)."""
        if self.counted is None and self.postgres and self.expected and self.match:
            self[self.expected]  # counts as it reads the ranked hits
        if self.counted is None:
            self.counted = self._count(TABLE, self._counting_limit())
        return min(self.counted, self.counted_up_to or self.counted)

    @property
    def more_than_counted(self) -> bool:
        """Whether there are more hits than `count()` says."""
        up_to = self.counted_up_to
        return up_to is not None and self.count() == up_to and self.counted > up_to

    def _counting_limit(self) -> int:
        # One hit past the limit tells that there are more.
        return _EVERY_HIT if self.counted_up_to is None else self.counted_up_to + 1

    def _exact(self) -> bool:
        """Whether `counted` is every hit, not the limit the counting stopped at."""
        return self.counted is not None and self.counted < self._counting_limit()

    def _count(self, table: str, limit: int = _EVERY_HIT) -> int:
        """The hits in `table`, up to `limit`: all of them in TABLE, the ranked ones
        in LEAD_TABLE."""
        if not self.match:
            return 0
        names, params = self._where(table)
        sql = (_PG_COUNT if self.postgres else _SQLITE_COUNT).format(**names)
        return self._fetch(sql, [self.match, *params, limit])[0][0]

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list[Hit]:
        start, stop = window.start or 0, window.stop
        if not self.match or stop <= start:
            return []
        # Paginator asks for the last page only as far as the count: [0:4], say,
        # where [0:20] was expected and read.
        read_to, hits = self.read.get(start, (0, []))
        if read_to < stop:
            hits = self._window(start, stop)
            self.read[start] = (stop, hits)
        return hits[: stop - start]

    def _window(self, start: int, stop: int) -> list[Hit]:
        ranked = self._ranked(start, stop)
        if len(ranked) == stop - start or (
            # Every hit is in: none is left deeper in a body.
            self._exact() and start + len(ranked) >= self.counted
        ):
            return ranked
        # The deeper hits follow the ranked ones: this window starts with the first
        # of them, or (past the ranked ones) as many in as the window is past those.
        skipped = 0 if ranked or not start else start - self._count(LEAD_TABLE)
        return ranked + self._deeper(skipped, skipped + stop - start - len(ranked))

    def _ranked(self, start: int, stop: int) -> list[Hit]:
        """The hits with every word in the ID, the title or the lead, best first,
        excerpted from the lead."""
        names, params = self._where(LEAD_TABLE)
        if not self.postgres:
            hits = _SQLITE_RANKED.format(**names)
            sql = _SQLITE_PAGE.format(hits=hits, table=LEAD_TABLE, title=1, text=2)
            rows = self._fetch(
                sql, [self.match, *params, stop - start, start, self.match]
            )
            return _hits(rows)
        count_names, count_params = self._where(TABLE)
        sql = _PG_RANKED.format(
            joins=count_names["joins"],
            condition=count_names["condition"],
            lead_joins=names["joins"],
            lead_condition=names["condition"],
        )
        rows = self._fetch(
            sql,
            [self.match, *count_params, self._counting_limit()]
            + [_tsquery(self.found, " | "), self.match, *params, stop - start, start]
            + [_word_starts(self.found)],
        )
        self.counted = rows[0][-1]
        # A word stems the same wherever it is: what matches in one hit, does in all.
        matching = _matching({word for row in rows for word in row[6] or ()})
        return _hits(
            (doc_id, *_highlighted(title, lead, matching), status, term, key)
            for doc_id, title, lead, status, term, key, _, _ in rows
            if key is not None
        )

    def _deeper(self, start: int, stop: int) -> list[Hit]:
        """The other hits, found only deeper in a body, in the order of their keys,
        excerpted from where the words are."""
        names, params = self._where(TABLE)
        if self.postgres:
            sql = _PG_DEEPER.format(**names)
            params = [self.match, *params, self.match, stop - start, start]
        else:
            hits = _SQLITE_DEEPER.format(**names)
            sql = _SQLITE_PAGE.format(hits=hits, table=TABLE, title=3, text=4)
            params = [self.match, *params, self.match, stop - start, start, self.match]
        return _hits(self._fetch(sql, params))


def _hits(rows) -> list[Hit]:
    """The hits of rows (ID, title, excerpt, status, term, key): the addresses'
    setup read once for them, not once a hit (15 µs each)."""
    document_url = addresses_of("docs_registry:document", str)
    glossary_url = addresses_of("docs_registry:glossary")
    return [_hit(*row, document_url, glossary_url) for row in rows]


def _hit(doc_id, title, snippet, status, term, key, document_url, glossary_url) -> Hit:
    kind = TERM if key & 1 else DOC
    if kind == DOC:
        url = document_url(doc_id)
    else:
        url = f"{glossary_url()}#term-{slugify(term, allow_unicode=True)}"
    return Hit(
        kind=kind,
        doc_id=doc_id,
        title=_marked(title),
        snippet=_marked(snippet),
        retired=status == "retired",
        url=url,
    )
