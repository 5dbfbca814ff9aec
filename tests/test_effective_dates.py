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
from .html import main

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


# --- pages and API ---------------------------------------------------------------


def _post_edit(client, document, **fields):
    data = {
        "title": document.title,
        "body": "Prices from January",
        "summary": "New prices",
        "significance": "major",
        "base_number": 1,
        "action": "publish",
    } | fields
    return client.post(f"/docs/{document.doc_id}/edit/", data)


def test_owner_announces_a_change_from_the_edit_page(client, document, clock):
    client.force_login(document.owner)
    day = (timezone.localdate() + timedelta(days=30)).isoformat()
    response = _post_edit(client, document, effective_date=day)
    assert response.status_code == 302
    page = client.get(response["Location"])
    banner = main(page).one(cls="pending-change")
    day = _day(timezone.localdate() + timedelta(days=30))
    assert banner.text.startswith(f"Changes on {day} — see what changes")
    assert banner.one("a").attrs["href"] == "/docs/PRC-0001/compare/?from=1&to=2"
    comparison = main(client.get(banner.one("a").attrs["href"]))
    assert comparison.one(cls="pending-change").text == (
        f"v2 comes into force on {day}; until then v1 is current."
    )
    assert comparison.select("form", cls="compare-picker")  # v1 and v2 to choose
    assert main(page).one(cls="messages").text == (
        f"Published PRC-0001 v2, in force from "
        f"{_day(timezone.localdate() + timedelta(days=30))}. Until then v1 stays in "
        "force."
    )
    # Until then the page shows v1.
    assert main(page).one(cls="version-number").text == "v1"


def _day(day) -> str:
    return f"{day.day} {day:%b %Y}"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("yesterday", "Enter the effective date as a date, e.g. 2027-01-01."),
        ("2026-02-30", "Enter the effective date as a date, e.g. 2027-01-01."),
        ("1999-01-01", "Enter an effective date within the next two years."),
        ("PAST", "The effective date has passed"),
        ("FAR", "more than 2 years ahead"),
    ],
)
def test_a_bad_effective_date_is_refused_and_nothing_typed_is_lost(
    client, document, clock, value, message
):
    today = timezone.localdate()
    value = {
        "PAST": today.isoformat(),
        "FAR": (today + timedelta(days=740)).isoformat(),
    }.get(value, value)
    client.force_login(document.owner)
    response = _post_edit(client, document, effective_date=value, body="My new text")
    assert response.status_code in (400, 409)
    page = main(response)
    assert message in page.text
    assert page.one("textarea", id="id_body").text == "My new text"
    assert page.one("input", id="id_effective_date").attrs["value"] == value
    assert Version.objects.filter(document=document).count() == 1


def test_the_edit_page_warns_that_publishing_withdraws_the_announced_change(
    client, document, clock
):
    publish(document, body="Announced", effective_at=_later(30))
    client.force_login(document.owner)
    warning = main(client.get(f"/docs/{document.doc_id}/edit/")).one(
        cls="pending-change"
    )
    assert "Publishing v3 withdraws v2" in warning.text


def test_the_very_next_request_after_the_moment_shows_the_new_version(
    client, document, clock, sales_staff
):
    effective = _later(30)
    publish(document, body="Old prices stay", significance="major")
    publish(document, body="New prices", title="New price list", effective_at=effective)
    client.force_login(sales_staff)
    before = client.get("/docs/PRC-0001/")  # fills the kept pages
    assert main(before).one("h1").text == "Discount approval rules"
    assert main(before).select(cls="pending-change")
    clock.move_to(effective)
    client.force_login(sales_staff)  # a month later: signed in again
    after = main(client.get("/docs/PRC-0001/"))
    assert (after.one("h1").text, after.one(cls="version-number").text) == (
        "New price list",
        "v3",
    )
    assert not after.select(cls="pending-change")


def test_at_shows_the_version_in_force_that_day(client, document, clock, sales_staff):
    effective = _later(30)
    publish(document, body="New prices", effective_at=effective)
    clock.move_to(effective + timedelta(days=1))
    client.force_login(sales_staff)
    day_before = (timezone.localdate(effective) - timedelta(days=1)).isoformat()
    page = main(client.get(f"/docs/PRC-0001/?at={day_before}"))
    assert page.one(cls="in-force-at").text.startswith(
        f"In force on {_day(timezone.localdate(effective) - timedelta(days=1))} "
        "(at the end of that day, UTC time): PRC-0001 v1"
    )
    assert page.one(cls="version-number").text == "v1"  # the citation shown
    on_the_day = main(
        client.get(f"/docs/PRC-0001/?at={timezone.localdate(effective).isoformat()}")
    )
    assert on_the_day.one(cls="version-number").text == "v2"


@pytest.mark.parametrize(
    ("at", "status", "message"),
    [
        ("15/12/2026", 400, "is not a date: write a day as 2026-12-15"),
        ("2020-01-01", 404, "PRC-0001 did not exist yet then"),
        ("0001-01-01T00:00:00+05:00", 404, "PRC-0001 did not exist yet then"),
    ],
)
def test_at_a_bad_moment_says_why(client, document, sales_staff, at, status, message):
    client.force_login(sales_staff)
    response = client.get("/docs/PRC-0001/", {"at": at})
    assert response.status_code == status
    assert message in main(response).one(cls="problem").text
    api = client.get("/api/docs/PRC-0001/", {"at": at})
    assert api.status_code == status
    assert message in api.json()["detail"]


def test_at_the_calendar_s_far_end_is_the_version_in_force_last(
    client, document, sales_staff
):
    client.force_login(sales_staff)
    response = client.get("/api/docs/PRC-0001/", {"at": "9999-12-31T23:00:00-05:00"})
    assert (response.status_code, response.json()["version"]) == (200, 1)


def test_api_reports_the_version_in_force_and_the_announced_one(
    client, document, clock, sales_staff
):
    effective = _later(30)
    publish(document, body="New prices", effective_at=effective)
    client.force_login(sales_staff)
    now = client.get("/api/docs/PRC-0001/").json()
    assert (now["version"], now["citation"], now["effective_at"]) == (
        1,
        "PRC-0001 v1",
        None,
    )
    assert now["announced"]["version"] == 2
    assert now["announced"]["effective_at"].startswith(effective.date().isoformat())
    clock.move_to(effective + timedelta(days=1))
    client.force_login(sales_staff)  # a month later: signed in again
    later = client.get("/api/docs/PRC-0001/").json()
    assert (later["version"], later["announced"]) == (2, None)
    at = (effective - timedelta(hours=1)).isoformat()
    earlier = client.get("/api/docs/PRC-0001/", {"at": at}).json()
    assert (earlier["version"], earlier["markdown"]) == (
        1,
        document.current_version.body,
    )


def test_history_and_version_pages_say_pending_and_withdrawn(
    client, document, clock, sales_staff
):
    publish(document, body="A", effective_at=_later(30))
    clock.shift(timedelta(days=1))
    publish(document, body="B", effective_at=_later(60))
    client.force_login(sales_staff)
    labels = [
        cell.select(cls="effective")[0].text if cell.select(cls="effective") else ""
        for cell in main(client.get("/docs/PRC-0001/history/")).select("td", cls="")
        if cell.attrs.get("data-label") == "What"
    ]
    assert labels == [
        f"effective {_day(timezone.localdate(_later(60)))} (not yet in force)",
        f"withdrawn before it applied (was announced for "
        f"{_day(timezone.localdate(_later(29)))})",
        "",
    ]
    assert main(client.get("/docs/PRC-0001/v3/")).one(cls="pending-change").text
    assert (
        "it was never in force"
        in main(client.get("/docs/PRC-0001/v2/")).one(cls="withdrawn").text
    )


def test_the_digest_and_its_email_mark_the_effective_date(
    client, document, clock, sales_staff
):
    from docs_registry.services.digests import digest_email, new_changes

    effective = _later(30)
    publish(document, body="A", summary="First try", effective_at=_later(20))
    publish(document, body="New prices", summary="Prices up", effective_at=effective)
    day = _day(timezone.localdate(effective))
    client.force_login(sales_staff)
    entry = main(client.get("/digest/")).one("article", cls="digest-entry")
    assert [mark.text for mark in entry.select(cls="effective")] == [
        f"effective {day}",
        "(withdrawn before it applied)",
    ]
    assert entry.one(cls="version-number").text == "v3"
    email = digest_email(sales_staff, new_changes(sales_staff, None))
    assert f"; effective {day}): Prices up" in email.body
    assert "; withdrawn before it applied): First try" in email.body
    assert f"; effective {day}): Prices up" in email.alternatives[0][0]


@pytest.mark.django_db(transaction=True)
def test_a_read_only_database_serves_what_is_recorded_until_writes_return(
    client, document, sales_staff
):
    from .test_errors import read_only_database

    with time_machine.travel(timezone.now(), tick=False) as clock:
        effective = _later(30)
        publish(document, body="New", title="New price list", effective_at=effective)
        clock.move_to(effective + timedelta(hours=1))
        client.force_login(sales_staff)
        with read_only_database():
            response = client.get("/docs/PRC-0001/")
            assert response.status_code == 200
            assert main(response).one("h1").text == "Discount approval rules"
        assert main(client.get("/docs/PRC-0001/")).one("h1").text == "New price list"


def test_an_export_and_import_keep_the_announced_change(tmp_path, db):
    from django.db import transaction

    from docs_registry import transfer

    from .factories import make_document, make_user

    target = tmp_path / "export"
    effective = _later(30)

    class Rollback(Exception):
        pass

    with pytest.raises(Rollback), transaction.atomic():
        manager = make_user("manager", is_manager=True, in_sales=True)
        owner = make_user("sales-lead", in_sales=True)
        document = make_document(owner=owner, manager=manager)
        publish(document, body="Now", summary="Applies now")
        publish(document, body="Later", effective_at=effective)
        transfer.export_registry(target)
        raise Rollback  # the import starts from an empty registry
    version_file = next(target.rglob("v0003.md")).read_text()
    assert f'effective: "{effective.isoformat(timespec="microseconds")}"' in (
        version_file
    )
    call_command("import_docs", target, stdout=StringIO())
    imported = Document.objects.get()
    assert _state(imported) == (2, 3)
    assert imported.pending_effective_at == effective
    call_command("verify_history", stdout=StringIO())


def test_the_effective_date_is_sealed_in_the_chain(document, clock):
    from docs_registry import integrity

    publish(document, body="Later", effective_at=_later(30))
    records = [
        integrity.VersionRecord._make(row)
        for row in Version.objects.filter(document=document)
        .order_by("number")
        .values_list(*integrity.VersionRecord._fields)
    ]
    check = {"doc_id": document.doc_id, "current_number": 2}
    assert integrity.verify(**check, versions=records) == []
    moved = records[1]._replace(effective_at=_later(10))
    assert integrity.verify(**check, versions=[records[0], moved]) == [
        f"{document.doc_id} v2: chain broken"
    ]


def test_acknowledging_all_shown_covers_the_announced_version(
    client, document, clock, sales_staff
):
    from docs_registry.models import Acknowledgment

    publish(document, body="New prices", effective_at=_later(30))
    client.force_login(sales_staff)
    digest = main(client.get("/digest/"))
    shown = [
        field.attrs["value"]
        for field in digest.select("input")
        if field.attrs.get("name") == "shown"
    ]
    assert shown == ["PRC-0001:v2"]
    client.post("/digest/acknowledge/", {"shown": shown})
    assert Acknowledgment.objects.get(user=sales_staff).number == 2


def test_days_are_the_site_s_days(client, document, settings, sales_staff):
    """An effective date starts at midnight where the site is, and `?at=` a day
    is the end of that day there, not in UTC."""
    from datetime import datetime, time
    from zoneinfo import ZoneInfo

    settings.TIME_ZONE = "Europe/Paris"
    paris = ZoneInfo("Europe/Paris")
    day = timezone.now().astimezone(paris).date() + timedelta(days=30)
    midnight = datetime.combine(day, time.min, tzinfo=paris)
    with time_machine.travel(timezone.now() + timedelta(minutes=1), tick=False) as t:
        client.force_login(document.owner)
        response = _post_edit(client, document, effective_date=day.isoformat())
        assert response.status_code == 302
        document.refresh_from_db()
        assert document.pending_effective_at == midnight
        assert midnight.utcoffset()  # not UTC's midnight
        t.move_to(midnight + timedelta(days=1))
        client.force_login(sales_staff)
        for asked, number in [(day - timedelta(days=1), "v1"), (day, "v2")]:
            page = main(client.get("/docs/PRC-0001/", {"at": asked.isoformat()}))
            assert page.one(cls="version-number").text == number, asked
            assert "Europe/Paris time" in page.one(cls="in-force-at").text


@pytest.mark.parametrize("command", ["apply_effective_changes", "send_digests"])
def test_commands_bring_due_changes_into_force(document, clock, settings, command):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    effective = _later(30)
    publish(document, body="New prices", effective_at=effective)
    clock.move_to(effective)
    out = StringIO()
    call_command(command, stdout=out)
    assert _state(document) == (2, None)
    if command == "apply_effective_changes":
        assert out.getvalue().splitlines() == [
            "PRC-0001 v2 is in force.",
            "1 change(s) brought into force.",
        ]
