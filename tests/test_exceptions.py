"""Customer exceptions: proposed by anyone, decided by a manager, active from their
first day to their last (computed from the dates), every step on record."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from docs_registry import services as registry
from docs_registry.services.errors import ServiceError
from field import services
from field.models import CustomerException

from .factories import make_document, make_user, publish
from .html import main
from .querycount import cold_and_warm, sql_of

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 2)
NOON = datetime(2026, 12, 2, 12, tzinfo=UTC)


@pytest.fixture(autouse=True)
def fixed_day():
    with time_machine.travel(NOON, tick=False) as traveller:
        yield traveller


def propose(document, actor, **fields) -> CustomerException:
    values = {
        "customer": "Acme Corp",
        "account": "CRM-1001",
        "granted": "Refund outside the 30-day window",
        "version_number": document.current_version.number,
        "valid_from": TODAY,
        "valid_until": TODAY + timedelta(days=10),
        "why": "Three-year renewal signed.",
    } | fields
    return services.exception_propose(actor=actor, document=document, **values)


def next_day(traveller, client, person, days: int = 1) -> None:
    """Move the clock to noon `days` later and sign in again (idle sessions end)."""
    traveller.move_to(NOON + timedelta(days=days))
    client.force_login(person)


def approved(document, sales, manager, **fields) -> CustomerException:
    exception = propose(document, sales, **fields)
    return services.exception_approve(
        exception=exception, actor=manager, reason="Worth keeping them."
    )


def form_data(**fields) -> dict:
    return {
        "customer": "Acme Corp",
        "account": "CRM-1001",
        "granted": "Refund outside the 30-day window",
        "document": "prc-0001",
        "version_number": "",
        "valid_from": "2026-12-02",
        "valid_until": "2026-12-31",
        "why": "Three-year renewal signed.",
    } | fields


# --- proposing -------------------------------------------------------------------


def test_anyone_proposes_through_the_form_and_the_step_is_recorded(
    client, document, sales_staff
):
    client.force_login(sales_staff)
    assert "PRC-0001" in client.get("/exceptions/new/?doc=PRC-0001").content.decode()
    response = client.post("/exceptions/new/", form_data())
    exception = CustomerException.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/exceptions/{exception.pk}/"
    assert (exception.state, exception.version_number) == ("proposed", 1)
    assert exception.document == document
    (step,) = exception.history.all()
    assert (step.history_user, step.history_change_reason) == (sales_staff, "Proposed")
    page = main(client.get(response["Location"]))
    assert "Awaiting approval" in page.text
    assert "Sales" in page.one("table", cls="exception-steps").text


BAD_INPUT = [
    ({"valid_until": ""}, "none is open-ended"),
    ({"valid_until": "2026-12-01"}, "end before it starts"),
    ({"version_number": "7"}, "PRC-0001 has no version 7"),
    ({"document": "PRC-9999"}, "No document has the ID PRC-9999"),
    ({"customer": ""}, "This field is required"),
    ({"granted": "x" * 501}, "at most 500 characters"),
]


@pytest.mark.parametrize(("change", "message"), BAD_INPUT)
def test_bad_input_is_refused_with_a_clear_message_and_nothing_written(
    client, document, sales_staff, change, message
):
    client.force_login(sales_staff)
    response = client.post("/exceptions/new/", form_data(**change))
    assert response.status_code == 400
    assert message in main(response).text
    assert not CustomerException.objects.exists()
    assert not CustomerException.history.exists()
    # What was typed is still there.
    assert "Three-year renewal signed." in response.content.decode()


def test_a_retired_document_cannot_be_excepted(client, document, manager, sales_staff):
    registry.document_retire(document=document, actor=manager, reason="Replaced")
    client.force_login(sales_staff)
    response = client.post("/exceptions/new/", form_data())
    assert response.status_code == 400
    assert "PRC-0001 is retired" in main(response).text
    assert not CustomerException.objects.exists()


def test_an_earlier_version_can_be_excepted(document, sales_staff):
    publish(document, body="Up to **5%** needs no approval.")
    assert propose(document, sales_staff, version_number=1).citation == "PRC-0001 v1"
    with pytest.raises(ServiceError, match="no version 3"):
        propose(document, sales_staff, version_number=3)


def test_the_service_refuses_an_exception_without_an_end(document, sales_staff):
    with pytest.raises(ServiceError) as refused:
        propose(document, sales_staff, valid_until=None)
    assert refused.value.code == "no_expiry"


# --- deciding --------------------------------------------------------------------


def test_only_a_manager_approves_declines_or_revokes(
    client, document, sales_staff, owner
):
    exception = propose(document, sales_staff)
    for person in (sales_staff, owner):
        client.force_login(person)
        for action in ("approve", "decline", "revoke"):
            response = client.post(
                f"/exceptions/{exception.pk}/{action}/", {"reason": "ok"}
            )
            assert response.status_code == 403
        with pytest.raises(PermissionDenied):
            services.exception_approve(exception=exception, actor=person, reason="ok")
    exception.refresh_from_db()
    assert exception.state == "proposed"
    assert exception.history.count() == 1
    client.force_login(sales_staff)
    assert "Approve" not in main(client.get(f"/exceptions/{exception.pk}/")).text


def test_a_manager_approves_then_revokes_and_every_step_keeps_who_and_why(
    client, document, sales_staff, manager
):
    exception = propose(document, sales_staff)
    client.force_login(manager)
    url = f"/exceptions/{exception.pk}/"
    assert client.post(url + "approve/", {"reason": ""}).status_code == 400
    assert client.post(url + "approve/", {"reason": "Big account"}).status_code == 302
    assert "Active" in main(client.get(url)).text
    assert client.post(url + "approve/", {"reason": "again"}).status_code == 400
    assert client.post(url + "revoke/", {"reason": "Contract ended"}).status_code == 302
    exception.refresh_from_db()
    assert (exception.state, exception.revocation_reason) == (
        "revoked",
        "Contract ended",
    )
    steps = list(exception.history.order_by("history_date", "history_id"))
    assert [(s.history_user.username, s.history_change_reason) for s in steps] == [
        ("sales", "Proposed"),
        ("manager", "Approved: Big account"),
        ("manager", "Revoked: Contract ended"),
    ]
    assert "Revoked: Contract ended" in main(client.get(url)).text


def test_a_declined_exception_is_never_active(document, sales_staff, manager):
    exception = propose(document, sales_staff)
    exception = services.exception_decline(
        exception=exception, actor=manager, reason="No"
    )
    assert exception.standing(TODAY) == "declined"
    with pytest.raises(ServiceError):
        services.exception_revoke(exception=exception, actor=manager, reason="x")


# --- active, computed from the dates --------------------------------------------


def test_an_exception_leaves_the_active_list_the_day_after_its_last_day(
    client, document, sales_staff, manager, support_staff, fixed_day
):
    approved(document, sales_staff, manager, valid_until=TODAY + timedelta(days=1))
    client.force_login(support_staff)
    listed = "/exceptions/?customer=acme"
    assert "Acme Corp" in main(client.get(listed)).text
    assert (
        "1 active exception to this document"
        in main(client.get("/docs/PRC-0001/")).text
    )
    next_day(fixed_day, client, support_staff)  # its last day: still active
    assert "Acme Corp" in main(client.get(listed)).text
    next_day(fixed_day, client, support_staff, days=2)
    assert "Acme Corp" not in main(client.get(listed)).text
    assert "active exception" not in main(client.get("/docs/PRC-0001/")).text
    found = main(client.get(listed + "&show=all"))
    assert "Acme Corp" in found.text
    assert "Expired" in found.one("table", cls="exceptions").text


def test_an_exception_starting_later_is_not_active_yet(
    client, document, sales_staff, manager
):
    approved(document, sales_staff, manager, valid_from=TODAY + timedelta(days=3))
    client.force_login(sales_staff)
    assert "Acme Corp" not in main(client.get("/exceptions/")).text
    assert "Not yet in force" in main(client.get("/exceptions/?show=all")).text


def test_the_account_reference_finds_the_customer(
    client, document, sales_staff, manager
):
    approved(document, sales_staff, manager)
    approved(document, sales_staff, manager, customer="Globex", account="CRM-2")
    client.force_login(sales_staff)
    rows = main(client.get("/exceptions/?account=crm-1001")).one(
        "table", cls="exceptions"
    )
    assert "Acme Corp" in rows.text
    assert "Globex" not in rows.text


def test_the_document_page_lists_its_active_exceptions(
    client, document, sales_staff, manager, owner
):
    approved(document, sales_staff, manager)
    approved(document, sales_staff, manager, customer="Globex", account="")
    propose(document, sales_staff, customer="Initech")  # not approved: not shown
    for person in (sales_staff, owner):  # a kept reader's page, and the owner's
        client.force_login(person)
        box = main(client.get("/docs/PRC-0001/")).one("section", cls="exceptions-box")
        assert "2 active exceptions to this document" in box.text
        assert "Acme Corp" in box.text and "Globex" in box.text
        assert "Initech" not in box.text


def test_each_listed_exception_links_its_page_and_version_with_every_value_escaped(
    client, document, sales_staff, manager
):
    hostile = '<img src=x onerror="alert(1)">'
    exception = approved(
        document, sales_staff, manager, customer=f"Acme {hostile}", granted=hostile
    )
    client.force_login(sales_staff)
    served = client.get("/docs/PRC-0001/").content.decode()
    assert hostile not in served
    item = main(client.get("/docs/PRC-0001/")).one("li", cls="exception-item")
    assert item.classes == {"exception-item"}  # in force: no standing shown
    links = [a.attrs["href"] for a in item.select("a")]
    assert links == [f"/exceptions/{exception.pk}/", "/docs/PRC-0001/v1/"]
    assert f"Acme {hostile} (CRM-1001) : {hostile}" in item.text
    assert "departs from PRC-0001 v1 · until 12 Dec 2026" in item.text
    assert item.one("time").attrs["datetime"] == "2026-12-12"


def test_a_listed_exception_not_yet_in_force_says_so(
    client, document, sales_staff, manager
):
    approved(document, sales_staff, manager, valid_from=TODAY + timedelta(days=3))
    client.force_login(sales_staff)
    item = main(client.get("/search/?q=Acme")).one("li", cls="exception-item")
    badge = item.one("span", cls="standing")
    assert item.classes == {"exception-item", "upcoming"}
    assert badge.text == "Not yet in force"


def test_a_decision_shows_at_once_on_a_kept_document_page(
    client, document, sales_staff, manager
):
    exception = propose(document, sales_staff)
    client.force_login(sales_staff)
    assert "active exception" not in main(client.get("/docs/PRC-0001/")).text
    services.exception_approve(exception=exception, actor=manager, reason="Fine")
    assert "1 active exception" in main(client.get("/docs/PRC-0001/")).text
    services.exception_revoke(exception=exception, actor=manager, reason="Over")
    assert "active exception" not in main(client.get("/docs/PRC-0001/")).text


def test_the_header_search_finds_customers_and_account_references(
    client, document, sales_staff, manager, support_staff, fixed_day
):
    approved(document, sales_staff, manager, valid_until=TODAY)
    client.force_login(support_staff)
    for words in ("acme", "CRM-1001"):
        box = main(client.get(f"/search/?q={words}")).one(
            "section", cls="exceptions-box"
        )
        assert "Acme Corp" in box.text
        assert "Expired" not in box.text
    next_day(fixed_day, client, support_staff)
    box = main(client.get("/search/?q=acme")).one("section", cls="exceptions-box")
    assert "Expired" in box.text
    assert "exceptions-box" not in client.get("/search/?q=globex").content.decode()


def test_the_header_search_reads_no_wildcard_and_lists_ten(
    client, document, sales_staff, manager, support_staff, fixed_day
):
    """The words are matched as typed (any case): `%` and `_` match only
    themselves. Ten are listed, the latest ending first; declined ones never."""
    for n in range(11):
        approved(
            document,
            sales_staff,
            manager,
            customer=f"Acme {n:02}",
            account=f"CRM-{n:04}",
            valid_until=TODAY + timedelta(days=n),
        )
    declined = propose(document, sales_staff, customer="Acme declined")
    services.exception_decline(exception=declined, actor=manager, reason="No")
    client.force_login(support_staff)

    def customers(words: str) -> list[str]:
        page = main(client.get("/search/", {"q": words}))
        boxes = page.select("section", cls="exceptions-box")
        return [item.one("strong").text for box in boxes for item in box.select("li")]

    assert customers("acme") == [f"Acme {n:02}" for n in range(10, 0, -1)]
    assert customers("crm-0003") == customers("CRM-0003") == ["Acme 03"]
    for wildcard in ("%", "_", "Acme_0", "CRM-000_", "CRM%"):
        assert customers(wildcard) == []


def test_on_postgresql_the_header_search_can_read_only_the_exceptions_that_match(
    client, document, sales_staff, manager, support_staff
):
    """A few letters of a customer's name, or an account reference, can be looked
    up in indexes (field migration 0005) rather than matched against every
    exception: the search's condition is written as the indexes are. (Which way
    is cheaper for so few rows is the planner's to say; for the bench's 500 it
    reads the indexes.)"""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if connection.vendor != "postgresql":
        pytest.skip("SQLite reads every exception: it has no trigram index")
    approved(document, sales_staff, manager)
    client.force_login(support_staff)
    with CaptureQueriesContext(connection) as queries:
        box = main(client.get("/search/?q=acme")).one("section", cls="exceptions-box")
    assert "Acme Corp" in box.text
    (searched,) = [
        query["sql"] for query in queries if "field_customerexception" in sql_of(query)
    ]
    with connection.cursor() as cursor:
        # A plan for these values, with reading every row ruled out where an
        # index can serve.
        cursor.execute("SET LOCAL plan_cache_mode = force_custom_plan")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {searched}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "field_exception_customer_trgm" in plan
    assert "field_exception_account_upper" in plan
    assert "Seq Scan on field_customerexception" not in plan


# --- query counts ------------------------------------------------------------------

PAGES = {
    # The session, the user, the revision (with the header's waiting count); the
    # exceptions and their count.
    "/exceptions/": (5, 3),
    "/exceptions/?customer=acme&show=all": (5, 3),
    # ...; the exception and its steps.
    "/exceptions/{pk}/": (5, 3),
    # A reader's document page: the document, its questions and its exceptions in
    # force (each item built from the one query's columns); the reader's readings
    # come with the revision.
    "/docs/PRC-0001/": (6, 3),
}


def make_many(document, sales, manager, count: int) -> CustomerException:
    for n in range(count):
        exception = approved(
            document, sales, manager, customer=f"Acme {n}", account=f"A{n}"
        )
    return exception


@pytest.mark.parametrize("url", PAGES)
def test_exception_pages_cost_the_same_with_3_or_30_exceptions(
    client, document, sales_staff, manager, url
):
    client.force_login(sales_staff)
    exception = make_many(document, sales_staff, manager, 3)
    few = cold_and_warm(client, url.format(pk=exception.pk))
    assert few == PAGES[url], f"{url}: (cold, warm) = {few}"
    exception = make_many(document, sales_staff, manager, 27)
    assert cold_and_warm(client, url.format(pk=exception.pk)) == few


@pytest.mark.parametrize(
    "url", ["/exceptions/", "/exceptions/?customer=acme&account=a1&show=all"]
)
def test_a_cold_exceptions_page_compiles_only_djangos_reads(
    client, document, sales_staff, manager, url
):
    """The exceptions a filter finds and their count are prepared (once for each
    combination of filters): a page worked out afresh compiles only Django's
    session and user."""
    from .test_prepared import compiled_querysets

    client.force_login(sales_staff)
    make_many(document, sales_staff, manager, 3)
    assert compiled_querysets(client, url) == 2


def test_the_exceptions_page_joins_its_rows_to_their_documents_alone(
    client, document, sales_staff, manager
):
    """The list page shows nobody who proposed or decided: its rows join only
    their documents (the API's items name both: test_exceptions_api)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    approved(document, sales_staff, manager)
    client.force_login(sales_staff)
    with CaptureQueriesContext(connection) as queries:
        assert "Acme Corp" in main(client.get("/exceptions/?show=all")).text
    (rows,) = [
        sql
        for sql in map(sql_of, queries.captured_queries)
        if "field_customerexception" in sql and "COUNT(" not in sql
    ]
    assert "docs_registry_document" in rows and "docs_registry_user" not in rows


def test_the_managers_page_with_its_buttons_costs_the_same(
    client, document, sales_staff, manager
):
    client.force_login(manager)
    exception = propose(document, sales_staff)
    # A manager is in no team: their header counts no waiting changes.
    assert cold_and_warm(client, f"/exceptions/{exception.pk}/") == (5, 3)


def test_a_second_document_does_not_show_the_first_ones_exceptions(
    client, document, sales_staff, manager, owner
):
    other = make_document(owner=make_user("owner-2"), manager=manager, title="Other")
    approved(document, sales_staff, manager)
    client.force_login(sales_staff)
    assert "exceptions-box" not in client.get(f"/docs/{other.doc_id}/").content.decode()


def test_kept_pages_stop_showing_an_exception_at_midnight(
    client, document, sales_staff, manager, support_staff, fixed_day
):
    """Ten minutes apart, well within what the cache keeps, with nothing written in
    between: only the day in the pages' keys can tell them apart."""
    approved(document, sales_staff, manager, valid_until=TODAY)
    fixed_day.move_to(datetime(2026, 12, 2, 23, 55, tzinfo=UTC))
    client.force_login(support_staff)
    urls = ["/docs/PRC-0001/", "/exceptions/", "/search/?q=acme"]
    for url in urls:
        assert "Expired" not in main(client.get(url)).text
    assert "Acme Corp" in main(client.get("/exceptions/")).text
    fixed_day.move_to(datetime(2026, 12, 3, 0, 5, tzinfo=UTC))
    assert "active exception" not in main(client.get(urls[0])).text
    assert "Acme Corp" not in main(client.get(urls[1])).text
    assert (
        "Expired" in main(client.get(urls[2])).one("section", cls="exceptions-box").text
    )


# --- in the readers' digest -------------------------------------------------------


def digest_exceptions(client) -> str:
    found = main(client.get("/digest/")).select("section", id="new-exceptions")
    return found[0].text if found else ""


def test_readers_of_the_policy_learn_of_a_new_exception_in_their_digest(
    client, document, sales_staff, manager, support_staff, owner, fixed_day
):
    approved(document, sales_staff, manager)
    sales_only = make_document(
        owner=owner, manager=manager, title="Sales playbook", audience="sales"
    )
    approved(sales_only, sales_staff, manager, customer="Globex")
    propose(document, sales_staff, customer="Initech")  # not approved: not news
    client.force_login(support_staff)
    news = digest_exceptions(client)
    assert "Acme Corp" in news and "Refund outside the 30-day window" in news
    assert "Globex" not in news  # addressed to sales alone
    assert "Initech" not in news

    client.post("/digest/seen/", {"shown_at": NOON.isoformat()})
    assert digest_exceptions(client) == ""
    fixed_day.move_to(NOON + timedelta(minutes=5))
    approved(document, sales_staff, manager, customer="Hooli")
    news = digest_exceptions(client)
    assert "Hooli" in news and "Acme Corp" not in news


def test_the_digest_and_its_email_cost_the_same_with_one_or_three_exceptions(
    client, document, sales_staff, manager, support_staff, fixed_day
):
    """Each exception is read with what its item shows: none asks for more."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from docs_registry.services.digests import digest_email, new_changes

    def email_queries() -> int:
        changes = new_changes(support_staff, None)
        with CaptureQueriesContext(connection) as queries:
            message = digest_email(support_staff, changes)
        assert message.body.count("departs from PRC-0001") == shown
        return len(queries)

    approved(document, sales_staff, manager, customer="First")
    client.force_login(support_staff)
    shown = 1
    page, email = cold_and_warm(client, "/digest/"), email_queries()
    for customer in ("Second", "Third"):
        approved(document, sales_staff, manager, customer=customer)
    shown = 3
    assert "Third" in digest_exceptions(client)
    assert (cold_and_warm(client, "/digest/"), email_queries()) == (page, email)


def test_an_ended_exception_is_no_news(
    client, document, sales_staff, manager, support_staff, fixed_day
):
    approved(document, sales_staff, manager, valid_until=TODAY + timedelta(days=1))
    client.force_login(support_staff)
    assert "Acme Corp" in digest_exceptions(client)
    next_day(fixed_day, client, support_staff, days=2)
    assert "Acme Corp" not in digest_exceptions(client)


def test_the_digest_email_names_the_weeks_exceptions(
    document, sales_staff, manager, support_staff, fixed_day
):
    from docs_registry.services.digests import digest_email, new_changes

    approved(document, sales_staff, manager, customer="Old news")
    fixed_day.move_to(NOON + timedelta(days=8))
    approved(document, sales_staff, manager, valid_until=TODAY + timedelta(days=30))
    publish(document, body="Up to **12%**.", summary="Twelve")
    message = digest_email(support_staff, new_changes(support_staff, None))
    html = message.alternatives[0][0]
    for text in (message.body, html):
        assert "Exceptions granted to customers this week" in text
        assert "Acme Corp" in text and "CRM-1001" in text
        assert "Old news" not in text


def test_a_digests_new_exceptions_are_read_newest_first_from_an_index(document):
    """The twenty newest approved exceptions in order, read from an index, not
    every approved exception in force sorted: the cost follows what a digest
    lists, however many exceptions are in force."""
    from django.db import connection
    from django.utils import timezone

    from docs_registry.prepared import numbered, prepared
    from field.selectors import _granted

    if connection.vendor != "sqlite":
        pytest.skip("reads SQLite's query plan; PostgreSQL plans by its statistics")
    compiled = prepared(_granted, 2, True)._compiled()
    values = numbered("audience", ["sales", "both"]) | {
        "since": datetime(2026, 1, 1, tzinfo=UTC),
        "today": timezone.localdate(),
    }
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + compiled.sql, compiled.bind(values))
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())
    assert "exception_newest_decided" in plan
    # Ties on the moment alone are put in order, as they come: no sort of all.
    assert "TEMP B-TREE FOR ORDER BY" not in plan


def test_a_digest_worked_out_from_what_it_kept_shows_the_same_news(
    client, document, sales_staff, manager, support_staff
):
    """What a digest found since the last visit (answers, glossary changes,
    exceptions) is kept as the rows the database gave: with every other kept
    part gone, the page is made again from those rows, asking none of them
    again, and shows the same news."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from docs_registry import caching
    from docs_registry.selectors.questions import answers_asked

    from .test_questions import answer, ask

    approved(document, sales_staff, manager, customer="Hooli")
    answer(ask(document, support_staff, text="VAT?"), text="Included", answered_in=1)
    client.force_login(support_staff)
    client.get("/digest/")  # a first visit writes the digest's state
    caching.empty()
    first = main(client.get("/digest/"))
    kept = {
        key: (cache._cache[key], cache._expire_info[key])
        for key in cache._cache
        if ":rows-since-last-visit:" in key
    }
    assert len(kept) == 1
    caching.empty()
    for key, (value, expires) in kept.items():
        cache._cache[key], cache._expire_info[key] = value, expires
    with CaptureQueriesContext(connection) as queries:
        again = main(client.get("/digest/"))
    # Up to its first value, which a query log writes in.
    answers_query = answers_asked(support_staff, None).query._compiled().sql
    asked = answers_query.partition("%s")[0]
    assert not any(sql_of(query).startswith(asked) for query in queries)
    for section in ("answers", "new-exceptions"):
        (shown,) = again.select("section", id=section)
        assert shown.text == first.select("section", id=section)[0].text
    assert "Hooli" in digest_exceptions(client) and "Included" in again.text
