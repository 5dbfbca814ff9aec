"""No browser or shared cache keeps a page or an API answer; static files are
kept as long as WhiteNoise says."""

import pytest
from django.test import Client

from docs_registry import services
from docs_registry.models import GlossaryTerm

from .factories import publish

pytestmark = pytest.mark.django_db

SIGNED_IN = [
    "/",
    "/docs/",
    "/docs/PRC-0001/",
    "/docs/PRC-0001/v1/",
    "/digest/",
    "/search/?q=discount",
    "/history/",
    "/coverage/",
    "/glossary/",
    "/profile/",
    "/api/docs/",
    "/api/docs/PRC-0001/",
    "/no-such-page/",
]


def _not_kept(response):
    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives
    assert "public" not in directives


@pytest.mark.parametrize("url", SIGNED_IN)
def test_signed_in_answers_are_never_stored(client, document, manager, url):
    publish(document, body="v2")
    GlossaryTerm.objects.create(term="Discount", definition="Money off.")
    client.force_login(manager)
    response = client.get(url)
    assert response.status_code in {200, 404}
    _not_kept(response)


def test_the_sign_in_page_is_not_stored_either(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    _not_kept(response)


def test_an_api_answer_for_a_token_is_never_stored(client, document, manager):
    _, raw = services.api_token_create(user=manager, name="sync")
    response = client.get("/api/docs/", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    _not_kept(response)


def test_static_files_keep_whitenoises_public_headers(settings):
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    response = Client().get("/static/css/app.css")
    assert response.status_code == 200
    assert "public" in response["Cache-Control"]
    assert "no-store" not in response["Cache-Control"]
