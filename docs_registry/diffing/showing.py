"""A block-by-block comparison (see blocks.py) shown as HTML, for pages and
the email digest, or as plain text, for the email's text part.

Blocks come out as re-sanitized HTML (blocks.py), words as escaped text between
our own <ins>/<del>; only tag names from the allow-lists are written around them.
"""

from __future__ import annotations

from django.utils.html import escape

from .blocks import Change
from .words import DELETE, EQUAL, INSERT

_CONTEXT = 1  # unchanged blocks shown around each change
_NOUNS = {"p": "paragraph", "li": "list item", "tr": "table row", "pre": "code block"}


def _marked(words) -> str:
    out = []
    for operation, text in words:
        if operation == INSERT:
            out.append(f"<ins>{escape(text)}</ins>")
        elif operation == DELETE:
            out.append(f"<del>{escape(text)}</del>")
        else:
            out.append(escape(text))
    return "".join(out)


def _change_html(change: Change) -> str:
    block, status = change.block, change.status
    if status == "same":
        if block.cells:
            cells = "".join(f"<{c.kind}>{c.html}</{c.kind}>" for c in block.cells)
            return f"<tr>{cells}</tr>"
        return f"<{block.kind}>{block.html}</{block.kind}>"
    if status == "changed":
        if change.cells:
            cells = "".join(
                f"<{c.kind}>{_marked(words)}</{c.kind}>"
                for c, words in zip(block.cells, change.cells, strict=True)
            )
            return f'<tr class="changed">{cells}</tr>'
        inner = _marked(change.words)
        if block.kind == "pre":
            inner = f"<code>{inner}</code>"
        return f'<{block.kind} class="changed">{inner}</{block.kind}>'
    mark = "ins" if status == "inserted" else "del"
    if block.kind == "hr":
        return f'<hr class="{status}">'
    if block.cells:
        cells = "".join(
            f"<{c.kind}><{mark}>{c.html}</{mark}></{c.kind}>" for c in block.cells
        )
        return f'<tr class="{status}">{cells}</tr>'
    return (
        f'<{block.kind} class="{status}"><{mark}>{block.html}</{mark}></{block.kind}>'
    )


def _nested(parts: list[tuple[tuple[str, ...], str]]) -> str:
    """Blocks with the lists, tables and quotes around them opened and closed."""
    out: list[str] = []
    opened: tuple[str, ...] = ()
    for container, html in parts + [((), "")]:
        keep = 0
        while (
            keep < min(len(opened), len(container)) and opened[keep] == container[keep]
        ):
            keep += 1
        out += [f"</{tag}>" for tag in reversed(opened[keep:])]
        out += [f"<{tag}>" for tag in container[keep:]]
        out.append(html)
        opened = container
    return "".join(out)


def _collapsed(run: list[Change]) -> str:
    kinds = {change.block.kind for change in run}
    kind = kinds.pop() if len(kinds) == 1 else ""
    noun = _NOUNS.get(kind, "heading" if kind.startswith("h") else "part")
    plural = "s" if len(run) != 1 else ""
    label = f"&hellip; {len(run)} unchanged {noun}{plural} &hellip;"
    inner = _nested([(c.block.container, _change_html(c)) for c in run])
    return f'<details class="unchanged"><summary>{label}</summary>{inner}</details>'


def changes_html(changes: list[Change]) -> str:
    """The comparison as HTML: every change, `_CONTEXT` unchanged blocks around
    each, and longer runs of unchanged blocks folded into an expandable line."""
    shown = _shown(changes)
    parts: list[tuple[tuple[str, ...], str]] = []
    run: list[Change] = []
    for change, visible in zip(changes, shown, strict=True):
        if not visible:
            run.append(change)
            continue
        parts += _folded(run)
        run = []
        parts.append((change.block.container, _change_html(change)))
    return _nested(parts + _folded(run))


def _shown(changes: list[Change]) -> list[bool]:
    """Which blocks are shown: the changed ones, `_CONTEXT` around each, and
    every row of a table with a change (folding rows would split the table, and
    its header gives the change its meaning)."""
    shown = [change.status != "same" for change in changes]
    for index, change in enumerate(changes):
        if change.status != "same":
            low, high = max(index - _CONTEXT, 0), index + _CONTEXT + 1
            shown[low:high] = [True] * len(shown[low:high])
    start = 0
    for index, change in enumerate([*changes, None]):
        in_table = change is not None and change.block.kind == "tr"
        if not in_table:
            if any(c.status != "same" for c in changes[start:index]):
                shown[start:index] = [True] * (index - start)
            start = index + 1
    return shown


def _folded(run: list[Change]) -> list[tuple[tuple[str, ...], str]]:
    if len(run) < 2:  # one hidden block would take as much room as its line
        return [(c.block.container, _change_html(c)) for c in run]
    return [((), _collapsed(run))]


def changes_text(changes: list[Change]) -> str:
    """The changed blocks as plain text, inserted words in [+ +] and removed
    ones in [- -]: for the text part of an email."""
    lines = []
    for change in changes:
        block = change.block
        if change.status in ("inserted", "removed"):
            sign = "+" if change.status == "inserted" else "-"
            text = (
                " | ".join(c.text for c in block.cells) if block.cells else block.text
            )
            lines.append(f"[{sign} {text} {sign}]")
        elif change.status == "changed":
            parts = change.cells or (change.words,)
            lines.append(" | ".join(_plain(words) for words in parts))
    return "\n".join(lines)


def _plain(words) -> str:
    marks = {INSERT: "[+{}+]", DELETE: "[-{}-]", EQUAL: "{}"}
    return "".join(marks[operation].format(text) for operation, text in words)
