"""Two app servers (gunicorn, two workers each, on two loopback ports) sharing one
PostgreSQL database and one Redis: a change made through server A shows on the
very next request to server B, on every page that shows it, though B had kept
those pages in the shared cache just before.

Needs PostgreSQL (DATABASE_URL; .ci/run's PostgreSQL pass runs it) and
redis-server (skipped without it, except in CI, where it is required)."""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from docs_registry.models import Question

from .factories import make_document, make_user
from .redis_server import RedisServer, free_port

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def redis_server():
    server = RedisServer()
    server.start()
    yield server
    server.stop()


class Server:
    """gunicorn serving this project on a free loopback port."""

    def __init__(self, env: dict[str, str]):
        self.port = free_port()
        gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent))
        self.process = subprocess.Popen(  # noqa: S603 -- our own arguments
            [gunicorn or "gunicorn", "kb.wsgi", "--workers", "2"]
            + ["--bind", f"127.0.0.1:{self.port}"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(500):  # until it answers: a bound on tries, not on time
            try:
                self.request("GET", "/accounts/login/", {})
                return
            except OSError:
                time.sleep(0.02)
        raise RuntimeError(f"gunicorn did not start on port {self.port}")

    def request(self, method: str, path: str, cookies: dict, data=None):
        """(status, body); cookies the response sets are added to `cookies`."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
        body = None
        if data is not None:
            body = urlencode(data)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        text = response.read().decode()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            cookies[name] = rest.split(";", 1)[0]
        conn.close()
        return response.status, text

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


class Person:
    """Someone signed in (one session, valid on every server)."""

    def __init__(self, user):
        client = Client()
        client.force_login(user)
        self.cookies = {"sessionid": client.cookies["sessionid"].value}

    def read(self, server: Server, path: str) -> str:
        status, text = server.request("GET", path, self.cookies)
        assert status == 200, (path, status)
        return text

    def post(self, server: Server, form_page: str, path: str, data: dict) -> None:
        """Submit a form as a browser would: with the token of the page it is on."""
        page = self.read(server, form_page)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token, form_page
        status, text = server.request(
            "POST", path, self.cookies, {"csrfmiddlewaretoken": token.group(1), **data}
        )
        assert status == 302, (path, status, text[-2000:])


@pytest.fixture
def servers(redis_server):
    if connection.vendor != "postgresql":
        pytest.skip(
            "several app servers need PostgreSQL: set DATABASE_URL "
            "(CI runs this in its PostgreSQL pass)"
        )
    database = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:"
            f"{database['PORT'] or 5432}/{database['NAME']}"
        ),
        "SAMEPAGE_CACHE_URL": redis_server.url,
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,
        "DJANGO_DEBUG": "1",
        "SAMEPAGE_RELEASE": "multi-server-test",
    }
    if database.get("PASSWORD"):
        env["DATABASE_URL"] = env["DATABASE_URL"].replace(
            f"{database['USER']}@", f"{database['USER']}:{database['PASSWORD']}@"
        )
    started = []
    try:
        for _ in range(2):
            started.append(Server(env))
        yield started
    finally:
        for server in started:
            server.stop()


DOC = "/docs/PRC-0001/"
PAGES = [DOC, "/docs/", f"{DOC}history/", "/digest/", "/search/?q=rules", "/api" + DOC]


def test_a_change_through_one_server_shows_at_once_on_the_other(
    servers, redis_server, owner, manager, category, sales_staff
):
    a, b = servers
    document = make_document(owner=owner, manager=manager, category=category)
    nadia = make_user("nadia", first_name="Nadia", in_sales=True)
    reader, writer, boss = Person(sales_staff), Person(owner), Person(manager)

    def kept_on_b():
        for path in PAGES * 2:
            reader.read(b, path)
        assert redis_server.client().keys("*"), "B keeps its pages in Redis"

    def on_b(path: str) -> str:
        return reader.read(b, path)

    kept_on_b()
    writer.post(
        a,
        f"{DOC}edit/",
        f"{DOC}edit/",
        {
            "title": document.title,
            "body": "Up to **35%** of the list price.",
            "summary": "Thirty-five",
            "significance": "major",
            "base_number": 1,
            "action": "publish",
        },
    )
    assert "35%" in on_b(DOC)
    assert '<td data-label="Version">v2</td>' in on_b("/docs/")
    assert "Thirty-five" in on_b(f"{DOC}history/")
    assert "Thirty-five" in on_b("/digest/")
    assert "35%" in on_b("/search/?q=rules")
    assert json.loads(on_b("/api" + DOC))["version"] == 2

    kept_on_b()
    reader.post(a, DOC, f"{DOC}acknowledge/", {"number": 2})
    assert "You acknowledged v2." in on_b(DOC)
    assert "PRC-0001:v2" not in on_b("/digest/")

    kept_on_b()
    reader.post(a, DOC, f"{DOC}questions/", {"kind": "question", "text": "VAT too?"})
    question = Question.objects.get()
    assert "VAT too?" in on_b(DOC)
    writer.post(
        a,
        f"/questions/{question.pk}/answer/",
        f"/questions/{question.pk}/answer/",
        {"answer": "Yes, VAT included."},
    )
    assert "Yes, VAT included." in on_b(DOC)
    assert "Yes, VAT included." in on_b("/digest/")

    kept_on_b()
    boss.post(
        a,
        "/glossary/new/",
        "/glossary/new/",
        {"term": "List price", "definition": "Before rules.", "audience": "both"},
    )
    assert "List price" in on_b("/search/?q=rules")

    kept_on_b()
    boss.post(
        a,
        f"{DOC}transfer/",
        f"{DOC}transfer/",
        {"new_owner": nadia.pk, "reason": "Moved teams"},
    )
    for path in (DOC, "/docs/", f"{DOC}history/", "/api" + DOC):
        assert "Nadia" in on_b(path), path

    kept_on_b()
    boss.post(a, f"{DOC}retire/", f"{DOC}retire/", {"reason": "Replaced"})
    assert "Retired" in on_b(DOC)
    assert "PRC-0001" not in on_b("/docs/")
    assert "Replaced" in on_b(f"{DOC}history/")
    assert "PRC-0001" not in on_b("/search/?q=rules")
    assert json.loads(on_b("/api" + DOC))["status"] == "retired"
