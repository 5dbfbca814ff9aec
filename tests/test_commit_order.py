"""The revision counter follows commit order, on PostgreSQL (real threads, each
with its own connection and transaction).

Two publishes run at once: the first takes the lower version id and stays open,
the second takes the higher id and tries to commit first; a reader reads the
pages in between. With a state built from MAX(id), the second commit made the
state final before the first was visible: the page read in between was kept
under that state and served stale after both committed. Here the second writer
waits on the counter's row lock, so every commit moves the counter past what any
reader saw before it."""

import threading
import time

import pytest
from django.db import connection, connections, transaction
from django.test import Client

from .factories import make_document, publish

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

PAGES = ["/docs/{doc_id}/", "/docs/{doc_id}/history/", "/docs/", "/search/?q=rules"]


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("commit order needs PostgreSQL's concurrent writers")


def _in_thread(work) -> threading.Thread:
    def run():
        try:
            work()
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def blocked_or_done(thread: threading.Thread) -> None:
    """Wait until `thread` has finished or waits on a lock (a bound on tries)."""
    for _ in range(500):
        if not thread.is_alive():
            return
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE wait_event_type = 'Lock' AND datname = current_database()"
            )
            if cursor.fetchone()[0]:
                return
        time.sleep(0.01)
    raise AssertionError("the thread neither finished nor waited on a lock")


def test_no_page_shows_an_older_state_after_both_commit(
    owner, manager, category, sales_staff
):
    first = make_document(owner=owner, manager=manager, title="First rules")
    second = make_document(owner=owner, manager=manager, title="Second rules")
    reader = Client()
    reader.force_login(sales_staff)

    def read_all():
        return {
            url: reader.get(url).content.decode()
            for doc_id in (first.doc_id, second.doc_id)
            for url in (page.format(doc_id=doc_id) for page in PAGES)
        }

    read_all()
    first_written, release_first = threading.Event(), threading.Event()

    def publish_first():
        with transaction.atomic():  # held open after writing: the lower id
            publish(first, body="First: up to **40%**.", summary="Forty")
            first_written.set()
            release_first.wait(timeout=30)

    def publish_second():  # the higher id, trying to commit first
        publish(second, body="Second: up to **50%**.", summary="Fifty")

    one = _in_thread(publish_first)
    assert first_written.wait(timeout=30)
    two = _in_thread(publish_second)
    blocked_or_done(two)
    between = read_all()  # kept under whatever the reader sees now
    assert "40%" not in between[f"/docs/{first.doc_id}/"]
    assert between["/docs/"].count('<td data-label="Version">v2</td>') < 2
    release_first.set()
    one.join(timeout=30)
    two.join(timeout=30)

    after = read_all()
    assert "40%" in after[f"/docs/{first.doc_id}/"]
    assert "50%" in after[f"/docs/{second.doc_id}/"]
    assert "Forty" in after[f"/docs/{first.doc_id}/history/"]
    assert "Fifty" in after[f"/docs/{second.doc_id}/history/"]
    assert after["/docs/"].count('<td data-label="Version">v2</td>') == 2
    assert "40%" in after["/search/?q=rules"] and "50%" in after["/search/?q=rules"]


def test_what_waits_is_right_after_a_publish_and_a_reading_at_once(
    owner, manager, sales_staff
):
    """A publish held open while the reader is shown the version they see as
    current: the reading waits for the publish, then works from what it
    committed (docs_registry/pending.py). Working from what each saw alone
    would leave the reader's row as the publish wrote it, before the reading."""
    from docs_registry import pending, services

    document = make_document(owner=owner, manager=manager)
    services.acknowledgment_record(user=sales_staff, document=document, number=1)
    publish(document, body="Second", significance="minor")
    document.refresh_from_db()
    published, release = threading.Event(), threading.Event()

    def publish_third():
        with transaction.atomic():
            publish(document, body="Third", significance="minor")
            published.set()
            release.wait(timeout=30)

    def shown_second():
        services.version_shown_record(user=sales_staff, document=document, number=2)

    writer = _in_thread(publish_third)
    assert published.wait(timeout=30)
    reader = _in_thread(shown_second)
    blocked_or_done(reader)
    release.set()
    writer.join(timeout=30)
    reader.join(timeout=30)

    assert pending.kept_rows(sales_staff.pk) == {document.pk: (2, 1, False)}
    assert pending.expected_rows(sales_staff.pk) == {document.pk: (2, 1, False)}


@pytest.mark.parametrize("reading", ["dismissal", "version shown"])
def test_a_reading_takes_the_counter_row_before_the_persons_digest_state(
    reading, owner, manager, sales_staff
):
    """An acknowledgment takes the counter row, then the person's digest state. A
    dismissal ("Mark these as seen") or a version shown in another tab at the
    same moment must take them in the same order, or PostgreSQL aborts one of
    the two as a deadlock. With a writer holding the counter row, the reading
    waits without having locked the person's digest state."""
    from django.utils import timezone

    from docs_registry import revisions, services
    from docs_registry.models import DigestState

    document = make_document(owner=owner, manager=manager)
    publish(document, body="Second", significance="minor")
    document.refresh_from_db()
    DigestState.objects.get_or_create(user=sales_staff)
    holding, release = threading.Event(), threading.Event()

    def writer():
        with transaction.atomic():
            revisions.take_writers_turn()
            holding.set()
            release.wait(timeout=30)

    def read():
        if reading == "dismissal":
            services.digest_mark_seen(user=sales_staff, at=timezone.now())
        else:
            services.version_shown_record(user=sales_staff, document=document, number=2)

    holder = _in_thread(writer)
    assert holding.wait(timeout=30)
    reader = _in_thread(read)
    blocked_or_done(reader)
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT 1 FROM docs_registry_digeststate "
                    "WHERE user_id = %s FOR UPDATE NOWAIT",
                    [sales_staff.pk],
                )
    finally:
        release.set()
        holder.join(timeout=30)
        reader.join(timeout=30)
