"""What every page downloads stays small (the stylesheet and scripts together under
60 KB, uncompressed), and in production it is downloaded once: pages name the
files by a hash of their content, which WhiteNoise serves compressed with
far-future caching, so a changed file is a new name rather than a stale copy."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from .html import parse

pytestmark = pytest.mark.django_db

STATIC = Path(__file__).resolve().parent.parent / "static"
BUDGET_BYTES = 60 * 1024
MANIFEST_STORAGE = "whitenoise.storage.CompressedManifestStaticFilesStorage"
FOREVER = "max-age=315360000, public, immutable"


def _assets(response) -> list[str]:
    """The stylesheets and scripts a page loads, by address."""
    page = parse(response)
    return [
        link.attrs["href"]
        for link in page.select("link")
        if "stylesheet" in link.attrs.get("rel", "")
    ] + [script.attrs["src"] for script in page.select("script")]


def test_the_stylesheets_and_scripts_stay_under_60_kb(client, document, owner):
    """Every file pages may load, counted whole: the editor's page loads the most."""
    client.force_login(owner)
    loaded = set(_assets(client.get("/docs/PRC-0001/edit/")))
    loaded |= set(_assets(client.get("/")))
    assert loaded, "pages load no stylesheet or script?"
    for address in loaded:
        assert address.startswith(("/static/css/", "/static/js/")), address
    files = [*STATIC.glob("css/**/*"), *STATIC.glob("js/**/*")]
    total = sum(path.stat().st_size for path in files if path.is_file())
    assert total <= BUDGET_BYTES, f"{total:,} bytes of CSS and JavaScript"


def test_production_settings_name_static_files_by_their_hash():
    environment = {
        **os.environ,
        "DJANGO_DEBUG": "",
        "DJANGO_SECRET_KEY": "x" * 50,
        "DJANGO_SETTINGS_MODULE": "kb.settings",
    }
    backend = subprocess.run(
        [
            sys.executable,
            "-c",
            "from kb import settings; "
            "print(settings.STORAGES['staticfiles']['BACKEND'])",
        ],
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert backend == MANIFEST_STORAGE


def test_hashed_files_are_kept_for_ever_and_served_compressed(
    settings, tmp_path, document, owner
):
    settings.DEBUG = False
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = settings.STORAGES | {
        "staticfiles": {"BACKEND": MANIFEST_STORAGE}
    }
    settings.WHITENOISE_USE_FINDERS = False
    settings.WHITENOISE_AUTOREFRESH = False
    call_command("collectstatic", interactive=False, verbosity=0)
    client = Client()  # its WhiteNoise reads the collected files
    client.force_login(owner)
    assets = _assets(client.get("/docs/PRC-0001/edit/"))
    stylesheet = next(address for address in assets if "/css/app." in address)
    assert stylesheet != "/static/css/app.css"  # app.<hash>.css
    for address in assets:
        response = client.get(address, HTTP_ACCEPT_ENCODING="gzip")
        assert response.status_code == 200, address
        assert response["Cache-Control"] == FOREVER, address
        assert response["Content-Encoding"] == "gzip", address
    plain = client.get("/static/css/app.css")
    assert plain.status_code == 200
    assert "immutable" not in plain["Cache-Control"]  # an unhashed name may change
