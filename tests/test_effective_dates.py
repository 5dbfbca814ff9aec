"""Changes announced before they apply: a version published with an effective
date waits, counts for what people must read from its publication, and comes into
force at its moment without anyone acting."""

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from docs_registry import caching, pending, selectors, services
from docs_registry.models import Document, Draft, PendingDocument, Version
from docs_registry.services.errors import ServiceError

from .factories import publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(document):
    """The clock stands still from after the document's v1 until moved."""
    with time_machine.travel(timezone.now() + timedelta(minutes=1), tick=False) as t:
        yield t


def _later(days: int):
    return timezone.now() + timedelta(days=days)


def _state(document) -> tuple:
    document.refresh_from_db()
    return (
        document.current_version.number,
        document.pending_version.number if document.pending_version_id else None,
    )


def test_an_announced_version_waits_for_its_date(document, clock):
    effective = _later(30)
    version = publish(document, body="New prices", effective_at=effective)
    assert (version.number, version.effective_at) == (2, effective)
    assert _state(document) == (1, 2)
    assert document.pending_effective_at == effective

    clock.move_to(effective - timedelta(seconds=1))
    caching.revision_number()
    assert _state(document) == (1, 2)

    clock.move_to(effective)
    caching.revision_number()  # any request reads the counters first
    assert _state(document) == (2, None)
    assert document.changed_at == effective
    assert document.pending_effective_at is None


def test_the_first_read_after_the_moment_moves_the_pages_counter(document, clock):
    effective = _later(3)
    publish(document, body="New prices", effective_at=effective)
    before = caching.revision_number()
    clock.move_to(effective + timedelta(hours=1))
    assert caching.revision_number() > before
    assert caching.revision_number() == caching.revision_number()  # settled once


def test_a_second_announcement_withdraws_the_first(document, clock):
    first = publish(document, body="Prices A", effective_at=_later(30))
    clock.shift(timedelta(days=1))
    second = publish(document, body="Prices B", effective_at=_later(60))
    assert (first.number, second.number) == (2, 3)
    assert _state(document) == (1, 3)
    # Nothing rewritten: v2 keeps its date; it is withdrawn because v3 came first.
    first.refresh_from_db()
    assert first.effective_at is not None
    assert selectors.version_withdrawn(first)
    assert not selectors.version_withdrawn(second)

    clock.move_to(first.effective_at + timedelta(days=1))
    caching.revision_number()
    assert _state(document) == (1, 3)  # the withdrawn one never applies
    assert selectors.version_in_force(document, timezone.now()).number == 1
    clock.move_to(second.effective_at)
    caching.revision_number()
    assert _state(document) == (3, None)


def test_publishing_now_withdraws_the_announced_change(document, clock):
    announced = publish(document, body="Prices A", effective_at=_later(30))
    clock.shift(timedelta(days=1))
    now = publish(document, body="Correction")
    assert now.number == 3
    assert _state(document) == (3, None)
    assert selectors.version_withdrawn(announced)
    clock.move_to(announced.effective_at + timedelta(days=1))
    assert selectors.version_in_force(document, timezone.now()).number == 3


def test_in_force_at_any_moment(document, clock):
    start = timezone.now()
    effective = _later(30)
    publish(document, body="New prices", effective_at=effective)
    clock.move_to(effective + timedelta(days=5))
    publish(document, body="Later fix", significance="minor")
    in_force = {
        label: selectors.version_in_force(document, moment)
        for label, moment in {
            "before it existed": start - timedelta(days=1),
            "announced, not yet in force": effective - timedelta(seconds=1),
            "its moment": effective,
            "after the fix": timezone.now(),
        }.items()
    }
    assert {k: v and v.number for k, v in in_force.items()} == {
        "before it existed": None,
        "announced, not yet in force": 1,
        "its moment": 2,
        "after the fix": 3,
    }


@pytest.mark.parametrize(
    ("days", "code"),
    [(0, "effective_in_past"), (-3, "effective_in_past"), (740, "effective_too_far")],
)
def test_bad_effective_dates_write_nothing(document, clock, days, code):
    services.draft_save(
        document=document,
        actor=document.owner,
        title=document.title,
        body="Typed",
        summary="s",
        significance="major",
        base_number=1,
    )
    with pytest.raises(ServiceError) as caught:
        publish(document, body="Typed", effective_at=_later(days))
    assert caught.value.code == code
    assert Version.objects.filter(document=document).count() == 1
    assert _state(document) == (1, None)
    assert Draft.objects.get(document=document).body == "Typed"


def test_two_years_ahead_is_the_limit(document, clock):
    publish(document, body="Far", effective_at=_later(729))
    assert _state(document) == (1, 2)


def test_the_chain_and_numbers_continue_from_the_announced_version(document, clock):
    publish(document, body="A", effective_at=_later(30))
    publish(document, body="B", effective_at=_later(40))
    publish(document, body="C")
    assert list(
        Version.objects.filter(document=document).values_list("number", flat=True)
    ) == [4, 3, 2, 1]
    call_command("verify_history", stdout=StringIO())


def test_a_draft_starts_from_the_announced_version(document, clock, client):
    publish(document, body="Announced text", effective_at=_later(30))
    client.force_login(document.owner)
    response = client.get(f"/docs/{document.doc_id}/edit/")
    assert "Announced text" in response.content.decode()
    assert 'name="base_number" value="2"' in response.content.decode()


def test_what_waits_counts_from_the_announcement(document, clock, sales_staff):
    publish(document, body="New prices", effective_at=_later(30))
    row = PendingDocument.objects.get(user=sales_staff, document=document)
    assert (row.baseline, row.versions, row.needs_acknowledgment) == (0, 2, True)
    assert services.acknowledgment_record(
        user=sales_staff, document=Document.objects.get(pk=document.pk), number=2
    )
    assert not PendingDocument.objects.filter(user=sales_staff).exists()
    clock.move_to(_later(31))
    caching.revision_number()
    assert _state(document) == (2, None)
    assert pending.kept_rows(sales_staff.pk) == pending.expected_rows(sales_staff.pk)
    assert not PendingDocument.objects.filter(user=sales_staff).exists()


def test_a_version_after_the_announced_one_cannot_be_acknowledged(
    document, clock, sales_staff
):
    publish(document, body="New prices", effective_at=_later(30))
    with pytest.raises(ServiceError):
        services.acknowledgment_record(
            user=sales_staff, document=Document.objects.get(pk=document.pk), number=3
        )
