"""The benchmark's data set: written in bulk, yet the same rows the services write."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from docs_registry import coverage_counts, pending
from docs_registry.models import (
    Acknowledgment,
    Category,
    Document,
    DocumentOwner,
    User,
    Version,
)
from docs_registry.rendering import render_markdown
from docs_registry.search import Filters, SearchResults
from field.models import CustomerException, FieldReport

from .factories import make_document
from .html import main

pytestmark = pytest.mark.django_db

SIZE = {"documents": 120, "versions": 17, "users": 30, "reports": 60}


def seed(**size) -> str:
    out = StringIO()
    call_command("seed_bench", stdout=out, **{**SIZE, **size})
    return out.getvalue()


@pytest.mark.slow
def test_seeds_documents_versions_people_and_acknowledgments():
    seed()
    assert Document.objects.count() == 120
    assert Version.objects.count() == 120 * 17 + 1  # and one announced for later
    assert User.objects.count() == 30 + 2
    document = Document.objects.select_related("current_version").first()
    assert document.current_version.number == 17
    assert 2_500 < len(document.current_version.body) < 4_000  # about 3 KB
    assert document.history.filter(history_type="+").count() == 1
    # People and categories have their creation records too.
    assert User.history.filter(history_type="+").count() == 30 + 2
    assert Category.history.filter(history_type="+").count() == 8
    # Half the people acknowledged what is addressed to them, and the reader
    # has two versions waiting on each of the 100 documents it is behind on, and
    # a third on the benchmark's document: a change announced for later.
    assert Acknowledgment.objects.values("user").distinct().count() == 15 + 1
    reader = User.objects.get(username="bench-reader")
    assert pending.kept_totals(reader.pk) == (100, 100 * 2 + 1)
    # The filters' owners are listed, though the documents came in bulk.
    assert set(DocumentOwner.objects.values_list("user_id", flat=True)) == set(
        Document.objects.values_list("owner_id", flat=True)
    )
    # So are the coverage report's counts, and some are not zero.
    kept = coverage_counts.kept_counts()
    assert kept == coverage_counts.expected_counts()
    assert sum(either for _, _, either in kept.values()) > 0


@pytest.mark.slow
def test_field_data_comes_with_a_new_data_set_and_joins_an_older_one(client):
    """20 exceptions in force on the document the benchmark reads, and the
    reports; a data set seeded before they existed gains them on the next run."""
    seed()
    assert FieldReport.objects.count() == 60
    reader = User.objects.get(username="bench-reader")
    client.force_login(reader)
    page = main(client.get(f"/docs/{Document.objects.order_by('doc_id')[0].doc_id}/"))
    box = page.one("section", cls="exceptions-box")
    assert "20 active exceptions to this document" in box.text
    assert "Changes on" in page.text and "see what changes" in page.text
    FieldReport.objects.all().delete()
    CustomerException.objects.all().delete()
    seed()
    assert FieldReport.objects.count() == 60
    assert CustomerException.objects.count() == 500


@pytest.mark.slow
def test_the_bulk_rows_are_sealed_rendered_and_searchable():
    seed()
    out = StringIO()
    call_command("verify_history", stdout=out)
    assert "OK: 120 documents, 2041 versions verified" in out.getvalue()
    for version in Version.objects.filter(number__in=[1, 9, 17])[:30]:
        assert version.body_html == render_markdown(version.body)
    # Each version rewrites one sentence of the previous one.
    document = Document.objects.order_by("pk").first()
    first, second = document.versions.filter(number__in=[1, 2]).order_by("number")
    assert first.body != second.body
    assert first.body.split(". ")[3:] == second.body.split(". ")[3:]
    assert SearchResults("customer", Filters()).count() > 0
    # Indexed as the services index: the plain text of the current version.
    from docs_registry.search import TABLE, plain_text

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT body FROM {TABLE} WHERE doc_id = %s", [document.doc_id])  # noqa: S608
        [(indexed,)] = cursor.fetchall()
    assert indexed == plain_text(document.current_version.body_html)
    assert "\n- " in document.current_version.body and "- " not in indexed


def test_a_second_run_changes_nothing():
    seed()
    assert "already there" in seed()
    assert Document.objects.count() == 120


def test_refuses_a_database_that_holds_documents(owner, manager, category):
    make_document(owner=owner, manager=manager, category=category)
    with pytest.raises(CommandError, match="empty database"):
        seed()
