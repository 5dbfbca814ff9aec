"""How many of each team have read each document's latest major version is kept as
counts (docs_registry/coverage_counts.py), moved by each write. After any sequence
of the writes the product makes, the kept counts are what counting the
acknowledgments afresh gives, and the coverage report reads only them."""

import importlib
from datetime import timedelta

import pytest
import time_machine
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from docs_registry import caching, coverage_counts, services
from docs_registry.models import Audience, CoverageCount
from docs_registry.selectors.coverage import coverage_report
from tests import writes
from tests.factories import make_document, make_user, publish
from tests.html import column


def _assert_kept_counts_are_right():
    assert coverage_counts.kept_counts() == coverage_counts.expected_counts()


def _acknowledge(person, document, number=None):
    document.refresh_from_db()
    services.acknowledgment_record(
        user=person,
        document=document,
        number=number or document.current_version.number,
    )


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_kept_counts_follow_every_kind_of_write(owner, manager, category, seed):
    writes.random_writes(
        seed,
        owner=owner,
        manager=manager,
        category=category,
        check=_assert_kept_counts_are_right,
    )
    assert any(sum(counts) for counts in coverage_counts.kept_counts().values())


def test_each_write_moves_the_counts(owner, manager, category):
    """The rules one at a time: who counts, where, and what resets them."""
    both = make_user("both-a", in_sales=True, in_support=True)
    sales = make_user("sales-a", in_sales=True)
    document = make_document(
        owner=owner, manager=manager, category=category, audience=Audience.BOTH
    )

    def counts():
        return coverage_counts.kept_counts()[document.pk]

    assert counts() == (0, 0, 0)
    _acknowledge(both, document)
    assert counts() == (1, 1, 1)  # on both teams: once in either
    _acknowledge(sales, document)
    assert counts() == (2, 1, 2)
    # The publisher (the owner, on sales) has read what they published.
    publish(document, body="A minor wording change", significance="minor")
    assert counts() == (3, 1, 3)  # v1 is still the latest major version
    publish(document, body="New prices", significance="major")
    assert counts() == (1, 0, 1)  # only the publisher has read v3
    _acknowledge(sales, document, number=2)
    assert counts() == (1, 0, 1)  # an earlier version does not count
    _acknowledge(sales, document)
    assert counts() == (2, 0, 2)
    sales.in_support = True
    sales.save()
    assert counts() == (2, 1, 2)
    sales.is_active = False
    sales.save(update_fields=["is_active"])
    assert counts() == (1, 0, 1)  # who has left is not counted
    sales.is_active = True
    sales.save()
    assert counts() == (2, 1, 2)
    _assert_kept_counts_are_right()


def test_a_major_publish_by_someone_outside_the_audience_resets_the_counts(
    owner, manager, category, support_staff
):
    """The owner is on sales and the document for support: nobody acknowledges
    their publish, and the counts still start again."""
    document = make_document(
        owner=owner, manager=manager, category=category, audience=Audience.SUPPORT
    )
    _acknowledge(support_staff, document)
    assert coverage_counts.kept_counts()[document.pk] == (0, 1, 1)
    publish(document, body="New prices", significance="major")
    assert coverage_counts.kept_counts()[document.pk] == (0, 0, 0)


def test_counts_move_when_an_announced_version_comes_into_force(
    owner, manager, category, sales_staff, support_staff
):
    document = make_document(owner=owner, manager=manager, category=category)
    _acknowledge(sales_staff, document)  # v1
    moment = timezone.now() + timedelta(minutes=1)
    with time_machine.travel(moment, tick=False) as clock:
        effective = timezone.now() + timedelta(days=30)
        # The owner (on sales) announces v2, and has read it.
        publish(document, body="New prices", effective_at=effective)
        _acknowledge(support_staff, document, number=2)
        # v1 is still in force: all three have read it or later.
        assert coverage_counts.kept_counts()[document.pk] == (2, 1, 3)
        clock.move_to(effective)
        caching.revision_number()  # the first read after the moment brings it in
        document.refresh_from_db()
        assert document.latest_major_number == 2
        assert coverage_counts.kept_counts()[document.pk] == (1, 1, 2)
    _assert_kept_counts_are_right()


def test_a_sign_in_reads_no_teams(sales_staff):
    """Saving the sign-in time cannot change where anyone counts."""
    sales_staff.last_login = timezone.now()
    with CaptureQueriesContext(connection) as queries:
        sales_staff.save(update_fields=["last_login"])
    reads = [q["sql"] for q in queries if q["sql"].startswith("SELECT")]
    assert not [sql for sql in reads if "in_support" in sql]


def test_rebuild_restores_counts_written_around(owner, manager, category, sales_staff):
    document = make_document(owner=owner, manager=manager, category=category)
    _acknowledge(sales_staff, document)
    CoverageCount.objects.all().delete()
    assert coverage_counts.kept_counts() != coverage_counts.expected_counts()
    coverage_counts.rebuild()
    _assert_kept_counts_are_right()
    assert coverage_counts.kept_counts()[document.pk] == (1, 0, 1)


def test_the_migration_counts_the_readers_there_are(
    owner, manager, category, sales_staff, support_staff
):
    document = make_document(owner=owner, manager=manager, category=category)
    _acknowledge(sales_staff, document)
    _acknowledge(support_staff, document)
    CoverageCount.objects.all().delete()
    migration = importlib.import_module("docs_registry.migrations.0029_coverage_counts")

    class SchemaEditor:
        def __init__(self):
            self.connection = connection

        def execute(self, sql):
            with connection.cursor() as cursor:
                cursor.execute(sql)

    migration.count_the_readers(apps, SchemaEditor())
    assert coverage_counts.kept_counts()[document.pk] == (1, 1, 2)
    _assert_kept_counts_are_right()


def test_the_report_reads_no_acknowledgment(
    client, owner, manager, category, sales_staff, support_staff
):
    """The page is worked out from the kept counts: its queries never read the
    acknowledgments, and it shows what they say."""
    unread, read = (
        make_document(owner=owner, manager=manager, category=category, audience=a)
        for a in (Audience.SALES, Audience.BOTH)
    )
    _acknowledge(sales_staff, read)
    _acknowledge(support_staff, read)
    client.force_login(manager)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/coverage/")
    assert response.status_code == 200
    assert not [q for q in queries if "docs_registry_acknowledgment" in q["sql"]]
    # Lowest coverage first. Sales: the manager's team (see conftest) and sales.
    assert column(response, "coverage", 0) == [unread.doc_id, read.doc_id]
    assert column(response, "coverage", 5) == ["0 of 2", "2 of 3"]
    assert [row.acknowledged for row in coverage_report()] == [0, 2]
