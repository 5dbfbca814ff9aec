"""`make screenshots`: every main page of each demo role, at a laptop's width and a
phone's, saved as PNG files in screenshots/ (ignored by git).

    .venv/bin/python -m tests.browser.screenshots [--output screenshots]

It goes the way the layout and accessibility checks go (same page lists, same
Chromium, same sign-in form: tests/browser/main_pages.py), but keeps what it sees:

1. The demo data (`seed_demo`, as `make run` serves it) in a temporary SQLite
   database, deleted at the end: the project's own database is never touched.
2. The product served from that database by gunicorn on a free loopback port
   (bench/server.py: started, waited for, always stopped), with debugging on as
   for `make run`, so the static files come straight from static/.
3. For each role: signed in through the real form, then every page of its list
   at 1280 and 390 px wide, the whole page each time, after the page has
   settled (the editor's live preview included), as
   screenshots/<role>/<page>-<width>.png.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
WIDTHS = (1280, 390)
HEIGHT = 900


def _file_name(path: str, width: int) -> str:
    """`/docs/POL-0001/history/` at 390 px -> docs-POL-0001-history-390.png."""
    slug = re.sub(r"[^A-Za-z0-9]+", "-", path).strip("-") or "home"
    return f"{slug}-{width}.png"


def _seed(database_url: str) -> None:
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "kb.settings",
            "DJANGO_DEBUG": "1",  # seed_demo refuses to run without it
            "DATABASE_URL": database_url,
        }
    )
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    call_command("seed_demo", verbosity=0)

    from tests.browser.main_pages import ROLES, address_demo_webhook, row_pages

    address_demo_webhook()
    for paths in ROLES.values():
        paths.extend(row_pages())


def _photograph(base_url: str, output: Path) -> int:
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
    from tests.browser.main_pages import ROLES, sign_in

    saved = 0
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        for username, paths in ROLES.items():
            context = browser.new_context(
                base_url=base_url, viewport={"width": WIDTHS[0], "height": HEIGHT}
            )
            page = context.new_page()
            sign_in(page, username)  # the menu is open at a laptop's width
            folder = output / username
            folder.mkdir(parents=True, exist_ok=True)
            for path in paths:
                for width in WIDTHS:
                    page.set_viewport_size({"width": width, "height": HEIGHT})
                    page.goto(path, wait_until="networkidle")
                    page.screenshot(
                        path=str(folder / _file_name(path, width)), full_page=True
                    )
                    saved += 1
            context.close()
        browser.close()
    return saved


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--output", type=Path, default=PROJECT / "screenshots")
    args = parser.parse_args(argv)

    from bench.server import HOST, free_port, serving

    with tempfile.TemporaryDirectory(prefix="samepage-screenshots-") as folder:
        database_url = f"sqlite:///{Path(folder) / 'demo.sqlite3'}"
        print("seeding the demo data in a temporary database", file=sys.stderr)
        _seed(database_url)
        port = free_port()
        base_url = f"http://{HOST}:{port}"
        environment = {**os.environ, "DJANGO_LOG_LEVEL": "WARNING"}
        with serving(
            cwd=PROJECT,
            env=environment,
            port=port,
            workers=2,
            threads=1,
            ready_url=f"{base_url}/accounts/login/",
            ready_headers={},
        ):
            print(f"serving it on {base_url}", file=sys.stderr)
            saved = _photograph(base_url, args.output)
    print(f"{saved} screenshots in {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
