"""The small things a new user meets first: an icon in the tab, a way past the
menu, a word after signing out, and examples that name documents that exist."""

from __future__ import annotations

import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.templatetags.static import static

from docs_registry.models import Document, Version

from .html import parse

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
DOC_REF = re.compile(r"\b([A-Z]{2,5}-\d{4})(?:/v| v)?(\d+)?")


def test_every_page_links_an_icon_that_is_served(client, sales_staff):
    client.force_login(sales_staff)
    for url in ("/accounts/login/", "/"):
        links = parse(client.get(url)).select("link")
        icons = [link.attrs["href"] for link in links if link.attrs["rel"] == "icon"]
        assert icons == [static("favicon.svg")], url
    assert (ROOT / "static" / "favicon.svg").read_text().startswith("<svg")


def test_a_skip_link_leads_to_the_content(client, sales_staff):
    client.force_login(sales_staff)
    page = parse(client.get("/"))
    first_link = page.select("a")[0]
    assert first_link.text == "Skip to content"
    assert first_link.attrs["href"] == "#main"
    assert page.one("main").attrs["id"] == "main"


def test_signing_out_says_so(client, sales_staff):
    client.force_login(sales_staff)
    response = client.post("/accounts/logout/", follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/login/"
    messages = [li.text for li in parse(response).select("li", cls="message")]
    assert messages == ["You have signed out."]
    assert client.get("/").status_code == 302  # and is signed out


def test_examples_name_documents_and_versions_of_the_demo_data(settings):
    settings.DEBUG = True  # seed_demo refuses to run otherwise
    call_command("seed_demo", stdout=StringIO())
    texts = [ROOT / "README.md", *sorted((ROOT / "templates").rglob("*.html"))]
    missing = set()
    for path in texts:
        for doc_id, number in DOC_REF.findall(path.read_text("utf-8")):
            if not Document.objects.filter(doc_id=doc_id).exists():
                missing.add(f"{path.name}: {doc_id}")
            elif (
                number
                and not Version.objects.filter(
                    document__doc_id=doc_id, number=int(number)
                ).exists()
            ):
                missing.add(f"{path.name}: {doc_id} v{number}")
    assert sorted(missing) == []


def test_a_refused_edit_names_the_owner_and_leads_back(client, document, sales_staff):
    client.force_login(sales_staff)
    response = client.get(f"{document.get_absolute_url()}edit/")
    assert response.status_code == 403
    page = parse(response).one("main")
    assert "owned by Sales Lead" in page.text
    back = [a for a in page.select("a") if a.text == "Back to PRC-0001"]
    assert back[0].attrs["href"] == document.get_absolute_url()


def test_other_refusals_lead_to_the_documents(client, sales_staff):
    client.force_login(sales_staff)
    response = client.get("/coverage/")
    assert response.status_code == 403
    links = parse(response).one("main").select("a")
    assert [a.attrs["href"] for a in links] == ["/docs/"]
