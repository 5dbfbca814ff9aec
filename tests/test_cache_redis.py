"""The shared cache (Redis): pages are kept there with an expiry, keep being
served from the database while it is gone, use it again when it is back, and
ignore anything under a key that is not a value of ours."""

import logging

import pytest

from docs_registry.caching import forget_near_copies
from kb.settings import cache_settings

from .factories import publish
from .redis_server import RedisServer, free_port

pytestmark = pytest.mark.django_db

PAGES = ["/docs/", "/docs/PRC-0001/", "/docs/PRC-0001/history/", "/digest/"]
TTL = 900


def use_redis(settings, url: str) -> None:
    configured = cache_settings(url, ttl=TTL, max_entries=1000)
    # Tried again at once after a failure: the test restarts it at will.
    configured["OPTIONS"]["RETRY_AFTER"] = 0
    settings.CACHES = {"default": configured}  # Django resets its caches


@pytest.fixture
def redis_server():
    server = RedisServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def reader(client, document, sales_staff, settings, redis_server):
    publish(document, body="Up to **15%** needs no approval.")
    use_redis(settings, redis_server.url)
    client.force_login(sales_staff)
    return client


def read(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_pages_are_kept_in_redis_each_with_an_expiry(reader, redis_server):
    for url in PAGES:
        read(reader, url)
    raw = redis_server.client()
    keys = raw.keys("*")
    assert len(keys) >= len(PAGES)
    assert all(0 < raw.ttl(key) <= TTL for key in keys)


def test_pages_are_served_while_redis_is_gone_and_it_is_used_again(
    reader, redis_server, document, caplog
):
    for url in PAGES:
        read(reader, url)
    redis_server.stop()
    with caplog.at_level(logging.WARNING, logger="docs_registry.cache_backends"):
        for url in PAGES:
            assert "PRC-0001" in read(reader, url)
        publish(document, body="Up to **25%** needs no approval.")
        assert "25%" in read(reader, "/docs/PRC-0001/")
    # Many failed reads, one line in the log (at most one a minute).
    assert len(caplog.records) == 1
    assert "cannot be reached" in caplog.records[0].getMessage()

    redis_server.start()  # empty, on the same port
    assert "25%" in read(reader, "/docs/PRC-0001/")
    assert redis_server.client().keys("*"), "the cache is used again"


def test_pages_are_served_when_redis_is_missing_from_the_start(
    client, document, sales_staff, settings
):
    # Nothing listens on that port.
    use_redis(settings, f"redis://127.0.0.1:{free_port()}/0")
    client.force_login(sales_staff)
    for url in PAGES:
        assert "PRC-0001" in read(client, url)


@pytest.mark.parametrize(
    "garbage",
    [b"\x80\x05garbage", b"not a pickle", b"\x80\x05\x95\x0b\x00\x00\x00\x00\x00\x00"],
)
def test_garbage_under_a_key_is_ignored_and_replaced(reader, redis_server, garbage):
    raw = redis_server.client()
    for url in PAGES:  # the digest's first visit is a write (the counter moves)
        read(reader, url)
    raw.flushdb()
    forget_near_copies()  # read as a worker that has kept nothing yet
    for url in PAGES:  # all kept under the current revision
        read(reader, url)
    keys = raw.keys("*")
    for key in keys:
        raw.set(key, garbage)
    forget_near_copies()  # so that what is in Redis is read
    assert "15%" in read(reader, "/docs/PRC-0001/")
    assert "v2" in read(reader, "/docs/")
    for url in PAGES:
        read(reader, url)
    assert not [key for key in keys if raw.get(key) == garbage]


def test_each_worker_reads_a_page_again_from_its_near_copy(reader, redis_server):
    """A key names everything its value depends on, so a copy kept in the
    worker's memory is never stale: a page read again costs no round trip."""
    for url in PAGES:
        read(reader, url)
    before = redis_server.client().info("stats")["keyspace_hits"]
    for url in PAGES:
        read(reader, url)
    assert redis_server.client().info("stats")["keyspace_hits"] == before


def test_a_write_through_another_worker_shows_on_the_next_read(
    reader, redis_server, document
):
    assert "15%" in read(reader, "/docs/PRC-0001/")
    publish(document, body="Up to **25%** needs no approval.")
    assert "25%" in read(reader, "/docs/PRC-0001/")  # the revision moved: new keys
