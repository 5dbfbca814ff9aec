"""What waits for each person is kept as rows (docs_registry/pending.py), rewritten
by each write. After any sequence of the writes the product makes, the kept rows
are what working it out from scratch gives, and so are each person's totals
(the header's waiting count), moved with them."""

import random
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from docs_registry import pending, permissions, services
from docs_registry.models import Audience, Document, PendingDocument, User
from tests.factories import make_document, make_user, publish


def _assert_kept_rows_are_right():
    for user in User.objects.all():
        expected = pending.expected_rows(user.pk)
        assert pending.kept_rows(user.pk) == expected, user
        # The header's totals, moved with the rows (not counted from them).
        totals = (len(expected), sum(versions for _, versions, _ in expected.values()))
        assert pending.kept_totals(user.pk) == totals, user


def _publish(rng, documents, people):
    document = rng.choice(documents)
    document.refresh_from_db()
    if document.is_retired:
        return
    significance = rng.choice(["major", "minor"])
    publish(document, body=f"Body {rng.random()}", significance=significance)


def _acknowledge(rng, documents, people):
    person, document = rng.choice(people), rng.choice(documents)
    document.refresh_from_db()
    person.refresh_from_db()
    if document.is_retired or not permissions.can_acknowledge(person, document):
        return
    number = rng.randint(1, document.current_version.number)
    services.acknowledgment_record(user=person, document=document, number=number)


def _open_current_version(rng, documents, people):
    person, document = rng.choice(people), rng.choice(documents)
    document.refresh_from_db()
    services.version_shown_record(
        user=person, document=document, number=document.current_version.number
    )


def _mark_seen(rng, documents, people):
    services.digest_mark_seen(user=rng.choice(people), at=timezone.now())


def _change_teams(rng, documents, people):
    person = rng.choice(people)
    person.refresh_from_db()
    person.in_sales, person.in_support = rng.choice(
        [(True, False), (False, True), (True, True), (False, False)]
    )
    person.save()


def _change_audience(rng, documents, people):
    document = rng.choice(documents)
    document.refresh_from_db()
    audience = rng.choice([a for a in Audience.values if a != document.audience])
    services.document_update_details(
        document=document,
        actor=User.objects.get(username="manager"),
        title=document.title,
        category=document.category,
        audience=audience,
    )


def _retire(rng, documents, people):
    document = rng.choice(documents)
    document.refresh_from_db()
    if not document.is_retired and rng.random() < 0.3:
        services.document_retire(
            document=document,
            actor=User.objects.get(username="manager"),
            reason="Replaced",
        )


def _new_person(rng, documents, people):
    people.append(
        make_user(f"hire-{len(people)}", in_sales=True, in_support=rng.random() < 0.5)
    )


WRITES = [
    _publish,
    _publish,
    _acknowledge,
    _acknowledge,
    _open_current_version,
    _mark_seen,
    _change_teams,
    _change_audience,
    _retire,
    _new_person,
]


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_kept_rows_follow_every_kind_of_write(owner, manager, category, seed):
    rng = random.Random(seed)
    people = [
        make_user("sales-a", in_sales=True),
        make_user("support-a", in_support=True),
        make_user("both-a", in_sales=True, in_support=True),
    ]
    documents = [
        make_document(owner=owner, manager=manager, category=category, audience=a)
        for a in (Audience.SALES, Audience.SUPPORT, Audience.BOTH, Audience.BOTH)
    ]
    moment = timezone.now()
    for _ in range(40):
        # Every write a minute apart: dismissals compare publication times.
        moment += timedelta(minutes=1)
        with time_machine.travel(moment, tick=False):
            rng.choice(WRITES)(rng, documents, people)
        _assert_kept_rows_are_right()
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
