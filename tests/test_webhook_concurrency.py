"""Two drain loops at once deliver each event to each webhook exactly once, on
PostgreSQL (real threads, each with its own connection: SKIP LOCKED)."""

import threading
from collections import Counter

import pytest
from django.db import connection, connections

from integrations.models import WebhookDelivery, WebhookEvent
from integrations.services import webhook_create, webhooks_deliver

from .factories import make_document, publish

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent drains need PostgreSQL's row locks (SKIP LOCKED)")


def test_two_drains_at_once_deliver_each_event_once(
    http_receiver, owner, manager, category
):
    http_receiver.delay = 0.01  # so the two drains overlap
    for n in range(3):
        webhook_create(
            actor=manager,
            name=f"Hook {n}",
            url=http_receiver.url,
            format="generic",
            events=["major_change"],
            in_sales=True,
            in_support=True,
        )
    for n in range(4):
        document = make_document(
            owner=owner, manager=manager, category=category, title=f"Rules {n}"
        )
        for number in range(2, 5):
            publish(document, body=f"v{number}", summary=f"Change {number}")
    events = WebhookEvent.objects.count()
    assert events == 3 * 4 * 4  # v1 too: a new document is a major change

    start = threading.Barrier(2)
    errors = []

    def drain():
        try:
            start.wait()
            webhooks_deliver()
        except Exception as error:  # reported below, not lost in the thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=drain) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    keys = Counter(r.headers["Idempotency-Key"] for r in http_receiver.received)
    assert len(keys) == events and set(keys.values()) == {1}
    assert WebhookDelivery.objects.count() == events
    assert set(WebhookEvent.objects.values_list("status", flat=True)) == {"delivered"}
