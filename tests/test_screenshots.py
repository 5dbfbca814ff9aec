"""`make screenshots` (tests/browser/screenshots.py) and the two the README shows."""

from __future__ import annotations

import re
from pathlib import Path

from .browser.main_pages import ROLES
from .browser.screenshots import WIDTHS, _file_name

PROJECT = Path(__file__).resolve().parent.parent
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
README_IMAGE_MAX_BYTES = 150 * 1024


def test_no_two_pages_of_a_role_share_a_file():
    for paths in ROLES.values():
        names = [_file_name(path, width) for path in paths for width in WIDTHS]
        assert len(set(names)) == len(names)
        assert all(re.fullmatch(r"[A-Za-z0-9-]+-(1280|390)\.png", n) for n in names)


def test_the_readme_shows_small_committed_screenshots():
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    shown = re.findall(r"!\[[^\]]+\]\((docs/screenshots/[^)]+\.png)\)", readme)
    assert len(shown) == 2
    for relative in shown:
        image = PROJECT / relative
        assert image.read_bytes().startswith(PNG_SIGNATURE), relative
        assert image.stat().st_size < README_IMAGE_MAX_BYTES, relative
