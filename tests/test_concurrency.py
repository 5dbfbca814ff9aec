"""Many people at once, on PostgreSQL (real threads, real transactions): no lost
work, gap-free version numbers, distinct IDs."""

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest
from django.db import connection, connections
from django.test import Client

from docs_registry import services
from docs_registry.models import Document, Version

from .factories import make_document
from .test_commit_order import blocked_or_done

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("concurrency needs PostgreSQL row locks; CI runs these there")


def at_once(count: int, work):
    """Run work(i) for i in range(count) in `count` threads released together."""
    start = Barrier(count)

    def run(index):
        start.wait()
        try:
            return work(index)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


def numbers(document):
    return list(
        Version.objects.filter(document=document)
        .order_by("number")
        .values_list("number", flat=True)
    )


def test_twenty_publishes_from_the_same_base_one_wins(document, owner):
    def publish_from_v1(index):
        client = Client()
        client.force_login(owner)
        body = f"Rewrite number {index}"
        response = client.post(
            "/docs/PRC-0001/edit/",
            {
                "title": document.title,
                "body": body,
                "summary": f"Rewrite {index}",
                "significance": "major",
                "base_number": 1,
                "action": "publish",
            },
        )
        return response.status_code, body, response.content.decode()

    results = at_once(20, publish_from_v1)
    statuses = sorted(status for status, _, _ in results)
    assert statuses == [302] + [409] * 19
    assert numbers(document) == [1, 2]
    for status, body, html in results:
        if status == 409:
            # Refused, with the text the person wrote still in their form.
            assert "started from v1, but the document is now at v2" in html
            assert body in html


def test_a_hundred_publishes_across_twenty_documents(owner, manager, category):
    documents = [
        make_document(owner=owner, manager=manager, category=category)
        for _ in range(20)
    ]

    def publish_five_times(index):
        document = Document.objects.get(pk=documents[index].pk)
        for n in range(5):
            current = Document.objects.get(pk=document.pk).current_version.number
            services.document_publish(
                document=document,
                actor=owner,
                title=document.title,
                body=f"Change {n} from thread {index}",
                summary=f"Change {n}",
                significance="major",
                base_number=current,
            )
        return True

    assert all(at_once(20, publish_five_times))
    assert Version.objects.count() == 20 * 6
    for document in documents:
        assert numbers(document) == [1, 2, 3, 4, 5, 6]


def test_fifty_documents_created_at_once_get_fifty_ids(owner, manager, category):
    def create(index):
        return services.document_create(
            actor=manager,
            category=category,
            title=f"Document {index}",
            audience="both",
            owner=owner,
            body="Body",
        ).doc_id

    ids = at_once(50, create)
    assert sorted(ids) == [f"PRC-{n:04d}" for n in range(1, 51)]


def test_ten_readers_at_the_moment_bring_an_announced_change_in_force_once(
    document, owner, sales_staff
):
    from datetime import timedelta

    import time_machine
    from django.utils import timezone

    from docs_registry import caching
    from docs_registry.models import Revision

    from .factories import publish

    with time_machine.travel(timezone.now(), tick=False) as clock:
        effective = timezone.now() + timedelta(days=30)
        publish(document, body="New", title="New price list", effective_at=effective)
        clock.move_to(effective + timedelta(minutes=1))
        before = Revision.objects.get(pk=1).number
        # Each reader reads the counters as a request does; one settles, the
        # others wait on its row lock and find nothing left to do.
        revisions = at_once(10, lambda index: caching.revision_number())
    document.refresh_from_db()
    assert (document.current_version.number, document.pending_version_id) == (2, None)
    # Settled once (its title recorded once), and every reader read the counters
    # after it: none is served a page kept from before.
    titles = document.history.filter(history_change_reason__startswith="Title")
    assert titles.count() == 1
    after = Revision.objects.get(pk=1).number
    assert after > before
    assert set(revisions) == {after}


def test_a_publish_waiting_for_the_writers_turn_holds_no_document_row(document):
    """Every writer takes the counter row before any row it locks. A publish that
    locked its document first deadlocked with a reader whose version shown held
    the counter row and then checked the document row (its foreign key): here
    the counter row is held elsewhere, and while the publish waits for it the
    document row stays free."""
    from threading import Thread

    from django.db import OperationalError, transaction

    from .factories import publish

    holder = connections.create_connection("default")
    holder.set_autocommit(False)
    with holder.cursor() as cursor:  # the writers' turn, as take_writers_turn
        cursor.execute("SELECT id FROM docs_registry_revision WHERE id = 1 FOR UPDATE")
    errors = []

    def publish_in_turn():
        try:
            publish(document, body="Waited for its turn.")
        except Exception as error:  # noqa: BLE001 -- reported below
            errors.append(error)
        finally:
            connections.close_all()

    publisher = Thread(target=publish_in_turn)
    publisher.start()
    try:
        blocked_or_done(publisher)
        assert publisher.is_alive()  # waiting for the writers' turn
        with transaction.atomic():
            try:
                list(
                    Document.objects.select_for_update(nowait=True)
                    .filter(pk=document.pk)
                    .values_list("pk")
                )
                document_row_free = True
            except OperationalError:
                document_row_free = False
    finally:
        holder.rollback()
        holder.close()
        publisher.join(timeout=30)
    assert document_row_free
    assert not errors and numbers(document) == [1, 2]


def test_transfers_at_once_leave_every_owner_listed(manager, category):
    """Ten people own a document each, and each document passes to the next
    person at once: everyone still owns one, so the filters list all ten.
    Writers that did not wait for each other (revisions.take_writers_turn, the
    counters' row) saw a previous owner owning nothing, the document coming to
    them not yet committed, and took them off the list."""
    from docs_registry.models import DocumentOwner

    from .factories import make_user

    people = [make_user(f"ring-{n}", in_sales=True) for n in range(10)]
    documents = [
        make_document(owner=person, manager=manager, category=category)
        for person in people
    ]

    def pass_on(index):
        services.ownership_transfer(
            document=documents[index],
            actor=manager,
            new_owner=people[(index + 1) % len(people)],
            reason="Passed on",
        )

    at_once(len(documents), pass_on)
    listed = set(DocumentOwner.objects.values_list("user_id", flat=True))
    assert listed == {person.pk for person in people}
