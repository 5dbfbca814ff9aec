"""render_markdown(): the XSS certification of the whole Markdown -> HTML pipeline,
what a reader keeps, and the input it refuses.

These tests talk only to rendering.py's public functions, so they certify whichever
sanitizer sits behind them.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from pathlib import Path

import pytest

from docs_registry.linting import Linter
from docs_registry.rendering import (
    MAX_BODY_BYTES,
    RenderingError,
    check_markdown,
    render_markdown,
)

from .steps import StepCounter

# The shared test data sits beside the project folder (in CI: ../shared).
VECTORS = (
    Path(__file__).resolve().parent.parent.parent
    / "shared"
    / "data"
    / "xss-vectors.txt"
)
MISSING_VECTORS = (
    "../shared/data/xss-vectors.txt not found: the shared test data sits beside the "
    "project in CI"
)

# The spec, written out again so that a change to the module's allow-lists has to
# change the tests too.
TAGS = {
    *("h1", "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "strong", "em", "b"),
    *("i", "del", "s", "code", "pre", "blockquote", "ul", "ol", "li", "a", "img"),
    *("table", "thead", "tbody", "tr", "th", "td", "abbr"),
}
ATTRIBUTES = {
    "a": {"href", "title", "rel"},
    "img": {"src", "alt", "title"},
    "th": {"align"},
    "td": {"align"},
    "abbr": {"title", "data-term"},
    "ol": {"start"},
    # A section's anchor (section-<words>), given at render for the contents list.
    **{f"h{level}": {"id"} for level in (2, 3, 4)},
}
FORBIDDEN_TAGS = ("<script", "<iframe", "<style", "<form", "<object", "<embed", "<svg")
BAD_SCHEMES = ("javascript:", "data:", "vbscript:")
# What browsers ignore inside a URL, plus all other whitespace.
URL_NOISE = re.compile(r"[\x00-\x20\x7f-\x9f\s]+")
# The file's escapes, decoded exactly as its header says.
VECTOR_ESCAPE = re.compile(r"\\(\\|n|r|t|x\{([0-9A-Fa-f]{1,6})\})")
VECTOR_CHARS = {"\\": "\\", "n": "\n", "r": "\r", "t": "\t"}


def decode_vector(line: str) -> str:
    return VECTOR_ESCAPE.sub(
        lambda m: VECTOR_CHARS.get(m.group(1)) or chr(int(m.group(2), 16)), line
    )


def vector_params() -> list:
    if not VECTORS.is_file():
        return [pytest.param(None, id="vectors-missing")]
    lines = VECTORS.read_text(encoding="utf-8").split("\n")
    return [
        pytest.param(decode_vector(line), id=f"line-{number}")
        for number, line in enumerate(lines, start=1)
        if line and not line.startswith("#")
    ]


class Tags(HTMLParser):
    """Every start tag of a fragment with its attributes, entities decoded."""

    def __init__(self, fragment: str):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.feed(fragment)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, attrs))

    handle_startendtag = handle_starttag


def assert_inert(output: str) -> None:
    lowered = output.lower()
    for construct in FORBIDDEN_TAGS:
        assert construct not in lowered
    for tag, attrs in Tags(output).found:
        assert tag in TAGS
        for name, value in attrs:
            assert not re.fullmatch(r"on\w+", name), name
            assert name in ATTRIBUTES.get(tag, ()), (tag, name)
            if name in ("href", "src"):
                # The parser has decoded entities once, as a browser does.
                url = URL_NOISE.sub("", value or "").lower()
                assert not url.startswith(BAD_SCHEMES), value


def render_or_refuse(text: str) -> str:
    """The rendered HTML, or nothing at all if the renderer refuses the text."""
    try:
        return render_markdown(text)
    except RenderingError:
        return ""


def tags_of(output: str) -> list[tuple[str, dict[str, str | None]]]:
    return [(tag, dict(attrs)) for tag, attrs in Tags(output).found]


# --- XSS vectors -------------------------------------------------------------


def require_vectors() -> None:
    """Skip without the shared test data, except in CI (CI=true): there it must be."""
    if os.environ.get("CI") == "true":
        pytest.fail(MISSING_VECTORS)
    pytest.skip(MISSING_VECTORS)


@pytest.mark.parametrize("vector", vector_params())
def test_xss_vector_renders_inert(vector: str | None) -> None:
    if vector is None:
        require_vectors()
    assert_inert(render_or_refuse(vector))
    assert_inert(render_or_refuse(f"[x]({vector})"))
    assert_inert(render_or_refuse(f"![x]({vector})"))


# --- What survives -----------------------------------------------------------


def test_only_sections_get_ids() -> None:
    assert render_markdown("# Prices\n\n### Discounts") == (
        '<h1>Prices</h1>\n<h3 id="section-discounts">Discounts</h3>'
    )


def test_emphasis() -> None:
    output = render_markdown("*one* **two** <del>three</del> <s>four</s>")
    assert output == (
        "<p><em>one</em> <strong>two</strong> <del>three</del> <s>four</s></p>"
    )


def test_lists_keep_their_start_number() -> None:
    output = render_markdown("- a\n- b\n\n3. c\n4. d")
    assert "<ul>\n<li>a</li>\n<li>b</li>\n</ul>" in output
    assert '<ol start="3">\n<li>c</li>\n<li>d</li>\n</ol>' in output


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/",
        "https://example.com/a?b=c#d",
        "mailto:support@example.com",
        "/docs/PRC-0001/",
        "#pricing",
        "page",
    ],
)
def test_links_keep_their_url_and_get_rel(url: str) -> None:
    output = render_markdown(f'[go]({url} "Title")')
    assert tags_of(output) == [
        ("p", {}),
        ("a", {"href": url, "title": "Title", "rel": "noopener noreferrer"}),
    ]


def test_authors_rel_and_target_are_replaced() -> None:
    output = render_markdown(
        '<a href="https://example.com" rel="opener" target="_blank">x</a>'
    )
    assert tags_of(output)[-1] == (
        "a",
        {"href": "https://example.com", "rel": "noopener noreferrer"},
    )


def test_tables_align_without_style() -> None:
    output = render_markdown("| Plan | Price |\n|:---|---:|\n| Basic | 10 |")
    assert tags_of(output) == [
        ("table", {}),
        ("thead", {}),
        ("tr", {}),
        ("th", {"align": "left"}),
        ("th", {"align": "right"}),
        ("tbody", {}),
        ("tr", {}),
        ("td", {"align": "left"}),
        ("td", {"align": "right"}),
    ]


def test_fenced_code_is_shown_not_run() -> None:
    output = render_markdown("```html\n<script>alert('x')</script>\n```")
    assert output == (
        "<pre><code>&lt;script&gt;alert('x')&lt;/script&gt;\n</code></pre>"
    )


def test_blockquote() -> None:
    assert render_markdown("> Quoted") == "<blockquote>\n<p>Quoted</p>\n</blockquote>"


def test_abbreviation_keeps_its_title() -> None:
    output = render_markdown('<abbr title="Service level agreement">SLA</abbr>')
    assert output == '<p><abbr title="Service level agreement">SLA</abbr></p>'


def test_https_image_survives() -> None:
    output = render_markdown('![Plan chart](https://example.com/chart.png "Plans")')
    assert tags_of(output)[-1] == (
        "img",
        {"alt": "Plan chart", "src": "https://example.com/chart.png", "title": "Plans"},
    )


@pytest.mark.parametrize(
    "src",
    [
        "data:image/png;base64,iVBORw0KGgo=",
        "DATA:image/svg+xml,<svg onload=alert(1)>",
        "javascript:alert(1)",
        "/static/chart.png",
        "//example.com/chart.png",
    ],
)
def test_image_source_must_be_absolute_http(src: str) -> None:
    output = render_markdown(f'<img src="{src}" alt="chart">')
    assert tags_of(output)[-1] == ("img", {"alt": "chart"})


@pytest.mark.parametrize(
    "text",
    [
        '<a href="javascript:123">x</a>',  # bleach issue 611
        "[x](javascript:123)",
        "[x](javascript:alert(1))",
        '<a href="JaVaScRiPt:alert(1)">x</a>',
        '<a href="java\tscript:alert(1)">x</a>',
        '<a href="java&#x09;script:alert(1)">x</a>',
        '<a href="&#106;avascript:alert(1)">x</a>',
        '<a href="&#0000106avascript:alert(1)">x</a>',
        '<a href=" &#14; javascript:alert(1)">x</a>',
        '<a href="javascript&colon;alert(1)">x</a>',
        '<a href="vbscript:msgbox(1)">x</a>',
        '<a href="data:text/html,<script>alert(1)</script>">x</a>',
        '<a href="file:///etc/passwd">x</a>',
    ],
)
def test_link_with_a_bad_scheme_loses_its_href(text: str) -> None:
    output = render_markdown(text)
    assert tags_of(output)[-1] == ("a", {"rel": "noopener noreferrer"})


def test_disallowed_tags_are_removed_not_shown() -> None:
    output = render_markdown(
        '<iframe src="https://example.com"></iframe><form><input></form>'
        '<p style="color:red" onclick="alert(1)">text</p>'
    )
    assert output.strip() == "<p>text</p>"


def test_script_text_cannot_run() -> None:
    output = render_markdown("<script>alert(1)</script>\n\nAfter")
    assert_inert(output)
    assert "After" in output


def test_rendering_is_deterministic() -> None:
    text = "# T\n\n[a](/x) *b* | c |\n\n```\ncode\n```"
    assert render_markdown(text) == render_markdown(text)


def test_concurrent_renders_do_not_interfere() -> None:
    texts = [f"# Doc {n}\n\n[link {n}](/docs/PRC-{n:04d}/) *{n}*" for n in range(40)]
    expected = [render_markdown(text) for text in texts]
    with ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(render_markdown, texts)) == expected


# --- Pathological input ------------------------------------------------------

PATHOLOGICAL: dict[str, Callable[[], str]] = {
    "8000 [": lambda: "[" * 8000,
    "100000 *": lambda: "*" * 100_000,
    "50000 _a": lambda: "_a" * 50_000,
    "5000 > then x": lambda: ">" * 5000 + "x",
    "list nested 1000 deep": lambda: "\n".join("  " * i + "- x" for i in range(1000)),
    "list nested 800 deep": lambda: "\n".join("  " * i + "- x" for i in range(800)),
    "list nested 800 deep on one line": lambda: "- " * 800 + "x",
    "ordered list nested 800 deep": lambda: "1. " * 800 + "x",
    "list nested 300 deep by indentation": (
        lambda: "\n".join("    " * i + "- x" for i in range(300))
    ),
    "quotes and lists nested 800 deep": lambda: "> - " * 800 + "x",
    "50000 `": lambda: "`" * 50_000,
    "50000 <": lambda: "<" * 50_000,
    "5000 ![": lambda: "![" * 5000,
    "5000 [a](": lambda: "[a](" * 5000,
    "100000 \\": lambda: "\\" * 100_000,
    "50000 &#": lambda: "&#" * 50_000,
    "50000 [a": lambda: "[a" * 50_000,
    "29000 [a](b)": lambda: "[a](b) " * 29_000,
    "50000 [`]`": lambda: "[`]`" * 50_000,
    "100000 *a": lambda: "*a" * 100_000,
    "100000 `a": lambda: "`a" * 100_000,
    "40000 &amp;": lambda: "&amp;" * 40_000,
    "50000 line breaks": lambda: "a  \n" * 50_000,
    "60000 unfinished tags": lambda: "<a " * 60_000,
    "30000 unfinished quoted tags": lambda: "<a b='" * 30_000,
    "20000 unfinished CDATA": lambda: "<![CDATA[" * 20_000,
    "25000 inline tags": lambda: "<b>a</b>" * 25_000,
    "29000 e-mail autolinks": lambda: "<a@b.c>" * 29_000,
    "50000 setext headings": lambda: "a\n=\n" * 50_000,
    "50000 rules": lambda: "***\n" * 50_000,
    "13000 link definitions": lambda: "[a]: /x\n[a][a]\n" * 13_000,
    "50000 code fences": lambda: "```\n" * 50_000,
    "20000 table rows": lambda: "| a | b |\n|---|---|\n" + "| x | y |\n" * 20_000,
    "50000 list items": lambda: "- x\n" * 50_000,
    "65000 paragraphs": lambda: "a\n\n" * 65_000,
    "3800 quotes 49 deep": lambda: (">" * 49 + " x\n\n") * 3800,
    "30000 links": lambda: "[a]()" * 30_000,
    "100 tables of 100 columns": (
        lambda: ("|" + "a|" * 100 + "\n|" + "-|" * 100 + "\n\n") * 100
    ),
    "2000 unclosed tags across paragraphs": (
        lambda: "".join(f"<b title={i}>a\n\n" for i in range(2000))
    ),
    "2000 misnested tags": lambda: "<p><b title=x>" * 2000,
    "links left open by </p>": lambda: "[x</p>y](u)\n\n" * 10_000,
    "190000 control characters": lambda: "\x08" * 190_000,
    "200 KB of spaces": lambda: " " * 204_799 + "x",
}


# Rendering ordinary prose costs about 14 steps a byte (one function call each,
# see tests/steps.py); a pathological input must cost no more than a little over
# that, whether it is refused or rendered. Without the renderer's bounds, a run of
# `[` or deep nesting costs quadratically many steps and exceeds it.
STEPS_PER_BYTE = 20
STEPS_TO_START = 10_000


def warm_up() -> None:
    """The first call compiles patterns and loads extensions: count only the
    work a text causes."""
    render_markdown("*warm*")


@pytest.mark.slow
@pytest.mark.parametrize("make", PATHOLOGICAL.values(), ids=PATHOLOGICAL.keys())
def test_pathological_input_is_rendered_or_refused_in_linear_work(
    make: Callable[[], str],
) -> None:
    text = make()
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
    else:
        assert refusal.message and refusal.code
        with pytest.raises(RenderingError):
            check_markdown(text)
    assert steps.count <= STEPS_TO_START + STEPS_PER_BYTE * len(text)


def test_8000_brackets_are_refused_with_a_reason() -> None:
    with pytest.raises(RenderingError) as refused:
        render_markdown("[" * 8000)
    assert refused.value.code == "too_complex"
    assert "brackets" in refused.value.message


def test_lists_nested_800_deep_are_refused() -> None:
    with pytest.raises(RenderingError) as refused:
        render_markdown("- " * 800 + "x")
    assert refused.value.code == "too_deep"
    assert refused.value.message == (
        "Lists or quotes nested more than 50 levels deep are not supported."
    )


def test_lists_nested_50_deep_render() -> None:
    output = render_markdown("\n".join("    " * i + "- x" for i in range(50)))
    assert output.count("<ul>") == 50


def test_html_samples_in_code_blocks_are_not_counted_as_tags() -> None:
    sample = "```xml\n" + '<setting name="plan" value="annual"/>\n' * 40 + "```\n\n"
    copies = MAX_BODY_BYTES // 2 // len(sample)
    output = render_markdown(sample * copies)
    assert output.count("&lt;setting name=") == 40 * copies


def test_recursion_in_the_renderer_becomes_a_refusal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def recurse(*args: object, **kwargs: object) -> str:
        raise RecursionError

    monkeypatch.setattr("docs_registry.rendering.markdown.markdown", recurse)
    with pytest.raises(RenderingError) as refused:
        render_markdown("x")
    assert refused.value.code == "too_deep"


# --- Refusals ----------------------------------------------------------------


def ordinary_text(size: int) -> str:
    paragraph = (
        "Customers on the **annual plan** get a 10% discount; see the "
        "[price list](/docs/PRC-0001/) or ask `support`. Refunds follow the "
        "policy in SUP-0012 v3.\n\n"
    )
    text = paragraph * (size // len(paragraph) + 1)
    return text[:size]


def test_body_of_exactly_200_kb_renders() -> None:
    text = ordinary_text(MAX_BODY_BYTES)
    assert len(text.encode("utf-8")) == MAX_BODY_BYTES
    output = render_markdown(text)
    assert output.startswith("<p>Customers on the <strong>annual plan</strong>")


@pytest.mark.slow
def test_rendering_work_grows_linearly_with_the_body() -> None:
    counted = []
    warm_up()
    for size in (10_000, 20_000, 40_000):
        with StepCounter() as steps:
            render_markdown(ordinary_text(size))
        counted.append(steps.count)
    # Doubling the body at most doubles the work, give or take the fixed part.
    assert counted[1] <= 2.1 * counted[0]
    assert counted[2] <= 2.1 * counted[1]
    assert counted[2] <= STEPS_PER_BYTE * 40_000


def test_body_over_200_kb_is_refused() -> None:
    with pytest.raises(RenderingError) as refused:
        check_markdown(ordinary_text(MAX_BODY_BYTES + 1))
    assert refused.value.code == "too_large"


def test_size_is_counted_in_utf8_bytes() -> None:
    with pytest.raises(RenderingError) as refused:
        render_markdown("é" * (MAX_BODY_BYTES // 2 + 1))
    assert refused.value.code == "too_large"


def test_nul_character_is_refused() -> None:
    with pytest.raises(RenderingError) as refused:
        render_markdown("before\x00after")
    assert refused.value.code == "null_character"


def test_unpaired_surrogate_is_refused() -> None:
    with pytest.raises(RenderingError) as refused:
        render_markdown("before\ud800after")
    assert refused.value.code == "invalid_character"


def test_avoided_words_are_marked_only_where_asked_and_escaped():
    linter = Linter([("money back", 'refund "<script>')])
    text = "Money back, `money back`, and <mark>mine</mark>."
    marked = render_markdown(text, avoided=linter)
    assert marked == (
        '<p><mark class="avoided" title=\'Use “refund "&lt;script>” instead\'>'
        "Money back</mark>, <code>money back</code>, and mine.</p>"
    )
    assert (
        render_markdown(text) == "<p>Money back, <code>money back</code>, and mine.</p>"
    )
