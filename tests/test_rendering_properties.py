"""Property-based tests of the renderer: whatever the text, it never raises anything
but a refusal, its work stays linear in the text, and what it returns is inert."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from docs_registry.rendering import RenderingError, render_markdown

from .steps import StepCounter
from .test_rendering import assert_inert, warm_up

pytestmark = pytest.mark.slow

# The renderer's budget (rendering.py) admits short texts whose work grows
# quadratically: a run of ~2,000 `[` or ~1,500 `![` costs ~7M steps, against ~3M
# for the largest body of prose. Nothing costs more: without the budget, a run of
# 10,000 `[` costs ~150M.
MOST_STEPS = 12_000_000
MARKDOWN_SPECIALS = "[]()<>!*_`#>-+=|\\&;:\"' \n\t\x00/"

markdownish = st.lists(
    st.one_of(
        st.sampled_from(MARKDOWN_SPECIALS),
        st.sampled_from(["javascript:", "data:", "<script>", "onerror=", "&#x6a;"]),
        st.characters(),
    ),
    max_size=400,
).map("".join)


def render_within_bound(text: str) -> None:
    warm_up()
    with StepCounter() as steps:
        try:
            output = render_markdown(text)
        except RenderingError as error:
            refusal = error
        else:
            refusal = None
    if refusal is None:
        assert isinstance(output, str)
        assert_inert(output)
    else:
        assert refusal.message and refusal.code
    assert steps.count <= MOST_STEPS


@settings(max_examples=300, deadline=None)
@given(markdownish)
def test_any_text_is_rendered_inert_or_refused(text):
    render_within_bound(text)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    marker=st.sampled_from(["- ", "> ", "1. ", "[", "![", "* ", "  - ", "> - ", "`"]),
    depth=st.integers(min_value=1, max_value=10_000),
)
def test_deep_nesting_is_bounded(marker, depth):
    if marker in ("- ", "1. ", "* "):
        text = "".join("    " * level + marker + "x\n" for level in range(depth))
    else:
        text = marker * depth + "x"
    render_within_bound(text[: 300 * 1024])


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(unit=st.text(min_size=1, max_size=4), megabytes=st.sampled_from([0.1, 0.19, 1]))
def test_long_lines_are_bounded(unit, megabytes):
    render_within_bound(unit * int(megabytes * 1024 * 1024 / len(unit)))
