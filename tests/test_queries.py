"""Each page costs the same number of queries however much data it shows."""

import pytest

from .factories import make_document, publish
from .querycount import cold_and_warm

pytestmark = pytest.mark.django_db

DOCUMENT_PAGES = [
    "/docs/PRC-0001/",
    "/docs/PRC-0001/v1/",
    "/docs/PRC-0001/history/",
    "/docs/PRC-0001/compare/?from=1&to=2",
    "/docs/PRC-0001/edit/",
]


# Queries per page (cold: the cache emptied first; warm: read again), pinned: they
# must neither grow with the data nor creep up unnoticed. The header's waiting
# count costs none: it is read with the counters (caching.py).
COUNTS = {
    # The owner's page is not kept (it holds forms); its active customer
    # exceptions are, under the day (one query cold). What the reader acknowledged
    # and was shown of it is read with the counters.
    "/docs/PRC-0001/": (8, 6),
    "/docs/PRC-0001/v1/": (5, 3),
    "/docs/PRC-0001/history/": (6, 3),
    # Cold, the comparison is read from the stored ones (one query), after the
    # two versions and the summaries between (one query).
    "/docs/PRC-0001/compare/?from=1&to=2": (6, 3),
    "/docs/PRC-0001/edit/": (5, 5),
    # Browse also lists the categories (with the chosen one) beside the table.
    # The categories are read once for their links and the filter's options,
    # with the filter's owners (one query).
    "/docs/": (6, 3),
    "/docs/?sort=changed": (6, 3),
    "/docs/?audience=sales&q=rules": (6, 3),
    "/": (5, 4),  # both teams' goals at the top (none here: no readings to fetch)
    # Cold only: whether there are answers, glossary changes, new exceptions,
    # goals, final readings or meeting decisions since the last visit (one
    # query; when that was is read with the counters; the lists with none are
    # not read), the week's field reports (1), the stored comparisons (1). The
    # entries' versions: one query for both the lists and the comparisons.
    "/digest/": (8, 3),
    # A team's digest is worked out on each read: its goal news adds one query
    # cold, and its comparisons, stored, are read from where they are stored
    # (one query) rather than kept twice.
    "/digest/?team=sales&since=2020-01-01": (9, 8),
    # The managers' reports keep their tables until the next write: warm, the
    # session, the user, the revision and the filters' options (the coverage's
    # categories; the history's people, owners and categories).
    "/coverage/": (7, 4),
    "/coverage/?format=csv": (5, 5),
    "/coverage/people/sales/": (6, 6),
    "/history/": (12, 6),
    "/history/?format=csv": (7, 7),  # the publishes and the changes, read apart
    "/history/?kind=publish": (10, 6),
    "/mine/": (10, 10),  # with the open field reports on the owner's documents
    "/glossary/": (6, 6),  # a page of terms, its count and the A–Z index
    "/reviews/": (5, 5),
}


def count_queries(client, url: str) -> tuple[int, int]:
    counts = cold_and_warm(client, url)
    assert counts == COUNTS[url], f"{url}: (cold, warm) = {counts}"
    return counts


@pytest.mark.parametrize("url", DOCUMENT_PAGES)
def test_document_pages_cost_the_same_with_2_or_30_versions(client, document, url):
    client.force_login(document.owner)
    publish(document, body="second")
    with_two = count_queries(client, url)
    for n in range(3, 31):
        publish(document, body=f"version {n}", summary=f"Change {n}")
    assert count_queries(client, url) == with_two


@pytest.mark.slow
@pytest.mark.parametrize("query", ["", "?sort=changed", "?audience=sales&q=rules"])
def test_browse_costs_the_same_with_3_or_60_documents(
    client, owner, manager, category, query
):
    client.force_login(owner)
    for _ in range(3):
        make_document(owner=owner, manager=manager, category=category)
    with_three = count_queries(client, "/docs/" + query)
    for _ in range(57):
        publish(
            make_document(owner=owner, manager=manager, category=category), body="x"
        )
    assert count_queries(client, "/docs/" + query) == with_three


def make_readers_world(owner, manager, category, documents: int, versions: int):
    for _ in range(documents):
        document = make_document(owner=owner, manager=manager, category=category)
        for n in range(2, versions + 1):
            publish(document, body=f"version {n}", summary=f"Change {n}")


@pytest.mark.slow
@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/digest/",
        "/digest/?team=sales&since=2020-01-01",
        "/coverage/",
        "/coverage/?format=csv",
        "/coverage/people/sales/",
        "/history/",
        "/history/?format=csv",
        "/history/?kind=publish",
    ],
)
def test_digest_and_reports_cost_the_same_however_much_they_show(
    client, owner, manager, category, sales_staff, url
):
    client.force_login(
        manager if "coverage" in url or "history" in url else sales_staff
    )
    make_readers_world(owner, manager, category, documents=2, versions=2)
    small = count_queries(client, url)
    make_readers_world(owner, manager, category, documents=20, versions=5)
    assert count_queries(client, url) == small


def test_an_announced_change_costs_a_reader_no_query(client, document, sales_staff):
    """Whether a change is due is asked in the statement every request makes
    anyway (caching.py), and the announced version is joined to the document:
    the rule adds no query, nothing pending or one announced, cold or warm."""
    from datetime import timedelta

    from django.utils import timezone

    client.force_login(sales_staff)
    publish(document, body="second")
    nothing_pending = cold_and_warm(client, "/docs/PRC-0001/")
    publish(document, body="third", effective_at=timezone.now() + timedelta(days=9))
    announced = cold_and_warm(client, "/docs/PRC-0001/")
    assert (nothing_pending, announced) == ((6, 3), (6, 3))
