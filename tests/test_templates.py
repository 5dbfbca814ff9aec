"""Templates emit no inline script or style: the Content-Security-Policy allows
only the site's own files, so inline code would be refused by the browser anyway
(and would tempt someone to loosen the policy). Email templates are exempt: mail
clients need inline style."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
EMAIL = TEMPLATES / "docs_registry" / "email"

INLINE = {
    "a <script> without src": re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.I),
    "a <style> element": re.compile(r"<style[\s>]", re.I),
    "a style attribute": re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I),
    "an event-handler attribute": re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I),
    "a javascript: URL": re.compile(r"javascript:", re.I),
}


def _pages() -> list[Path]:
    return sorted(
        path for path in TEMPLATES.rglob("*.html") if EMAIL not in path.parents
    )


def test_the_scan_sees_the_templates():
    assert len(_pages()) > 20
    assert TEMPLATES / "base.html" in _pages()


@pytest.mark.parametrize("kind", list(INLINE))
def test_the_scan_recognises(kind):
    samples = {
        "a <script> without src": "<script defer>alert(1)</script>",
        "a <style> element": "<style>p { color: red }</style>",
        "a style attribute": '<p class="x" style="color: red">',
        "an event-handler attribute": '<button type="button" onclick="go()">',
        "a javascript: URL": '<a href="javascript:go()">',
    }
    assert INLINE[kind].search(samples[kind])
    assert not INLINE[kind].search('<script src="/static/js/a.js" defer></script>')


def test_no_template_has_inline_script_or_style():
    found = [
        f"{path.relative_to(TEMPLATES)}:{number}: {kind}"
        for path in _pages()
        for number, line in enumerate(path.read_text("utf-8").splitlines(), 1)
        for kind, pattern in INLINE.items()
        if pattern.search(line)
    ]
    assert found == []
