"""Standard language: find the words a draft should avoid, and the term to use instead.

Matching is by whole words, case-insensitively, outside code (fenced and indented
blocks, inline `code`). Words are compared as token sequences in a trie
(`PhraseTrie`) rather than with one big regular expression, so a 200 KB draft
against 10,000 terms stays linear: each word of the draft costs a dictionary
look-up or two, whatever the number of terms. Rendering marks glossary terms with
the same trie, and a draft's preview marks what the linter finds
(`Linter.occurrences`).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

# Letters and digits of any script, with inner apostrophes ("customer's").
WORD = re.compile(r"\w+(?:['’]\w+)*")
FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s")
INLINE_CODE = re.compile(r"(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.DOTALL)


@dataclass(frozen=True)
class Finding:
    line: int
    column: int
    found: str  # as written in the draft
    preferred: str


def words_of(text: str) -> tuple[str, ...]:
    return tuple(WORD.findall(text.casefold()))


class PhraseTrie:
    """Phrases (sequences of tokens) with a value each, in a trie of dicts.

    Finding the phrases at a position reads one token and makes one dictionary
    look-up at a time, and stops at the first token no phrase continues with. A
    text therefore costs at most (its tokens) x (the longest phrase's tokens)
    look-ups, however many phrases there are; in prose, one or two a token.
    `lookups` counts them, so tests can bound the work without a clock.
    """

    def __init__(self) -> None:
        self._root: dict[Any, Any] = {}
        self.lookups = 0

    def add(self, tokens: Sequence[str], value: Any) -> None:
        """Add a phrase; the first value given for a phrase is kept."""
        node = self._root
        for token in tokens:
            node = node.setdefault(token, {})
        node.setdefault(_VALUE, value)

    def __bool__(self) -> bool:
        return bool(self._root)

    def starts(self, tokens: Sequence[str]) -> list[int]:
        """Where a phrase may start: the positions of tokens some phrase begins
        with (one look-up a token)."""
        self.lookups += len(tokens)
        root = self._root
        return [index for index, token in enumerate(tokens) if token in root]

    def matches(self, tokens: Sequence[str], start: int) -> list[tuple[int, Any]]:
        """(length, value) of every phrase that starts at `start`, shortest first."""
        found = []
        node = self._root
        for index in range(start, len(tokens)):
            self.lookups += 1
            node = node.get(tokens[index])
            if node is None:
                break
            if _VALUE in node:
                found.append((index + 1 - start, node[_VALUE]))
        return found


# Tokens are never None, so None can mark where a phrase ends.
_VALUE = None


class Linter:
    """Built once from (avoided wording, preferred term) pairs; lints many texts."""

    def __init__(self, rules: Iterable[tuple[str, str]]):
        self.phrases = PhraseTrie()
        for avoided, preferred in rules:
            words = words_of(avoided)
            if words:
                self.phrases.add(words, preferred)

    def lint(self, text: str) -> list[Finding]:
        if not self.phrases:
            return []
        line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        findings = []
        for start, end, preferred in self.occurrences(mask_code(text)):
            line = bisect_right(line_starts, start)
            findings.append(
                Finding(
                    line=line,
                    column=start - line_starts[line - 1] + 1,
                    found=text[start:end],
                    preferred=preferred,
                )
            )
        return findings

    def occurrences(self, text: str) -> Iterator[tuple[int, int, str]]:
        """(start, end, preferred term) of each avoided wording in `text`, the
        longest where several start at the same word, none overlapping. Code is
        not skipped here: `lint()` masks it, the preview's renderer leaves code
        elements out."""
        if not self.phrases:
            return
        tokens = list(WORD.finditer(text))
        words = [token.group().casefold() for token in tokens]
        taken = 0
        for index in self.phrases.starts(words):
            matches = [] if index < taken else self.phrases.matches(words, index)
            if not matches:
                continue
            length, preferred = matches[-1]  # the longest avoided phrase
            taken = index + length
            yield tokens[index].start(), tokens[taken - 1].end(), preferred


def mask_code(text: str) -> str:
    """The text with every code character replaced by a space, so positions and
    line numbers stay where they are."""
    lines = text.split("\n")
    fence = None
    previous_blank = True
    in_indented = False
    for number, line in enumerate(lines):
        opening = FENCE.match(line)
        if fence is not None:
            if (
                opening
                and opening.group(1)[0] == fence[0]
                and len(opening.group(1)) >= len(fence)
            ):
                fence = None
            lines[number] = _blank(line)
            continue
        if opening:
            fence = opening.group(1)
            lines[number] = _blank(line)
            continue
        indented = line.startswith(("    ", "\t")) and line.strip()
        if indented and (previous_blank or in_indented) and not LIST_ITEM.match(line):
            in_indented = True
            lines[number] = _blank(line)
            continue
        in_indented = in_indented and not line.strip()
        previous_blank = not line.strip()
        lines[number] = INLINE_CODE.sub(lambda m: _blank(m.group()), line)
    return "\n".join(lines)


def _blank(part: str) -> str:
    return re.sub(r"[^\n]", " ", part)
