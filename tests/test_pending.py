"""What waits for each person is kept as rows (docs_registry/pending.py), rewritten
by each write. After any sequence of the writes the product makes, the kept rows
are what working it out from scratch gives, and so are each person's totals
(the header's waiting count), moved with them."""

import pytest

from docs_registry import pending, services
from docs_registry.models import Document, PendingDocument, User
from tests import writes
from tests.factories import make_document, publish


def _assert_kept_rows_are_right():
    for user in User.objects.all():
        expected = pending.expected_rows(user.pk)
        assert pending.kept_rows(user.pk) == expected, user
        # The header's totals, moved with the rows (not counted from them).
        totals = (len(expected), sum(versions for _, versions, _ in expected.values()))
        assert pending.kept_totals(user.pk) == totals, user


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_kept_rows_follow_every_kind_of_write(owner, manager, category, seed):
    writes.random_writes(
        seed,
        owner=owner,
        manager=manager,
        category=category,
        check=_assert_kept_rows_are_right,
    )
    assert PendingDocument.objects.exists()


def test_rebuild_restores_rows_written_around(owner, manager, category, sales_staff):
    document = make_document(owner=owner, manager=manager, category=category)
    publish(document, body="Second")
    PendingDocument.objects.all().delete()
    assert pending.kept_rows(sales_staff.pk) != pending.expected_rows(sales_staff.pk)
    pending.rebuild()
    _assert_kept_rows_are_right()


def test_the_migration_counts_what_waits_for_everyone(
    owner, manager, category, sales_staff, support_staff
):
    """Migration 0027 gives each person their totals from the rows there are,
    with a digest state for whoever had none."""
    import importlib

    from django.apps import apps

    from docs_registry.models import DigestState

    document = make_document(owner=owner, manager=manager, category=category)
    publish(document, body="Second")
    DigestState.objects.all().delete()
    assert pending.kept_totals(sales_staff.pk) == (0, 0)
    migration = importlib.import_module("docs_registry.migrations.0027_waiting_totals")
    migration.count_what_waits(apps, None)
    _assert_kept_rows_are_right()
    assert pending.kept_totals(sales_staff.pk) == (1, 2)


def test_a_retired_document_waits_for_nobody(owner, manager, category, sales_staff):
    document = make_document(owner=owner, manager=manager, category=category)
    assert pending.kept_totals(sales_staff.pk) == (1, 1)
    services.document_retire(document=document, actor=manager, reason="Gone")
    assert pending.kept_totals(sales_staff.pk) == (0, 0)
    assert not Document.objects.filter(pending_for__isnull=False).exists()
