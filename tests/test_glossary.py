import re
from datetime import timedelta

import pytest
from django.utils import timezone

from docs_registry import services
from docs_registry.models import GlossaryTerm

from .factories import days_ago, make_user
from .html import main
from .test_queries import count_queries

pytestmark = pytest.mark.django_db


def add_term(actor, wording="Premium Support", avoid="Gold plan\nVIP support", **extra):
    return services.glossary_term_save(
        actor=actor,
        term=None,
        wording=wording,
        definition=extra.pop("definition", "Our paid support add-on."),
        audience=extra.pop("audience", "both"),
        avoid=avoid,
        owner=extra.pop("owner", None),
        reason=extra.pop("reason", ""),
    )


def anchors(response) -> list[str]:
    """The terms a glossary page shows, in order, by their anchors."""
    return re.findall(
        r'class="glossary-term" id="term-([^"]+)"', response.content.decode()
    )


def post_term(client, url="/glossary/new/", **fields):
    data = {
        "term": "Premium Support",
        "definition": "Our paid support add-on.",
        "audience": "both",
        "avoid": "Gold plan\nVIP support",
        "owner": "",
        "reason": "",
    } | fields
    return client.post(url, data)


def test_manager_adds_a_term_shown_at_its_anchor(client, manager, sales_staff):
    client.force_login(manager)
    response = post_term(client, reason="Sales said Gold, support said VIP")
    assert response.status_code == 302
    assert response["Location"] == "/glossary/#term-premium-support"
    term = GlossaryTerm.objects.get()
    record = term.history.get()
    assert (record.history_user, record.history_change_reason) == (
        manager,
        "Sales said Gold, support said VIP",
    )
    client.force_login(sales_staff)
    html = client.get("/glossary/").content.decode()
    assert 'id="term-premium-support"' in html
    assert "&ldquo;Gold plan&rdquo;" in html and "Our paid support add-on." in html


def listed_terms(response) -> list[str]:
    return [
        term.one("dt").one("a").text
        for term in main(response).select("div", cls="glossary-term")
    ]


def test_glossary_is_a_to_z_and_searchable(client, manager, sales_staff):
    add_term(manager, "ticket", avoid="")
    add_term(manager, "Case", avoid="")
    add_term(manager, "credit", avoid="store credit note", definition="Money back")
    client.force_login(sales_staff)
    assert listed_terms(client.get("/glossary/")) == ["Case", "credit", "ticket"]
    assert listed_terms(client.get("/glossary/?q=money")) == ["credit"]
    assert client.get("/glossary/?q=%25_'\"").status_code == 200


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"term": ""}, "A term is required."),
        ({"definition": ""}, "A definition is required."),
        ({"term": "premium support"}, "is already in the glossary"),
        ({"term": "Case", "avoid": "Case"}, "is a preferred term"),
        ({"term": "Case", "avoid": "premium   SUPPORT"}, "is a preferred term"),
        ({"term": "Gold plan", "avoid": ""}, "listed as a word to avoid"),
    ],
)
def test_bad_terms_are_refused_and_what_was_typed_is_kept(
    client, manager, fields, message
):
    add_term(manager)
    client.force_login(manager)
    response = post_term(client, **({"definition": "Typed with care"} | fields))
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "Typed with care" in html or fields.get("definition") == ""
    assert GlossaryTerm.objects.count() == 1


def test_only_managers_and_the_terms_owner_change_it(client, manager, sales_staff):
    owned = add_term(manager, owner=sales_staff)
    other = add_term(manager, "Case", avoid="ticket")
    client.force_login(sales_staff)
    assert client.get("/glossary/new/").status_code == 403
    assert client.get(f"/glossary/{other.pk}/edit/").status_code == 403
    response = post_term(
        client,
        url=f"/glossary/{owned.pk}/edit/",
        definition="Paid add-on: faster answers.",
        owner=sales_staff.pk,
    )
    assert response.status_code == 302
    owned.refresh_from_db()
    assert owned.definition == "Paid add-on: faster answers."
    assert owned.history.count() == 2


def test_publishing_with_avoided_words_needs_confirmation(
    client, document, owner, manager
):
    add_term(manager)
    add_term(manager, "case", avoid="ticket\ntickets")
    client.force_login(owner)
    data = {
        "title": document.title,
        "body": "Customers on the Gold plan\nopen a `ticket` or a Ticket.",
        "summary": "Support wording",
        "significance": "major",
        "base_number": 1,
    }
    preview = client.post("/docs/PRC-0001/edit/", data | {"action": "preview"})
    html = preview.content.decode()
    assert (
        "Line 1: &ldquo;Gold plan&rdquo; &mdash; say &ldquo;Premium Support&rdquo;"
        in html
    )
    assert "Line 2: &ldquo;Ticket&rdquo; &mdash; say &ldquo;case&rdquo;" in html
    refused = client.post("/docs/PRC-0001/edit/", data | {"action": "publish"})
    assert refused.status_code == 400
    assert "Publish anyway" in refused.content.decode()
    assert document.versions.count() == 1
    published = client.post(
        "/docs/PRC-0001/edit/",
        data | {"action": "publish", "publish_anyway": "yes"},
    )
    assert published.status_code == 302
    assert document.versions.count() == 2


def test_a_setting_makes_avoided_words_a_hard_stop(
    client, document, owner, manager, settings
):
    settings.SAMEPAGE_LINT_BLOCKS_PUBLISH = True
    add_term(manager)
    client.force_login(owner)
    response = client.post(
        "/docs/PRC-0001/edit/",
        {
            "title": document.title,
            "body": "The VIP support line.",
            "summary": "x",
            "significance": "major",
            "base_number": 1,
            "action": "publish",
            "publish_anyway": "yes",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Replace them before publishing." in html
    assert "Publish anyway" not in html
    assert document.versions.count() == 1


def test_glossary_page_queries_do_not_grow(client, manager, sales_staff):
    client.force_login(sales_staff)
    add_term(manager, owner=make_user("term-owner"))
    few = count_queries(client, "/glossary/")
    for n in range(30):
        add_term(manager, f"Term {n}", avoid=f"avoid {n}", owner=manager)
    assert count_queries(client, "/glossary/") == few


def test_first_use_of_each_term_shows_its_definition(client, document, owner, manager):
    add_term(manager, definition='Paid add-on "24/7" <script>alert(1)</script>')
    case = add_term(manager, "case", avoid="ticket", definition="A customer's request.")
    client.force_login(owner)
    response = client.post(
        "/docs/PRC-0001/edit/",
        {
            "title": document.title,
            "body": "Premium Support answers every Case.\n\n"
            "`Premium Support` in code, [case](https://example.com), "
            "and a second case.",
            "summary": "Glossary words",
            "significance": "minor",
            "base_number": 1,
            "action": "publish",
        },
    )
    assert response.status_code == 302
    html = client.get("/docs/PRC-0001/").content.decode()
    assert html.count("<abbr") == 2
    assert (
        f'<abbr data-term="{case.pk}" title="A customer&#x27;s request.">Case</abbr>'
        in html
    )
    assert "<script>alert" not in html
    assert "&lt;script&gt;" in html or "&lt;script>" in html
    assert "<code>Premium Support</code>" in html


def test_preview_marks_terms_too(client, document, owner, manager):
    case = add_term(manager, "case", avoid="", definition="A customer's request.")
    client.force_login(owner)
    response = client.post(
        "/docs/PRC-0001/edit/",
        {
            "title": document.title,
            "body": "Open a case.",
            "summary": "",
            "significance": "major",
            "base_number": 1,
            "action": "preview",
        },
    )
    assert (
        f'<abbr data-term="{case.pk}" title="A customer&#x27;s request.">case</abbr>'
        in response.content.decode()
    )


def test_glossary_changes_reach_the_digest_like_document_changes(
    client, manager, sales_staff
):
    add_term(manager, reason="Sales said Gold, support said VIP")
    add_term(manager, "Severity 1", avoid="P1", audience="support")
    client.force_login(sales_staff)
    html = client.get("/digest/").content.decode()
    assert "Glossary changes" in html
    assert "Premium Support" in html and "Sales said Gold, support said VIP" in html
    assert "Severity 1" not in html  # addressed to support only
    assert "Glossary changes" in client.get("/digest/").content.decode()  # stays
    shown_at = re.search(r'name="shown_at" value="([^"]+)"', html).group(1)
    client.post("/digest/seen/", {"shown_at": shown_at})
    assert "Glossary changes" not in client.get("/digest/").content.decode()


def test_team_digest_lists_glossary_changes_of_the_period(client, manager):
    with days_ago(40):
        add_term(manager, "Old term", avoid="")
    add_term(manager, "Severity 1", avoid="P1", audience="support")
    client.force_login(manager)
    since = (timezone.localdate() - timedelta(days=7)).isoformat()
    support = client.get(f"/digest/?team=support&since={since}").content.decode()
    assert "Severity 1" in support and "Old term" not in support
    sales = client.get(f"/digest/?team=sales&since={since}").content.decode()
    assert "Severity 1" not in sales
