"""Every write that can change a page moves the revision counter, and shows on
the very next request of each page that shows it, though those pages were kept
just before (read twice: the second read is served from the cache)."""

from contextlib import contextmanager
from io import StringIO

import pytest
from django.core.management import call_command

from docs_registry import services
from docs_registry.caching import revision_number
from docs_registry.models import Category, Document

from .factories import make_document, make_user, publish
from .test_export_import import exported  # noqa: F401 -- a fixture

pytestmark = pytest.mark.django_db

DOCUMENT = "/docs/PRC-0001/"
BROWSE = "/docs/"
HISTORY = "/docs/PRC-0001/history/"
DIGEST = "/digest/"
API = "/api/docs/PRC-0001/"


def search(words: str) -> str:
    return f"/search/?q={words}"


@pytest.fixture
def reader(client, document, sales_staff):
    client.force_login(sales_staff)
    return client


def read(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def kept(client, *urls: str) -> None:
    for url in urls:
        read(client, url)
        read(client, url)


@contextmanager
def moves_the_revision():
    before = revision_number()
    yield
    assert revision_number() > before


def test_a_publish(reader, document):
    kept(reader, DOCUMENT, BROWSE, HISTORY, DIGEST, search("zeppelin"), API)
    with moves_the_revision():
        publish(document, body="Up to **30%** by zeppelin.", summary="Thirty")
    assert "30%" in read(reader, DOCUMENT)
    assert '<td data-label="Version">v2</td>' in read(reader, BROWSE)
    assert "Thirty" in read(reader, HISTORY)
    assert "Thirty" in read(reader, DIGEST)
    assert 'href="/docs/PRC-0001/"' in read(reader, search("zeppelin"))
    assert "zeppelin" in read(reader, API)


def test_a_publish_by_an_owner_outside_the_audience(client, manager, support_staff):
    # No acknowledgment is written for the publisher: the version alone counts.
    owner = make_user("sales-owner", in_sales=True)
    document = make_document(owner=owner, manager=manager, audience="support")
    client.force_login(support_staff)
    url = document.get_absolute_url()
    kept(client, url, BROWSE)
    with moves_the_revision():
        publish(document, body="Support only: **45%**.")
    assert "45%" in read(client, url)
    assert '<td data-label="Version">v2</td>' in read(client, BROWSE)


def test_an_acknowledgment(reader, document, sales_staff):
    kept(reader, DOCUMENT, DIGEST, BROWSE)
    assert "You have not acknowledged" in read(reader, DOCUMENT)
    with moves_the_revision():
        services.acknowledgment_record(user=sales_staff, document=document, number=1)
    assert "You acknowledged v1." in read(reader, DOCUMENT)
    assert "PRC-0001:v1" not in read(reader, DIGEST)
    assert "changes waiting for you" not in read(reader, BROWSE)


def test_a_transfer(reader, document, manager):
    kept(reader, DOCUMENT, BROWSE, HISTORY, API)
    new_owner = make_user("nadia", first_name="Nadia", in_sales=True)
    with moves_the_revision():
        services.ownership_transfer(
            document=document, actor=manager, new_owner=new_owner, reason="Moved"
        )
    for url in (DOCUMENT, BROWSE, HISTORY, API):
        assert "Nadia" in read(reader, url), url


def test_a_retirement(reader, document, manager):
    kept(reader, DOCUMENT, BROWSE, HISTORY, DIGEST, search("discount"), API)
    with moves_the_revision():
        services.document_retire(document=document, actor=manager, reason="Gone")
    assert "Retired" in read(reader, DOCUMENT)
    assert "PRC-0001" not in read(reader, BROWSE)
    assert "Gone" in read(reader, HISTORY)
    assert "PRC-0001" not in read(reader, DIGEST)
    assert "PRC-0001" not in read(reader, search("discount"))
    assert '"retired"' in read(reader, API)


def test_a_change_of_details(reader, document, manager):
    kept(reader, BROWSE, HISTORY, search("matrix"), API)
    with moves_the_revision():
        services.document_update_details(
            document=document,
            actor=manager,
            title="Discount matrix",
            category=document.category,
            audience=document.audience,
            reason="Clearer",
        )
    # Document pages show the title of their version; the rest, the document's.
    for url in (BROWSE, search("matrix"), API):
        assert "Discount matrix" in read(reader, url).replace(
            "<mark>matrix</mark>", "matrix"
        ), url
    assert "Clearer" in read(reader, HISTORY)


def test_a_glossary_change(reader, manager):
    kept(reader, search("invoice"), "/glossary/")
    with moves_the_revision():
        services.glossary_term_save(
            actor=manager,
            term=None,
            wording="Service credit",
            definition="Money off a future invoice.",
            audience="both",
            avoid="",
            owner=None,
        )
    assert "Service credit" in read(reader, search("invoice"))
    assert "Service credit" in read(reader, "/glossary/")


def test_a_question_asked_answered_and_closed(
    client, reader, document, sales_staff, support_staff
):
    kept(reader, DOCUMENT, DIGEST)
    client_b = type(client)()
    client_b.force_login(support_staff)
    kept(client_b, DOCUMENT)
    with moves_the_revision():
        question = services.question_ask(
            document=document, actor=sales_staff, kind="question", text="VAT too?"
        )
    assert "VAT too?" in read(reader, DOCUMENT)  # the asker's open question
    with moves_the_revision():
        services.question_answer(
            question=question, actor=document.owner, answer="Yes, VAT included."
        )
    assert "Yes, VAT included." in read(client_b, DOCUMENT)  # the FAQ
    assert "Yes, VAT included." in read(reader, DIGEST)
    with moves_the_revision():
        services.question_close(question=question, actor=document.owner)
    assert "VAT too?" not in read(client_b, DOCUMENT)


def test_a_person_changed_in_the_admin(reader, owner):
    kept(reader, DOCUMENT, BROWSE, HISTORY)
    owner.first_name, owner.last_name = "Olga", "Owner"
    with moves_the_revision():
        owner.save()  # as the admin does
    for url in (DOCUMENT, BROWSE, HISTORY):
        assert "Olga Owner" in read(reader, url), url


def test_a_category_changed_in_the_admin(reader):
    kept(reader, DOCUMENT, BROWSE)
    category = Category.objects.get()
    category.name = "Prices"
    with moves_the_revision():
        category.save()
    assert "Prices" in read(reader, DOCUMENT)
    assert "Prices" in read(reader, BROWSE)


def test_an_import_of_plain_files(reader, tmp_path, owner):
    kept(reader, BROWSE, search("refunds"), "/api/docs/")
    (tmp_path / "refunds.md").write_text("# Refund rules\n\nRefunds within 30 days.")
    with moves_the_revision():
        call_command(
            "import_docs",
            tmp_path,
            category="PRC",
            owner=owner.username,
            stdout=StringIO(),
        )
    assert "Refund rules" in read(reader, BROWSE)
    assert "PRC-0002" in read(reader, search("refunds"))
    assert "PRC-0002" in read(reader, "/api/docs/")


def test_an_import_of_an_export(client, exported):  # noqa: F811
    viewer = make_user("viewer", in_sales=True)
    client.force_login(viewer)
    kept(client, "/docs/?include_retired=on", "/api/docs/?include_retired=1")
    with moves_the_revision():
        call_command("import_docs", exported, stdout=StringIO())
    assert "PRC-0005" in read(client, "/docs/?include_retired=on")
    assert "PRC-0005" in read(client, "/api/docs/?include_retired=1")


def test_rebuilding_the_search_index(reader, document):
    kept(reader, search("zebra"))
    # A change written around the services (and so not yet in the index)...
    Document.objects.filter(pk=document.pk).update(title="Zebra crossing rules")
    assert "PRC-0001" not in read(reader, search("zebra"))
    with moves_the_revision():
        call_command("rebuild_search", stdout=StringIO())
    assert "PRC-0001" in read(reader, search("zebra"))  # ...is found once rebuilt
