import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from .factories import make_user, publish

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
PAGES = [
    "/",
    "/digest/",
    "/docs/",
    "/docs/PRC-0001/",
    "/docs/PRC-0001/v1/",
    "/docs/PRC-0001/history/",
    "/docs/PRC-0001/compare/?from=1&to=2",
    "/docs/PRC-0001/edit/",
    "/accounts/login/",
]


@pytest.mark.parametrize("url", PAGES)
def test_every_page_sends_the_security_headers(client, document, owner, url):
    publish(document, body="v2")
    if "login" not in url:
        client.force_login(owner)
    response = client.get(url)
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    # No inline script: every <script> (there are none today) must load a file.
    html = response.content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert not re.search(r"\son[a-z]+\s*=", html)


def test_check_deploy_passes_with_production_settings(tmp_path):
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL"))
    } | {
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "x7" * 30 + "-production-like-secret-key-for-the-check",
        "DJANGO_ALLOWED_HOSTS": "kb.example.com",
    }
    result = subprocess.run(  # noqa: S603 -- our own manage.py with fixed arguments
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")
    } | {"DJANGO_DEBUG": "0"}
    result = subprocess.run(  # noqa: S603 -- our own manage.py with fixed arguments
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is required" in result.stderr


def sign_in(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_an_idle_session_expires(client, sales_staff):
    assert sign_in(client, "sales", "pw").status_code == 302
    assert client.get("/docs/").status_code == 200
    Session.objects.update(expire_date=timezone.now())  # idle past the limit
    response = client.get("/docs/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_activity_renews_the_session_at_most_once_a_minute(client, sales_staff):
    from docs_registry import middleware

    assert sign_in(client, "sales", "pw").status_code == 302
    client.get("/docs/")  # renewed
    soon = timezone.now() + timedelta(minutes=5)
    Session.objects.update(expire_date=soon)
    client.get("/docs/")  # renewed less than a minute ago: not again
    assert Session.objects.get().expire_date == soon
    session = client.session
    session[middleware.RENEWED_AT] -= middleware.RENEW_EVERY_SECONDS
    session.save()
    Session.objects.update(expire_date=soon)
    client.get("/docs/")
    assert Session.objects.get().expire_date > soon + timedelta(hours=1)


def test_passwords_go_through_the_validators(client):
    root = make_user("root", is_superuser=True, is_staff=True)
    client.force_login(root)
    response = client.post(
        "/admin/docs_registry/user/add/",
        {
            "username": "newbie",
            "password1": "demo",
            "password2": "demo",
            "usable_password": "true",
        },
    )
    assert response.status_code == 200
    assert "This password is too short" in response.content.decode()
