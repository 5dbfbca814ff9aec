"""What people see and do on each page."""

import pytest
from django.urls import reverse

from docs_registry import services
from docs_registry.models import Document, Draft

from .factories import make_category, make_document, make_user, publish
from .html import Element, column, main

pytestmark = pytest.mark.django_db


def edit_url(doc_id="PRC-0001"):
    return reverse("docs_registry:edit", args=[doc_id])


def edit_post(client, action, **fields):
    data = {
        "title": "Discount approval rules",
        "body": "Up to **15%** needs no approval.",
        "summary": "Raised the no-approval limit to 15%.",
        "significance": "major",
        "base_number": 1,
        "action": action,
    } | fields
    return client.post(edit_url(), data)


# Browse ----------------------------------------------------------------------------


@pytest.fixture
def catalogue(owner, manager, support_staff):
    policy = make_category(name="Policy", prefix="POL")
    pricing = make_category(name="Pricing", prefix="PRC")
    make_document(
        owner=owner,
        manager=manager,
        category=pricing,
        title="Price list",
        audience="sales",
    )
    make_document(
        owner=support_staff,
        manager=manager,
        category=policy,
        title="Refund policy",
        audience="support",
    )
    make_document(
        owner=owner,
        manager=manager,
        category=policy,
        title="Escalation rules",
        audience="both",
    )
    return {"pricing": pricing, "policy": policy}


def browse_ids(client, query=""):
    response = client.get("/docs/" + query)
    assert response.status_code == 200
    return column(response, "documents")


def test_browse_lists_active_documents_with_their_facts(client, catalogue, sales_staff):
    client.force_login(sales_staff)
    response = client.get("/docs/")
    rows = main(response).one("table", cls="documents").one("tbody").select("tr")
    [row] = [row for row in rows if row.select("td")[0].text == "PRC-0001"]
    facts = [cell.text for cell in row.select("td")[:6]]
    assert facts == ["PRC-0001", "Price list", "Pricing", "Sales", "Sales Lead", "v1"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["POL-0001", "POL-0002", "PRC-0001"]),
        ("?audience=sales", ["POL-0002", "PRC-0001"]),
        ("?audience=support", ["POL-0001", "POL-0002"]),
        ("?audience=both", ["POL-0002"]),
        ("?q=refund", ["POL-0001"]),
        ("?q=prc-0001", ["PRC-0001"]),
        ("?sort=title", ["POL-0002", "PRC-0001", "POL-0001"]),
        ("?audience=nonsense", ["POL-0001", "POL-0002", "PRC-0001"]),
    ],
)
def test_browse_filters_and_sorts(client, catalogue, sales_staff, query, expected):
    client.force_login(sales_staff)
    assert browse_ids(client, query) == expected


def test_browse_filters_by_category_and_owner(client, catalogue, sales_staff, owner):
    client.force_login(sales_staff)
    policy = catalogue["policy"].pk
    assert browse_ids(client, f"?category={policy}") == ["POL-0001", "POL-0002"]
    assert browse_ids(client, f"?owner={owner.pk}") == ["POL-0002", "PRC-0001"]


def test_browse_sorts_by_last_change(client, catalogue, sales_staff):
    publish(Document.objects.get(doc_id="POL-0001"), body="new")
    client.force_login(sales_staff)
    assert browse_ids(client, "?sort=changed")[0] == "POL-0001"


def test_browse_hides_retired_unless_asked(client, catalogue, manager):
    services.document_retire(
        document=Document.objects.get(doc_id="PRC-0001"), actor=manager, reason="Old"
    )
    client.force_login(manager)
    assert "PRC-0001" not in browse_ids(client)
    assert "PRC-0001" in browse_ids(client, "?include_retired=on")


def test_browse_rows_show_titles_and_names_as_text(client, catalogue, manager, owner):
    document = Document.objects.get(doc_id="PRC-0001")
    services.document_update_details(
        document=document,
        actor=manager,
        title='<b>Prices</b> & "terms"',
        category=document.category,
        audience=document.audience,
    )
    owner.first_name = "<i>Sam</i>"
    owner.save()
    services.document_retire(document=document, actor=manager, reason="Old")
    client.force_login(manager)
    response = client.get("/docs/?include_retired=on")
    rows = main(response).one("table", cls="documents").one("tbody").select("tr")
    [row] = [row for row in rows if row.select("td")[0].text == "PRC-0001"]
    assert "retired" in row.classes
    title, owner_cell = row.select("td")[1], row.select("td")[4]
    assert title.one("a").attrs["href"] == "/docs/PRC-0001/"
    assert title.one("a").text == '<b>Prices</b> & "terms"'
    assert title.one("span", cls="retired").text == "Retired"
    assert owner_cell.text.startswith("<i>Sam</i>")
    assert not row.select("i") and not row.select("b")


def test_browse_shows_inactive_owners_to_managers(client, catalogue, manager, owner):
    owner.is_active = False
    owner.save()
    client.force_login(manager)
    assert browse_ids(client, "?owner_inactive=on") == ["POL-0002", "PRC-0001"]
    assert "Owner inactive" in client.get("/docs/").content.decode()


def test_browse_paginates_50_a_page(client, owner, manager, category, sales_staff):
    for n in range(51):
        make_document(owner=owner, manager=manager, category=category, title=f"D{n}")
    client.force_login(sales_staff)
    assert len(browse_ids(client)) == 50
    assert browse_ids(client, "?page=2") == ["PRC-0051"]


# Reading ---------------------------------------------------------------------------


def test_document_page_shows_id_version_and_last_change(client, document, sales_staff):
    publish(document, body="Up to *20%*.", summary="Raised the limit to 20%.")
    client.force_login(sales_staff)
    response = client.get("/docs/PRC-0001/")
    header = main(response).one("header", cls="doc-header")
    assert header.one("p", cls="citation").text == "PRC-0001 v2"
    meta = [dd.text for dd in header.one("dl", cls="meta").select("dd")]
    assert meta[:2] == ["Sales Lead", "Pricing"]
    html = response.content.decode()
    assert "Raised the limit to 20%." in html
    assert "<em>20%</em>" in html


def test_retired_document_stays_readable_with_a_banner(client, document, manager):
    services.document_retire(
        document=document, actor=manager, reason="Replaced by POL-0009"
    )
    client.force_login(manager)
    response = client.get("/docs/PRC-0001/")
    assert response.status_code == 200
    banner = main(response).one("div", cls="banner").text
    assert banner.startswith("Retired on ")
    assert " by Manager: Replaced by POL-0009" in banner


def test_archived_version_is_shown_as_published_and_marked(
    client, document, sales_staff
):
    publish(document, body="Second", summary="Second")
    client.force_login(sales_staff)
    html = client.get("/docs/PRC-0001/v1/").content.decode()
    assert "Archived version &mdash; not current" in html
    assert "<strong>10%</strong>" in html
    assert 'href="/docs/PRC-0001/"' in html
    assert "?from=1&amp;to=2" in html  # compare with current
    current = client.get("/docs/PRC-0001/v2/").content.decode()
    assert "This is the current version" in current
    assert "?from=1&amp;to=2" in current  # compare with previous


@pytest.mark.parametrize(
    "url", ["/docs/PRC-0001/v3/", "/docs/PRC-9999/", "/docs/PRC-0001/v0/"]
)
def test_unknown_documents_and_versions_are_404(client, document, sales_staff, url):
    client.force_login(sales_staff)
    response = client.get(url)
    assert response.status_code == 404
    assert "no such document or version" in response.content.decode()


def test_history_lists_versions_and_metadata_changes_newest_first(
    client, document, manager
):
    publish(document, body="v2 body", summary="Second summary", significance="minor")
    services.ownership_transfer(
        document=document,
        actor=manager,
        new_owner=make_user("support-lead"),
        reason="Sales lead on leave",
    )
    client.force_login(manager)
    response = client.get("/docs/PRC-0001/history/")
    entries = history_rows(response)
    assert [kind_of(e) for e in entries] == [
        "transfer",
        "publish",
        "publish",  # v1: the creation, shown once
    ]
    assert (
        entries[0].one("ul", cls="changes").text == "owner: Sales Lead → Support Lead"
    )
    html = response.content.decode()
    assert "Sales lead on leave" in html and "Second summary" in html
    assert 'href="/docs/PRC-0001/v2/"' in html


def history_rows(response) -> list[Element]:
    return main(response).one("table", cls="history").one("tbody").select("tr")


def kind_of(row: Element) -> str:
    """history.html marks each row with `entry-<kind>`."""
    [kind] = [c.removeprefix("entry-") for c in row.classes if c.startswith("entry-")]
    return kind


def test_history_shows_changed_titles_and_reasons_as_text(client, document, manager):
    services.document_update_details(
        document=document,
        actor=manager,
        title="<b>Prices</b>",
        category=document.category,
        audience=document.audience,
        reason="<i>Clearer</i> & shorter",
    )
    client.force_login(manager)
    response = client.get("/docs/PRC-0001/history/")
    [change, created] = history_rows(response)
    assert change.one("ins").text == "<b>Prices</b>"
    assert change.select("td")[3].text.endswith("<i>Clearer</i> & shorter")
    assert not change.select("b") and not change.select("i")
    assert created.select("td")[2].text == "Manager"


def test_history_paginates(client, document, sales_staff):
    for n in range(2, 56):
        publish(document, body=f"body {n}")
    client.force_login(sales_staff)
    first = history_rows(client.get("/docs/PRC-0001/history/"))
    assert len(first) == 50
    assert first[0].select("a")[0].attrs["href"] == "/docs/PRC-0001/v55/"
    second = history_rows(client.get("/docs/PRC-0001/history/?page=2"))
    assert second[-1].select("a")[0].attrs["href"] == "/docs/PRC-0001/v1/"


# Compare ---------------------------------------------------------------------------


def test_compare_marks_words_added_and_removed(client, document, sales_staff):
    publish(document, body="Up to **15%** needs no approval.")
    client.force_login(sales_staff)
    html = client.get("/docs/PRC-0001/compare/?from=1&to=2").content.decode()
    assert "<del>10%</del><ins>15%</ins>" in html and "**" not in html
    source = client.get("/docs/PRC-0001/compare/?from=1&to=2&view=source")
    html = source.content.decode()
    assert "<del>**10%**</del>" in html and "<ins>**15%**</ins>" in html


def test_compare_reversed_is_shown_the_right_way_round(client, document, sales_staff):
    publish(document, body="Second")
    client.force_login(sales_staff)
    response = client.get("/docs/PRC-0001/compare/?from=2&to=1")
    assert response.status_code == 200
    assert main(response).select("h2")[-1].text == "Changes from v1 to v2"


@pytest.mark.parametrize("query", ["?from=1&to=7", "?from=0&to=1"])
def test_compare_with_a_missing_version_is_404(client, document, sales_staff, query):
    client.force_login(sales_staff)
    assert client.get("/docs/PRC-0001/compare/" + query).status_code == 404


def test_compare_escapes_the_source(client, document):
    publish(document, body="<script>alert(1)</script> new")
    client.force_login(document.owner)
    for view in ("", "&view=source"):
        url = "/docs/PRC-0001/compare/?from=1&to=2" + view
        assert "<script>alert" not in client.get(url).content.decode()
    source = client.get("/docs/PRC-0001/compare/?from=1&to=2&view=source")
    assert "&lt;script&gt;" in source.content.decode()


# Editing ---------------------------------------------------------------------------


def test_owner_previews_saves_and_publishes(client, document, owner):
    client.force_login(owner)
    page = client.get(edit_url()).content.decode()
    assert "Up to **10%** needs no approval." in page

    preview = edit_post(client, "preview")
    assert preview.status_code == 200
    assert "<strong>15%</strong>" in preview.content.decode()

    saved = edit_post(client, "save", body="Work in progress")
    assert saved.status_code == 302
    assert "Work in progress" in client.get(edit_url()).content.decode()
    assert Draft.objects.get().body == "Work in progress"

    published = edit_post(client, "publish")
    assert published.status_code == 302
    assert published["Location"] == "/docs/PRC-0001/"
    page = client.get("/docs/PRC-0001/").content.decode()
    assert "Published PRC-0001 v2." in page
    assert "<strong>15%</strong>" in page
    assert not Draft.objects.exists()


def test_stale_publish_is_refused_with_a_compare_link_and_nothing_lost(
    client, document, owner
):
    client.force_login(owner)
    edit_post(client, "save", body="My careful rewrite")
    publish(document, body="Someone else's fix")  # e.g. the owner in another tab
    response = edit_post(client, "publish", body="My careful rewrite, finished")
    assert response.status_code == 409
    html = response.content.decode()
    assert "started from v1, but the document is now at v2" in html
    assert "/docs/PRC-0001/compare/?from=1&amp;to=2" in html
    assert "My careful rewrite, finished" in html
    assert Draft.objects.get().body == "My careful rewrite, finished"
    assert document.versions.count() == 2

    client.post(edit_url(), {"action": "rebase"})
    assert Draft.objects.get().base_number == 2
    assert edit_post(client, "publish", base_number=2).status_code == 302
    assert document.versions.count() == 3


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": ""}, "A title is required."),
        ({"title": "x" * 201}, "at most 200 characters"),
        ({"body": "   "}, "The body is empty."),
        ({"body": "x" * (200 * 1024 + 1)}, "200 KB"),
        ({"body": "before\x00after"}, "NUL character"),
        ({"body": "[" * 8000}, ""),
        ({"summary": ""}, "A change summary is required to publish."),
        ({"summary": "s" * 501}, "at most 500 characters"),
        ({"significance": "huge"}, "Select a valid choice."),
    ],
)
def test_bad_input_is_refused_and_what_was_typed_is_kept(
    client, document, owner, fields, message
):
    client.force_login(owner)
    response = edit_post(client, "publish", **fields)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "Raised the no-approval limit" in html or "summary" in fields
    assert document.versions.count() == 1


def test_pathological_markdown_gets_a_message_not_an_error(client, document, owner):
    client.force_login(owner)
    response = edit_post(client, "preview", body="[" * 8000)
    assert response.status_code in (200, 400)
    nested = "".join("  " * depth + "- item\n" for depth in range(800))
    response = edit_post(client, "preview", body=nested)
    assert response.status_code in (200, 400)


def test_owner_discards_a_draft(client, document, owner):
    client.force_login(owner)
    edit_post(client, "save")
    response = client.post(edit_url(), {"action": "discard"}, follow=True)
    assert "Draft discarded." in response.content.decode()
    assert not Draft.objects.exists()


def test_a_draft_is_private_to_its_author(client, document, owner, manager):
    client.force_login(owner)
    edit_post(client, "save", body="Secret plans")
    client.force_login(manager)
    assert "Secret plans" not in client.get("/docs/PRC-0001/").content.decode()
    assert client.get(edit_url()).status_code == 403


# Manager pages ---------------------------------------------------------------------


def test_manager_creates_a_document(client, manager, owner, category):
    client.force_login(manager)
    response = client.post(
        "/docs/new/",
        {
            "title": "Price list",
            "category": category.pk,
            "audience": "sales",
            "owner": owner.pk,
            "body": "# Prices",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/docs/PRC-0001/"
    html = response.content.decode()
    assert "Created PRC-0001 v1" in html and "<h1>Prices</h1>" in html


def test_create_with_bad_input_keeps_what_was_typed(client, manager, owner, category):
    client.force_login(manager)
    response = client.post(
        "/docs/new/",
        {
            "title": "",
            "category": category.pk,
            "audience": "sales",
            "owner": owner.pk,
            "body": "Carefully typed body",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "A title is required." in html and "Carefully typed body" in html
    assert not Document.objects.exists()


def test_manager_transfers_ownership_with_a_reason(client, document, manager, owner):
    new_owner = make_user("support-lead")
    client.force_login(owner)
    edit_post(client, "save", body="half done")
    client.force_login(manager)
    form = client.get("/docs/PRC-0001/transfer/").content.decode()
    assert "has an unpublished draft" in form
    missing = client.post("/docs/PRC-0001/transfer/", {"new_owner": new_owner.pk})
    assert (
        missing.status_code == 400
        and "A reason is required." in missing.content.decode()
    )
    response = client.post(
        "/docs/PRC-0001/transfer/",
        {"new_owner": new_owner.pk, "reason": "Sales lead on leave"},
        follow=True,
    )
    assert "unpublished draft was discarded" in response.content.decode()
    document.refresh_from_db()
    assert document.owner == new_owner


def test_manager_retires_with_a_reason(client, document, manager):
    client.force_login(manager)
    assert client.post("/docs/PRC-0001/retire/", {"reason": ""}).status_code == 400
    client.post("/docs/PRC-0001/retire/", {"reason": "Superseded"})
    document.refresh_from_db()
    assert document.is_retired


def test_manager_changes_details(client, document, manager, category):
    client.force_login(manager)
    response = client.post(
        "/docs/PRC-0001/details/",
        {"title": "Renamed", "category": category.pk, "audience": "support"},
        follow=True,
    )
    assert "Saved the details of PRC-0001." in response.content.decode()
    unchanged = client.post(
        "/docs/PRC-0001/details/",
        {"title": "Renamed", "category": category.pk, "audience": "support"},
    )
    assert "Nothing was changed." in unchanged.content.decode()


def test_sign_in_page_and_home(client, sales_staff):
    assert client.get("/accounts/login/").status_code == 200
    response = client.post(
        "/accounts/login/", {"username": "sales", "password": "pw"}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/"
    assert "You are on the same page" in response.content.decode()


@pytest.mark.parametrize("url", ["/docs/PRC-0001/", "/docs/PRC-0001/v1/"])
def test_printed_versions_say_they_are_uncontrolled(client, document, sales_staff, url):
    client.force_login(sales_staff)
    html = client.get(url).content.decode()
    assert 'class="print-header"' in html
    assert (
        "Uncontrolled when printed &mdash; the current version is at "
        "http://testserver/docs/PRC-0001/"
    ) in html
    assert "PRC-0001 v1" in html and "Owner Sales Lead" in html
