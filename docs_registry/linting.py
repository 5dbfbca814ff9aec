"""Standard language: find the words a draft should avoid, and the term to use instead.

Matching is by whole words, case-insensitively, outside code (fenced and indented
blocks, inline `code`). Words are compared as token sequences rather than with one
big regular expression, so a 200 KB draft against 500 terms stays linear: each
word of the draft costs a few dictionary look-ups, whatever the number of terms.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass

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
    return tuple(match.group().casefold() for match in WORD.finditer(text))


class Linter:
    """Built once from (avoided wording, preferred term) pairs; lints many texts."""

    def __init__(self, rules: Iterable[tuple[str, str]]):
        self._phrases: dict[tuple[str, ...], str] = {}
        for avoided, preferred in rules:
            words = words_of(avoided)
            if words:
                self._phrases.setdefault(words, preferred)
        self._lengths = sorted({len(words) for words in self._phrases}, reverse=True)

    def lint(self, text: str) -> list[Finding]:
        if not self._phrases:
            return []
        prose = mask_code(text)
        tokens = list(WORD.finditer(prose))
        words = [token.group().casefold() for token in tokens]
        line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        findings = []
        index = 0
        while index < len(words):
            length = self._match_at(words, index)
            if not length:
                index += 1
                continue
            start, end = tokens[index].start(), tokens[index + length - 1].end()
            line = bisect_right(line_starts, start)
            findings.append(
                Finding(
                    line=line,
                    column=start - line_starts[line - 1] + 1,
                    found=text[start:end],
                    preferred=self._phrases[tuple(words[index : index + length])],
                )
            )
            index += length
        return findings

    def _match_at(self, words: list[str], index: int) -> int:
        """The length of the longest avoided phrase starting at `index`, or 0."""
        for length in self._lengths:
            if (
                index + length <= len(words)
                and tuple(words[index : index + length]) in self._phrases
            ):
                return length
        return 0


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
