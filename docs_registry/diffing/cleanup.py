"""diff-match-patch's semantic cleanup, the same result in linear time.

`diff_cleanupSemantic` turns the scattered matches of a rewrite into whole
deletions and insertions: an equality no longer than the changes on both sides
of it is deleted and inserted instead. Each time it does so it steps back two
equalities and rescans change by change, and the deleted equality stays split
into the changes around it until the end, so the rescans grow with every
elimination: a rewritten paragraph of 100 diffs took 0.6 ms, a third of a
comparison's time. Here the changes between two equalities are counted once, as
one group, so a step back rescans a few groups, not every change since.

The equalities eliminated, and the order of everything in the list, are the
same: a group's lengths are the sums the original counts change by change, and
the original eliminates an equality as soon as the changes after it are long
enough, which they then are in total too. The phases after elimination are the
library's own (merge, lossless shifts) or, for overlaps, a copy of its code
(diff-match-patch, Apache License 2.0, Copyright 2018 The diff-match-patch
Authors). tests/test_diffing.py checks the result against the library's on random diffs.
"""

from __future__ import annotations

from diff_match_patch import diff_match_patch

EQUAL, INSERT, DELETE = (
    diff_match_patch.DIFF_EQUAL,
    diff_match_patch.DIFF_INSERT,
    diff_match_patch.DIFF_DELETE,
)


# A group of changes between two equalities: [inserted, deleted, parts], its
# lengths and its changes in order. A part is a change, or a group joined whole
# (joining copies nothing). Lists, not objects: a comparison builds thousands.
_INSERTED, _DELETED, _PARTS = 0, 1, 2


def cleanup_semantic(diffs: list[tuple[int, str]]) -> None:
    """`diff_match_patch().diff_cleanupSemantic(diffs)`: `diffs` rewritten in
    place, as the library rewrites them."""
    library = diff_match_patch()
    eliminated, _ = _eliminate_equalities(diffs)
    if eliminated:
        library.diff_cleanupMerge(diffs)
    library.diff_cleanupSemanticLossless(diffs)
    _extract_overlaps(library, diffs)


def _eliminate_equalities(diffs: list[tuple[int, str]]) -> tuple[bool, int]:
    """The library's first phase over groups of changes: whether it eliminated
    any equality, and how many segments it visited (its work)."""
    segments: list = []  # equalities (tuples) and groups (lists), alternating
    group = None
    for item in diffs:
        operation, text = item
        if operation == EQUAL:
            segments.append(item)
            group = None
            continue
        if group is None:
            group = [0, 0, []]
            segments.append(group)
        group[_INSERTED if operation == INSERT else _DELETED] += len(text)
        group[_PARTS].append(item)
    equalities: list[int] = []  # indices in `segments`, as the library's stack
    last_equality = None
    inserted_before = deleted_before = inserted_after = deleted_after = 0
    eliminated = False
    index = visits = 0
    while index < len(segments):
        visits += 1
        segment = segments[index]
        if segment.__class__ is tuple:
            equalities.append(index)
            inserted_before, inserted_after = inserted_after, 0
            deleted_before, deleted_after = deleted_after, 0
            last_equality = segment[1]
        else:
            inserted_after += segment[_INSERTED]
            deleted_after += segment[_DELETED]
            if (
                last_equality
                and len(last_equality) <= max(inserted_before, deleted_before)
                and len(last_equality) <= max(inserted_after, deleted_after)
            ):
                _delete_and_insert(segments, equalities.pop())
                if equalities:
                    equalities.pop()
                index = equalities[-1] if equalities else -1
                inserted_before = deleted_before = 0
                inserted_after = deleted_after = 0
                last_equality = None
                eliminated = True
        index += 1
    if eliminated:
        diffs[:] = _flattened(segments)
    return eliminated, visits


def _flattened(segments: list) -> list[tuple[int, str]]:
    # Iterative: a long rewrite nests groups deeper than Python's recursion.
    out: list[tuple[int, str]] = []
    stack = [iter(segments)]
    while stack:
        for part in stack[-1]:
            if part.__class__ is list:
                stack.append(iter(part[_PARTS]))
                break
            out.append(part)
        else:
            stack.pop()
    return out


def _delete_and_insert(segments: list, at: int) -> None:
    """The equality at `at` deleted and inserted instead, joined with the changes
    on both sides of it into one group (the one after it always exists)."""
    text = segments[at][1]
    after = segments[at + 1]
    start = at
    merged = [
        len(text) + after[_INSERTED],
        len(text) + after[_DELETED],
        [(DELETE, text), (INSERT, text), after],
    ]
    if at > 0 and segments[at - 1].__class__ is list:
        start = at - 1
        before = segments[start]
        merged[_INSERTED] += before[_INSERTED]
        merged[_DELETED] += before[_DELETED]
        merged[_PARTS].insert(0, before)
    segments[start : at + 2] = [merged]


def _extract_overlaps(library: diff_match_patch, diffs: list) -> None:
    """The library's last phase, as it writes it: where a deletion and the
    insertion after it overlap by half of either, the overlap becomes an
    equality (<del>abcxxx</del><ins>xxxdef</ins> → <del>abc</del>xxx<ins>def</ins>).
    """
    pointer = 1
    while pointer < len(diffs):
        if diffs[pointer - 1][0] == DELETE and diffs[pointer][0] == INSERT:
            deletion = diffs[pointer - 1][1]
            insertion = diffs[pointer][1]
            overlap1 = library.diff_commonOverlap(deletion, insertion)
            overlap2 = library.diff_commonOverlap(insertion, deletion)
            if overlap1 >= overlap2:
                if overlap1 >= len(deletion) / 2.0 or overlap1 >= len(insertion) / 2.0:
                    diffs.insert(pointer, (EQUAL, insertion[:overlap1]))
                    diffs[pointer - 1] = (DELETE, deletion[: len(deletion) - overlap1])
                    diffs[pointer + 1] = (INSERT, insertion[overlap1:])
                    pointer += 1
            elif overlap2 >= len(deletion) / 2.0 or overlap2 >= len(insertion) / 2.0:
                diffs.insert(pointer, (EQUAL, deletion[:overlap2]))
                diffs[pointer - 1] = (INSERT, insertion[: len(insertion) - overlap2])
                diffs[pointer + 1] = (DELETE, deletion[overlap2:])
                pointer += 1
            pointer += 1
        pointer += 1
