"""Hand-off rules written into documents as fenced blocks:

    ```handoff
    direction: sales-to-support
    when: An existing customer reports an advanced integration issue
    do: Open a ticket with the customer's environment details
    say: "I'm bringing in our integration specialists; they'll contact you today."
    to: Support, tier 2
    within: 4 business hours
    ```

Parsing is plain text work, shared by the renderer (a card in place of the
block), the publish checks (a malformed block is refused, naming its line) and
the hand-off matrix (rules extracted from each published version)."""

from __future__ import annotations

import re
from dataclasses import dataclass

DIRECTIONS = {
    "sales-to-support": "Sales → Support",
    "support-to-sales": "Support → Sales",
}
# Every key, in the order a card shows them; the first four are required.
KEYS = ("direction", "when", "do", "to", "say", "within")
REQUIRED = KEYS[:4]
LABELS = {
    "direction": "Hand-off",
    "when": "When",
    "do": "Do",
    "say": "Say",
    "to": "To",
    "within": "Within",
}
VALUE_MAX_LENGTH = 500

OPENING = re.compile(r"^ {0,3}(`{3,}|~{3,})[ \t]*handoff[ \t]*$")
ANY_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
FIELD = re.compile(r"^\s*([A-Za-z]+)\s*:\s*(.*?)\s*$")


@dataclass(frozen=True)
class HandoffRule:
    line: int  # of the opening fence, 1 being the first line of the text
    direction: str
    when: str
    do: str
    to: str
    say: str = ""
    within: str = ""

    @property
    def direction_label(self) -> str:
        return DIRECTIONS[self.direction]

    def fields(self) -> list[tuple[str, str]]:
        """(label, value) in card order, empty optional ones left out."""
        shown = [("direction", self.direction_label)] + [
            (key, getattr(self, key)) for key in KEYS[1:]
        ]
        return [(LABELS[key], value) for key, value in shown if value]


@dataclass(frozen=True)
class HandoffProblem:
    line: int
    message: str

    def __str__(self) -> str:
        return f"Line {self.line}: {self.message}"


@dataclass(frozen=True)
class HandoffBlock:
    start: int  # index of the opening fence line
    stop: int  # index just after the closing fence line
    rule: HandoffRule | None
    problems: tuple[HandoffProblem, ...]


def handoff_blocks(lines: list[str]) -> list[HandoffBlock]:
    """Every ```handoff block among `lines`, parsed. Fenced blocks of any other
    kind are skipped whole, so an example inside ``` ``` is not a rule."""
    blocks, index = [], 0
    while index < len(lines):
        fence = ANY_FENCE.match(lines[index])
        if fence is None:
            index += 1
            continue
        closing = _closing(lines, index + 1, fence.group(1))
        end = len(lines) if closing is None else closing + 1
        if OPENING.match(lines[index]):
            blocks.append(_parse(lines, index, closing))
        index = end
    return blocks


def _closing(lines: list[str], index: int, fence: str) -> int | None:
    """The index of the line that closes `fence`, None if no line does."""
    for number in range(index, len(lines)):
        closing = ANY_FENCE.match(lines[number])
        if (
            closing
            and closing.group(1)[0] == fence[0]
            and len(closing.group(1)) >= len(fence)
            and not lines[number].strip().strip(fence[0])
        ):
            return number
    return None


def _parse(lines: list[str], start: int, closing: int | None) -> HandoffBlock:
    problems: list[HandoffProblem] = []
    if closing is None:
        problems.append(
            HandoffProblem(start + 1, "the handoff block is never closed with ```.")
        )
    values: dict[str, str] = {}
    stop = len(lines) if closing is None else closing + 1
    for index in range(start + 1, stop if closing is None else closing):
        if lines[index].strip():
            _read_field(lines[index], index + 1, values, problems)
    direction = values.get("direction")
    if direction is not None and direction.lower() not in DIRECTIONS:
        problems.append(
            HandoffProblem(
                start + 1,
                f"the direction “{direction}” is unknown: write sales-to-support or "
                "support-to-sales.",
            )
        )
    for key in REQUIRED:
        if not values.get(key):
            problems.append(
                HandoffProblem(start + 1, f"the handoff block has no “{key}:” line.")
            )
    if problems:
        return HandoffBlock(start, stop, None, tuple(problems))
    values["direction"] = values["direction"].lower()
    return HandoffBlock(start, stop, HandoffRule(line=start + 1, **values), ())


def _read_field(
    line: str, number: int, values: dict[str, str], problems: list[HandoffProblem]
) -> None:
    found = FIELD.match(line)
    key = found.group(1).lower() if found else ""
    if key not in KEYS:
        problems.append(
            HandoffProblem(
                number,
                f"“{line.strip()[:60]}” is not one of the lines a handoff block "
                f"takes ({', '.join(k + ':' for k in KEYS)}).",
            )
        )
    elif key in values:
        problems.append(HandoffProblem(number, f"“{key}:” is given twice."))
    elif len(found.group(2)) > VALUE_MAX_LENGTH:
        problems.append(
            HandoffProblem(
                number, f"“{key}:” is longer than {VALUE_MAX_LENGTH} characters."
            )
        )
    else:
        values[key] = found.group(2)


def handoff_rules(text: str) -> list[HandoffRule]:
    """The well-formed rules of a text, in order."""
    return [b.rule for b in handoff_blocks(text.split("\n")) if b.rule is not None]


def handoff_problems(text: str) -> list[HandoffProblem]:
    """Every problem of every handoff block in a text, by line."""
    found = [p for b in handoff_blocks(text.split("\n")) for p in b.problems]
    return sorted(found, key=lambda problem: problem.line)
