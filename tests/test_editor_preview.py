"""The preview beside the editor: the live one (a fragment the editor's script
asks for as the owner types) and the Preview button's are the same preview,
rendered by the publishing renderer, with the glossary's avoided words marked
and listed by line. The marks are for the owner's eyes only: nothing published
carries them."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from docs_registry.models import Draft

from .html import parse
from .test_glossary import add_term

pytestmark = pytest.mark.django_db

LIVE = "/docs/PRC-0001/edit/preview/"
EDIT = "/docs/PRC-0001/edit/"
BODY = "# Plans\n\nCustomers on the **Gold plan** get `Gold plan` answers.\n"
MARKED = '<mark class="avoided" title="Use “Premium Support” instead">Gold plan</mark>'


@pytest.fixture
def glossary(manager):
    return add_term(manager)


def test_the_live_preview_renders_marks_and_lists_avoided_words(
    client, document, owner, glossary
):
    client.force_login(owner)
    response = client.post(LIVE, {"body": BODY})
    assert response.status_code == 200
    html = response.content.decode()
    assert f"<strong>{MARKED}</strong>" in html
    assert "<code>Gold plan</code>" in html  # code is left as written
    assert "Line 3: “Gold plan” — say “Premium Support”" in parse(html).text
    # A fragment for the page that asked, and nothing saved.
    assert "<html" not in html
    assert not Draft.objects.exists()


def test_the_preview_button_shows_the_same_marks(client, document, owner, glossary):
    client.force_login(owner)
    data = {"title": document.title, "body": BODY, "significance": "major"}
    response = client.post(EDIT, data | {"base_number": 1, "action": "preview"})
    html = response.content.decode()
    assert f"<strong>{MARKED}</strong>" in html
    assert "Line 3: “Gold plan” — say “Premium Support”" in parse(html).text


def test_published_pages_never_carry_the_marks(client, document, owner, glossary):
    client.force_login(owner)
    body = BODY + "\nAn author's own <mark>highlight</mark>.\n"
    data = {"title": document.title, "body": body, "significance": "major"}
    published = client.post(
        EDIT,
        data
        | {"base_number": 1, "summary": "Plans", "action": "publish"}
        | {"publish_anyway": "yes"},
    )
    assert published.status_code == 302
    version = document.versions.get(number=2)
    assert "Gold plan" in version.body_html
    assert "<mark" not in version.body_html
    assert "<mark" not in client.get("/docs/PRC-0001/").content.decode()


def test_a_body_the_renderer_refuses_is_explained(client, document, owner):
    client.force_login(owner)
    for body, words in (("  ", "The body is empty."), ("[" * 8000, "brackets")):
        response = client.post(LIVE, {"body": body})
        assert response.status_code == 400
        assert words in parse(response.content.decode()).text


@pytest.mark.parametrize("who", ["sales_staff", "manager"])
def test_only_the_owner_previews(client, document, who, request):
    client.force_login(request.getfixturevalue(who))
    assert client.post(LIVE, {"body": BODY}).status_code == 403


def test_the_live_preview_is_a_post_with_csrf(document, owner):
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    assert client.get(LIVE).status_code == 405
    assert client.post(LIVE, {"body": BODY}).status_code == 403
    page = client.get(EDIT).content.decode()
    token = page.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    response = client.post(LIVE, {"body": BODY, "csrfmiddlewaretoken": token})
    assert response.status_code == 200


def _queries(client) -> int:
    body = BODY + "\nTerm 0 and Term 29, avoided 1 and avoided 28.\n"
    with CaptureQueriesContext(connection) as queries:
        assert client.post(LIVE, {"body": body}).status_code == 200
    return len(queries)


# Session and user, the document, the avoided words, the glossary's terms, and
# the definitions of the terms the preview marks.
PREVIEW_QUERIES = 6


def test_the_live_preview_costs_the_same_with_3_or_30_terms(
    client, document, owner, manager
):
    client.force_login(owner)
    for n in range(3):
        add_term(manager, f"Term {n}", avoid=f"avoided {n}")
    client.post(LIVE, {"body": BODY})
    assert _queries(client) == PREVIEW_QUERIES
    for n in range(3, 30):
        add_term(manager, f"Term {n}", avoid=f"avoided {n}")
    assert _queries(client) == PREVIEW_QUERIES
