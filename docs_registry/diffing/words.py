"""Word-level matching with a fixed amount of work.

Texts are cut into tokens (words and runs of whitespace), each distinct token is
mapped to one character, and the fewest insertions and deletions are found: by
RapidFuzz's bit-parallel LCS (compiled) for the short texts of nearly every real
comparison, by Myers' O(ND) algorithm for long ones, whose cost follows the
changes rather than the square of the length. There is no deadline: the work is
counted in steps, and a comparison that would take more than `Budget` allows
stops with `TooDifferent`.
So the result depends only on the two texts, never on how busy the machine is,
and what is cached is the same on every worker.
"""

from __future__ import annotations

import re
from collections import Counter
from itertools import groupby
from operator import itemgetter

from diff_match_patch import diff_match_patch
from rapidfuzz.distance import Indel

from .cleanup import cleanup_semantic

TOKEN = re.compile(r"\s+|[^\s]+")
# Private-use and later planes: no surrogates, so every token maps to a valid char.
_FIRST_CODE_POINT = 0xE000

EQUAL, INSERT, DELETE = (
    diff_match_patch.DIFF_EQUAL,
    diff_match_patch.DIFF_INSERT,
    diff_match_patch.DIFF_DELETE,
)

# Steps of one comparison (a step is one diagonal tried or one token matched):
# about a second of work at most, and far more than a real edit of a long
# document needs (rewriting every paragraph of a 3 KB document took 115,000).
MAX_STEPS = 2_000_000
# More words than this certainly differ (a lower bound, counted before any
# matching): showing them word by word would not help anyone read the change.
MAX_CHANGED_WORDS = 5_000
# Texts whose lengths multiply to at most this are matched by RapidFuzz: its
# work and memory grow with that product (a bit per pair of tokens, 500 KB at
# most here), so longer texts go to Myers' algorithm.
COMPILED_MATCHING_MAX_CELLS = 4_000_000


class TooDifferent(Exception):
    """The two texts differ too much to be compared word by word."""


class Budget:
    """The steps one comparison may still take, shared by all its parts."""

    def __init__(self, steps: int = MAX_STEPS):
        self.left = steps

    def spend(self, steps: int) -> None:
        self.left -= steps
        if self.left < 0:
            raise TooDifferent


class Alphabet:
    """Distinct tokens (or blocks) mapped to single characters and back."""

    def __init__(self) -> None:
        self.items: list = []
        self._codes: dict = {}
        self._texts: dict[int, str] = {}  # code point -> token, for str.translate

    def encode(self, items) -> str:
        items = list(items)
        codes = self._codes
        # New items get codes in order of first appearance; then every item is
        # looked up in compiled code (a Python loop per token took a tenth of a
        # digest's comparisons).
        for item in dict.fromkeys(items):
            if item not in codes:
                code = _FIRST_CODE_POINT + len(self.items)
                codes[item] = chr(code)
                self.items.append(item)
                if item.__class__ is str:
                    self._texts[code] = item
        return "".join(map(codes.__getitem__, items))

    def decode(self, chars: str) -> list:
        return [self.items[ord(char) - _FIRST_CODE_POINT] for char in chars]

    def text(self, chars: str) -> str:
        """The tokens of `chars` joined: `"".join(self.decode(chars))`, decoded
        in compiled code."""
        return chars.translate(self._texts)


def tokens(text: str) -> list[str]:
    return TOKEN.findall(text)


def word_count(parts) -> int:
    return sum(1 for token in parts if not token.isspace())


def check_changed_words(old: list[str], new: list[str]) -> None:
    """Refuse, before any matching, texts of which more than `MAX_CHANGED_WORDS`
    words certainly differ: each word that one text has more often than the
    other must be inserted or deleted, wherever it is."""
    # No more words can differ than both texts hold: nearly every comparison is
    # shorter than that, and counting took a tenth of a digest's comparisons.
    if len(old) + len(new) <= MAX_CHANGED_WORDS:
        return
    old_words, new_words = Counter(old), Counter(new)
    differ = (old_words - new_words) + (new_words - old_words)
    if sum(n for word, n in differ.items() if not word.isspace()) > MAX_CHANGED_WORDS:
        raise TooDifferent


def diff_chars(
    old: str, new: str, budget: Budget, *, readable: bool = True
) -> list[tuple[int, str]]:
    """The shortest edit script from `old` to `new` as diff-match-patch diffs;
    `readable`: with the scattered matches of a rewrite merged into runs."""
    prefix = _common_prefix(old, new)
    old, new, head = old[prefix:], new[prefix:], old[:prefix]
    suffix = _common_prefix(old[::-1], new[::-1])
    tail = old[len(old) - suffix :] if suffix else ""
    old, new = old[: len(old) - suffix], new[: len(new) - suffix]
    budget.spend(prefix + suffix)
    diffs = [(EQUAL, head)] if head else []
    if len(old) * len(new) <= COMPILED_MATCHING_MAX_CELLS:
        diffs += _compiled(old, new, budget)
    else:
        diffs += _myers(old, new, budget)
    if tail:
        diffs.append((EQUAL, tail))
    if readable:
        cleanup_semantic(diffs)
    return diffs


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _compiled(a: str, b: str, budget: Budget) -> list[tuple[int, str]]:
    """The same shortest edit script as `_myers`, found in compiled code; a
    step is one 64-token word of its bit matrix. Within a change, what is
    deleted comes before what is inserted, as `_myers` gives it."""
    budget.spend((len(a) + 63) // 64 * len(b) + len(a) + len(b))
    diffs: list[tuple[int, str]] = []
    deleted = inserted = ""
    for tag, a_start, a_end, b_start, b_end in Indel.opcodes(a, b):
        if tag == "equal":
            if deleted:
                diffs.append((DELETE, deleted))
                deleted = ""
            if inserted:
                diffs.append((INSERT, inserted))
                inserted = ""
            diffs.append((EQUAL, a[a_start:a_end]))
        elif tag == "delete":
            deleted += a[a_start:a_end]
        else:
            inserted += b[b_start:b_end]
    if deleted:
        diffs.append((DELETE, deleted))
    if inserted:
        diffs.append((INSERT, inserted))
    return diffs


def _myers(a: str, b: str, budget: Budget) -> list[tuple[int, str]]:
    """Myers' greedy algorithm (1986), keeping each round's furthest reaches to
    walk back the path. Memory grows with the square of the edit distance, which
    the budget bounds too."""
    n, m = len(a), len(b)
    if not n or not m:
        return [(DELETE, a)] if n else [(INSERT, b)] if m else []
    reach = {1: 0}
    trace = []
    for d in range(n + m + 1):
        trace.append(reach.copy())
        budget.spend(len(reach))
        for k in range(-d, d + 1, 2):
            if k == -d or (k != d and reach[k - 1] < reach[k + 1]):
                x = reach[k + 1]
            else:
                x = reach[k - 1] + 1
            y = x - k
            start = x
            while x < n and y < m and a[x] == b[y]:
                x += 1
                y += 1
            budget.spend(1 + x - start)
            reach[k] = x
            if x >= n and y >= m:
                return _walk_back(a, b, trace)
    raise AssertionError("unreachable: d = n + m always ends")


def _walk_back(a: str, b: str, trace: list[dict[int, int]]) -> list[tuple[int, str]]:
    x, y = len(a), len(b)
    steps: list[tuple[int, str]] = []
    for d in range(len(trace) - 1, -1, -1):
        reach = trace[d]
        k = x - y
        if k == -d or (k != d and reach[k - 1] < reach[k + 1]):
            previous_k = k + 1
        else:
            previous_k = k - 1
        previous_x = reach[previous_k]
        previous_y = previous_x - previous_k
        while x > previous_x and y > previous_y:
            steps.append((EQUAL, a[x - 1]))
            x, y = x - 1, y - 1
        if d:
            if x == previous_x:
                steps.append((INSERT, b[previous_y]))
            else:
                steps.append((DELETE, a[previous_x]))
        x, y = previous_x, previous_y
    return [
        (operation, "".join(char for _, char in run))
        for operation, run in groupby(reversed(steps), key=itemgetter(0))
    ]
