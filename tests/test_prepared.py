"""Prepared queries (docs_registry/prepared.py): compiled once per connection, each
run gives what the same queryset gives through the ORM, and a page worked out
afresh builds no queryset for what they answer."""

import threading
from datetime import date, timedelta

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.db.models import (
    BooleanField,
    CharField,
    Count,
    DateTimeField,
    Exists,
    IntegerField,
    OuterRef,
    Q,
)
from django.test.utils import CaptureQueriesContext

from docs_registry import caching
from docs_registry.models import Document, User
from docs_registry.prepared import (
    Asked,
    OutOfRange,
    Param,
    PreparedList,
    PreparedQuery,
    _numbered,
    any_of,
    fetch_all,
    numbered,
    prepared,
    rows_of_each,
)
from docs_registry.selectors.documents import document_get, document_list, document_rows
from docs_registry.selectors.glossary import glossary_changes
from docs_registry.selectors.questions import ANSWERS_SHOWN, answered_for_asker
from docs_registry.services.questions import question_answer, question_ask

from .factories import make_document, publish
from .querycount import compiling, sql_of

pytestmark = pytest.mark.django_db


def documents_joined():
    return Document.objects.select_related(
        "category", "owner", "current_version__published_by"
    ).defer("current_version__body")


class Counted:
    """A build function that counts how often it is called."""

    def __init__(self, build):
        self.build, self.calls = build, 0

    def __call__(self):
        self.calls += 1
        return self.build()


@pytest.fixture
def documents(owner, manager, category):
    first = make_document(
        owner=owner, manager=manager, category=category, title="Refunds", body="A"
    )
    publish(first, body="Refunds, second cut.", summary="Second")
    second = make_document(
        owner=owner, manager=manager, category=category, title="Shipping"
    )
    return first, second


def same_fields(mine, theirs) -> None:
    assert type(mine) is type(theirs)
    assert mine.get_deferred_fields() == theirs.get_deferred_fields()
    for field in mine._meta.concrete_fields:
        if field.attname not in mine.get_deferred_fields():
            assert getattr(mine, field.attname) == getattr(theirs, field.attname)


def test_a_run_gives_what_the_orm_gives_with_its_joined_rows(documents):
    first, _ = documents
    query = PreparedQuery(
        lambda: documents_joined().filter(doc_id=Param("doc_id", CharField()))
    )
    (found,) = query.run(doc_id=first.doc_id)
    expected = documents_joined().get(doc_id=first.doc_id)
    same_fields(found, expected)
    same_fields(found.current_version, expected.current_version)
    with CaptureQueriesContext(connection) as queries:
        # Joined, converted and cached as select_related would have them.
        same_fields(found.owner, expected.owner)
        same_fields(found.category, expected.category)
        same_fields(found.current_version.published_by, expected.owner)
        assert found.current_version.published_at.tzinfo is not None
        assert found.current_version.number == 2
    assert len(queries) == 0
    assert found.current_version.get_deferred_fields() == {"body"}


def test_rows_naming_the_same_related_object_share_one_instance(documents, owner):
    # Both documents have one owner and one category: made once for both, as a
    # prefetch would. Each has its own current version.
    query = PreparedQuery(lambda: documents_joined().order_by("pk"))
    first, second = query.run()
    assert first.owner is second.owner
    assert first.category is second.category
    assert first.owner.pk == owner.pk
    assert first.current_version is not second.current_version
    same_fields(second.owner, documents_joined().get(pk=second.pk).owner)
    # A later run makes its own.
    (again, _) = query.run()
    assert again.owner is not first.owner


def test_it_is_compiled_once_and_each_run_binds_its_own_values(documents):
    first, second = documents
    build = Counted(
        lambda: Document.objects.filter(doc_id=Param("doc_id", CharField())).order_by(
            "pk"
        )
    )
    query = PreparedQuery(build)
    with CaptureQueriesContext(connection) as queries:
        assert [d.pk for d in query.run(doc_id=first.doc_id)] == [first.pk]
        assert [d.pk for d in query.run(doc_id=second.doc_id)] == [second.pk]
        assert query.run(doc_id="NONE-0000") == []
    assert build.calls == 1
    assert len(queries) == 3


def test_values_are_prepared_by_their_field_and_annotations_are_set(documents):
    first, second = documents
    query = PreparedQuery(
        lambda: (
            Document.objects.filter(pk__gte=Param("from_pk", IntegerField()))
            .annotate(version_count=Count("versions"))
            .order_by("pk")
        )
    )
    found = query.run(from_pk=first.pk)
    assert [(d.pk, d.version_count) for d in found] == [(first.pk, 2), (second.pk, 1)]
    published = PreparedQuery(
        lambda: Document.objects.filter(
            current_version__published_at__gte=Param("since", DateTimeField())
        ).order_by("pk")
    )
    moment = first.current_version.published_at
    assert [d.pk for d in published.run(since=moment)] == [first.pk, second.pk]
    assert published.run(since=moment + timedelta(days=1)) == []


def test_a_missing_value_or_none_is_refused(documents):
    query = PreparedQuery(
        lambda: Document.objects.filter(
            Q(doc_id=Param("doc_id", CharField()))
            | Q(title=Param("title", CharField()))
        )
    )
    with pytest.raises(TypeError, match=r"\['doc_id', 'title'\]"):
        query.run(doc_id="POL-0001")
    with pytest.raises(ValueError, match="title is None"):
        query.run(doc_id="POL-0001", title=None)


def test_another_thread_compiles_for_its_own_connection():
    # Sessions: a table this test leaves alone (SQLite's in-memory test database
    # locks what the test's transaction wrote).
    build = Counted(
        lambda: Session.objects.filter(session_key=Param("key", CharField()))
    )
    query = PreparedQuery(build)
    assert query.run(key="nobody") == []
    seen = []

    def elsewhere():
        try:
            seen.append(query.run(key="nobody either"))
        finally:
            connection.close()

    thread = threading.Thread(target=elsewhere)
    thread.start()
    thread.join()
    assert seen == [[]]
    assert build.calls == 2


def compiled_querysets(client, url: str) -> int:
    """How many querysets a page worked out afresh compiles to SQL."""
    client.get(url)  # compiles what is prepared
    caching.empty()
    with compiling() as models:
        assert client.get(url).status_code == 200
    return len(models)


# A reader's page compiles only Django's own reads, the session and the signed-in
# person; the owner's also says who has read the document (coverage, three more).
@pytest.mark.parametrize("reader, compiled", [("sales_staff", 2), ("owner", 5)])
def test_a_cold_document_page_compiles_only_what_is_not_prepared(
    client, documents, reader, compiled, request
):
    """The document, its questions (the owner sees every open one) and its
    exceptions are prepared: a page worked out afresh compiles no query for
    them."""
    first, _ = documents
    client.force_login(request.getfixturevalue(reader))
    assert compiled_querysets(client, first.get_absolute_url()) == compiled


def test_document_get_finds_any_case_and_404s_the_rest(documents):
    from django.http import Http404

    first, _ = documents
    assert document_get(first.doc_id.lower()).pk == first.pk
    with pytest.raises(Http404):
        document_get("NOPE-0001")


def test_an_integer_the_database_cannot_hold_is_refused(documents):
    """The ORM drops a comparison with such a number (it matches nothing); a
    prepared query's SQL is fixed, so it says so instead of failing in the
    driver."""
    query = PreparedQuery(
        lambda: Document.objects.filter(pk=Param("pk", IntegerField()))
    )
    for number in (2**63, -(2**63) - 1):
        with pytest.raises(OutOfRange):
            query.run(pk=number)
    assert query.run(pk=2**31 - 1) == []


@pytest.mark.parametrize("page", ["v1/", "history/", "compare/?from=1&to=2"])
def test_a_cold_version_history_or_comparison_compiles_only_djangos_reads(
    client, documents, sales_staff, page
):
    """The version, the history's versions and records, and the two versions
    compared with those between are prepared."""
    first, _ = documents
    client.force_login(sales_staff)
    assert compiled_querysets(client, first.get_absolute_url() + page) == 2


def test_a_window_and_a_count_are_what_a_slice_and_count_give(documents, manager):
    first, second = documents
    third = make_document(
        owner=first.owner, manager=manager, category=first.category, title="Tax"
    )
    ordered = Document.objects.order_by("-pk")
    query = PreparedQuery(
        lambda: (
            Document.objects.filter(pk__gte=Param("from_pk", IntegerField()))
            .order_by("-pk")
            .select_related("owner")
        )
    )
    for window in (slice(0, 2), slice(1, 3), slice(2, 50), slice(5, 10)):
        found = query.run(window=window, from_pk=first.pk)
        assert [d.pk for d in found] == [d.pk for d in ordered[window]]
    assert query.count(from_pk=second.pk) == 2
    listed = PreparedList(query, from_pk=first.pk)
    assert (len(listed), [d.pk for d in listed[0:1]]) == (3, [third.pk])
    sliced = PreparedQuery(lambda: Document.objects.order_by("pk")[:1])
    with pytest.raises(TypeError):
        sliced.run(window=slice(0, 1))


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"sort": "changed"},
        {"sort": "title", "include_retired": True},
        {"query": "10%"},  # the % is a character to find, not a wildcard
        {"query": "a_b"},
        {"query": "refund", "audience": "sales"},
        {"audience": "both"},
        {"audience": "support", "owner_inactive": True},
        {"category": True, "owner": True},
    ],
)
def test_the_documents_pages_rows_are_what_the_orm_lists(
    owner, manager, category, filters
):
    titles = ["10% off renewals", "100 off", "a_b rule", "aXb rule", "Refund rules"]
    for index, title in enumerate(titles):
        audience = ("sales", "support", "both")[index % 3]
        make_document(
            owner=owner,
            manager=manager,
            category=category,
            title=title,
            audience=audience,
        )
    filters = dict(filters)
    if filters.pop("category", None) and filters.pop("owner", None):
        filters |= {"category_id": category.pk, "owner_id": owner.pk}
    listed = document_rows(**filters)
    expected = document_list(**filters)
    assert len(listed) == expected.count()
    rows = listed[0:50]
    assert [row.doc_id for row in rows] == [d.doc_id for d in expected[:50]]
    for row, document in zip(rows, expected[:50], strict=True):
        assert row.owner_name == document.owner.display_name
        assert (row.number, row.published_at) == (
            document.current_version.number,
            document.current_version.published_at,
        )
        assert row.is_retired == document.is_retired
        assert row.audience_label == document.get_audience_display()
    if "query" in filters and "%" in filters["query"]:
        assert [row.title for row in rows] == ["10% off renewals"]


def test_a_cold_documents_page_compiles_only_its_filters_options(client, documents):
    """The rows, their count and the filter's owners and categories are
    prepared: what is left is Django's session and user."""
    first, _ = documents
    client.force_login(first.owner)
    assert compiled_querysets(client, "/docs/") == 2
    assert compiled_querysets(client, "/docs/?sort=changed&audience=sales&q=r") == 2


def test_a_cold_digest_compiles_none_of_its_documents_or_their_versions(
    client, documents, sales_staff, owner
):
    """The page of pending documents, their versions listed and the versions
    compared are prepared (one query for each number of documents listed)."""
    first, second = documents
    client.force_login(sales_staff)
    for n in range(3):
        publish(first, body=f"Refunds, cut {n}.", summary=f"Cut {n}")
    compiled = compiled_querysets(client, "/digest/")
    publish(second, body="Shipping, second cut.", summary="Second")
    # Two documents listed now: their queries are prepared again, once.
    assert compiled_querysets(client, "/digest/") == compiled
    assert compiled == DIGEST_COMPILED


# Django's session and user. When the reader last looked, and since then the
# answers to their questions, the glossary changes, the exceptions granted, the
# goals, final readings and decisions, and the week's field reports (for sales),
# are prepared.
DIGEST_COMPILED = 2


def test_a_values_list_query_gives_its_rows_as_asked(documents):
    first, _ = documents
    pairs = PreparedQuery(
        lambda: Document.objects.filter(pk=Param("pk", IntegerField())).values_list(
            "doc_id", "current_version__published_at"
        )
    )
    ((doc_id, published_at),) = pairs.run(pk=first.pk)
    assert (doc_id, published_at) == (
        first.doc_id,
        first.current_version.published_at,
    )
    assert published_at.tzinfo is not None  # converted, as the ORM converts it


def test_flags_are_read_as_the_database_gives_them_and_the_rest_converted(
    sales_staff, support_staff
):
    people = PreparedQuery(
        lambda: (
            User.objects.filter(username__in=["sales", "support"])
            .order_by("username")
            .values_list("in_sales", "in_support", "date_joined")
        ),
        flags=(0, 1),
    )
    rows = people.run()
    assert [(bool(a), bool(b)) for a, b, _ in rows] == [(True, False), (False, True)]
    assert all(joined.tzinfo is not None for _, _, joined in rows)  # converted
    # No converter is called for the flags: none at all on PostgreSQL, whose
    # booleans need none; SQLite's 0 and 1 left as they are.
    assert not people._compiled().converters.keys() & {0, 1}
    assert all(type(flag) in (int, bool) for a, b, _ in rows for flag in (a, b))


@pytest.mark.parametrize(
    "filters, joins",
    [({}, 0), ({"query": "x", "sort": "title"}, 0), ({"owner_inactive": True}, 1)],
)
def test_counting_the_documents_page_joins_only_what_it_filters_on(
    documents, filters, joins
):
    """The rows' columns join the category, owner and version; the count must
    not (over 10,000 documents it took 24 ms with them, 0.5 without)."""
    with CaptureQueriesContext(connection) as queries:
        len(document_rows(**filters))
    (counted,) = queries.captured_queries
    assert sql_of(counted).count("JOIN") == joins


def test_a_flag_or_a_number_in_a_text_column_is_no_range_question(documents):
    first, _ = documents
    flags = PreparedQuery(
        lambda: Document.objects.filter(
            owner__is_active=Param("active", BooleanField()),
            doc_id=Param("doc_id", CharField()),
        )
    )
    assert [d.pk for d in flags.run(active=True, doc_id=first.doc_id)] == [first.pk]
    assert flags.run(active=False, doc_id=first.doc_id) == []


def _documents_addressed(count: int):
    return Document.objects.filter(
        any_of("audience", "audience", count, CharField())
    ).order_by("pk")


def test_any_of_matches_each_value_given_and_refuses_an_empty_list(documents):
    first, second = documents
    Document.objects.filter(pk=second.pk).update(audience="sales")
    for audiences in (["sales", "both"], ["support", "both"], ["sales", "support"]):
        query = prepared(_documents_addressed, len(audiences))
        found = query.run(**numbered("audience", audiences))
        assert found == list(
            Document.objects.filter(audience__in=audiences).order_by("pk")
        )
    with pytest.raises(ValueError, match="empty list"):
        any_of("audience", "audience", 0, CharField())
    # An empty list of audiences asks nothing, as `audience__in=[]` found nothing.
    assert glossary_changes(audiences=[], since=None) == []


def test_a_digest_lists_the_newest_answers_to_the_readers_questions(
    documents, sales_staff
):
    first, _ = documents
    for n in range(ANSWERS_SHOWN + 1):
        question = question_ask(
            document=first, actor=sales_staff, kind="question", text=f"Question {n}?"
        )
        question_answer(question=question, actor=first.owner, answer=f"Answer {n}.")
    answers = answered_for_asker(sales_staff, None)
    assert [answer.text for answer in answers] == [
        f"Question {n}?" for n in range(ANSWERS_SHOWN, 0, -1)
    ]
    newest = answers[0].answered_at
    assert answered_for_asker(sales_staff, newest) == []
    assert answered_for_asker(first.owner, None) == []


def test_a_cold_search_compiles_only_djangos_reads_and_its_filters_options(
    client, documents, sales_staff
):
    """The customer exceptions the words find are prepared, as is the full-text
    search (raw SQL), as are the filters' owners and categories: what is left
    is Django's session and user."""
    from field import services as field_services

    first, _ = documents
    field_services.exception_propose(
        actor=sales_staff,
        document=first,
        customer="Refund Corp",
        account="CRM-1",
        granted="Refund outside the window",
        version_number=1,
        valid_from=date.today(),
        valid_until=date.today() + timedelta(days=10),
        why="Kept",
    )
    client.force_login(sales_staff)
    assert "Refund Corp" in client.get("/search/?q=refund").content.decode()
    assert compiled_querysets(client, "/search/?q=refund") == 2


# --- PostgreSQL: statements the server prepares once per session -------------------


@pytest.fixture
def postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("server-prepared statements are PostgreSQL's")


def by_doc_id() -> PreparedQuery:
    return PreparedQuery(
        lambda: Document.objects.filter(doc_id=Param("doc_id", CharField()))
    )


def plans_of(logged: str) -> tuple[int, int]:
    """How often the server planned a logged `EXECUTE name(…)`'s statement for
    any values (generic) and for the values of one run (custom)."""
    name = logged.removeprefix("EXECUTE ").partition("(")[0]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements "
            "WHERE name = %s",
            [name],
        )
        return cursor.fetchone()


def test_a_prepared_query_is_planned_once_by_the_server(postgresql, documents):
    first, second = documents
    query = by_doc_id()
    with CaptureQueriesContext(connection) as queries:
        query.run(doc_id=first.doc_id)
    (logged,) = queries
    assert logged["sql"].startswith("EXECUTE samepage_")
    assert '"docs_registry_document"."doc_id" = (%s)' in sql_of(logged)
    generic, custom = plans_of(logged["sql"])
    with CaptureQueriesContext(connection) as queries:
        for document in (second, first, second, first, second, first, second):
            assert [d.pk for d in query.run(doc_id=document.doc_id)] == [document.pk]
    # Seven runs, seven queries (the PREPARE is the session's, not a page's), all
    # on the one plan made for any values: by default the server plans the first
    # five runs for their values, and goes on so wherever that looks cheaper.
    assert len(queries) == 7
    assert {q["sql"].partition("(")[0] for q in queries} == {
        logged["sql"].partition("(")[0]
    }
    assert plans_of(logged["sql"]) == (generic + 7, custom)


def test_what_every_page_asks_of_the_reader_is_prepared(
    postgresql, client, documents, sales_staff
):
    """The counters (every request, with the header's waiting count) and the
    reader's readings of a document are SQL of our own, not querysets: prepared
    once a session too, not planned on every run."""
    first, _ = documents
    client.force_login(sales_staff)
    client.get(f"/docs/{first.doc_id}/")
    caching.empty()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/docs/{first.doc_id}/").status_code == 200
    ours = {
        "counters": "FROM docs_registry_revision WHERE id = 1",
        "readings": "SELECT MAX(number) FROM docs_registry_acknowledgment",
    }
    for name, text in ours.items():
        (asked,) = [query for query in queries if text in sql_of(query)]
        assert asked["sql"].startswith("EXECUTE samepage_"), name


@pytest.mark.django_db(transaction=True)
def test_a_new_session_prepares_again(postgresql, documents):
    first, _ = documents
    query = by_doc_id()
    assert [d.pk for d in query.run(doc_id=first.doc_id)] == [first.pk]
    connection.close()  # the same connection object opens a new session
    assert [d.pk for d in query.run(doc_id=first.doc_id)] == [first.pk]


def test_a_value_the_server_would_take_for_text_is_sent_as_plain_sql(
    postgresql, documents
):
    # A parameter only selected has no type but the one its value gives it: the
    # server would prepare it as text, and answer "5" for 5.
    query = PreparedQuery(
        lambda: (
            Document.objects.annotate(n=Param("n", IntegerField()))
            .order_by("pk")
            .values_list("n")
        )
    )
    with CaptureQueriesContext(connection) as queries:
        assert query.run(n=5) == [(5,), (5,)]
    assert not queries[0]["sql"].startswith("EXECUTE")


def test_sql_the_server_cannot_prepare_leaves_the_transaction_going(
    postgresql, documents
):
    from django.db import transaction

    with transaction.atomic():
        # "could not determine data type of parameter $1": run as it is.
        assert fetch_all(connection, "SELECT %s IS NULL", [None]) == [(True,)]
        assert Document.objects.count() == 2


def test_turned_off_the_sql_is_sent_as_it_is(postgresql, documents, settings):
    settings.SAMEPAGE_SERVER_PREPARED = False
    first, _ = documents
    with CaptureQueriesContext(connection) as queries:
        assert [d.pk for d in by_doc_id().run(doc_id=first.doc_id)] == [first.pk]
    assert queries[0]["sql"].startswith("SELECT")


def test_placeholders_are_numbered_and_a_percent_sign_kept():
    assert _numbered("a = %s AND b LIKE '10%%' AND c = %s") == (
        "a = $1 AND b LIKE '10%' AND c = $2"
    )


def test_instances_are_made_without_init_unless_something_listens(
    documents, monkeypatch
):
    from django.db.models.signals import post_init

    first, _ = documents
    inits = []
    init = Document.__init__

    def counted_init(self, *args, **kwargs):
        inits.append(type(self).__name__)
        init(self, *args, **kwargs)

    monkeypatch.setattr(Document, "__init__", counted_init)
    query = PreparedQuery(
        lambda: Document.objects.select_related("category").filter(
            doc_id=Param("doc_id", CharField())
        )
    )
    (plain,) = query.run(doc_id=first.doc_id)
    assert inits == []  # made without __init__, yet as the ORM makes it
    orm = Document.objects.get(pk=first.pk)
    assert inits == ["Document"]
    same_fields(plain, orm)
    assert plain._state.db == "default" and not plain._state.adding
    assert plain.category == first.category

    post_init.connect(
        lambda **kwargs: None, sender=Document, weak=False, dispatch_uid="watch"
    )
    try:
        (watched,) = PreparedQuery(query._build).run(doc_id=first.doc_id)
    finally:
        post_init.disconnect(sender=Document, dispatch_uid="watch")
    assert inits == ["Document", "Document"]  # through __init__, which sends it
    same_fields(watched, plain)


def test_an_exists_selects_its_constant_as_written(documents):
    """Django's EXISTS selects 1 as a parameter, which PostgreSQL would prepare as
    text (and the query then ran as plain SQL, planned on every run): the
    prepared query writes the 1 and gives what the ORM gives."""

    def owners():
        owns = Document.objects.filter(owner=OuterRef("pk"))
        return User.objects.filter(Exists(owns)).values_list("pk", "username")

    query = PreparedQuery(owners)
    compiled = query._compiled()
    assert 'EXISTS(SELECT 1 AS "a" ' in compiled.sql
    assert 'EXISTS(SELECT %s AS "a" ' not in compiled.sql
    expected = list(owners())
    assert query.run() == expected and expected
    if connection.vendor == "postgresql":
        with CaptureQueriesContext(connection) as queries:
            query.run()
        assert queries[0]["sql"].startswith("EXECUTE samepage_")


@pytest.mark.django_db(transaction=True)
def test_a_setting_sent_with_a_statement_lasts_for_it_alone():
    """On PostgreSQL a search turns off sequential scans in the same round trip
    as its query (search.py): outside a transaction the two run as one of their
    own, and the setting ends with it."""
    if connection.vendor != "postgresql":
        pytest.skip("SET LOCAL is PostgreSQL's")
    asked = "SELECT current_setting('enable_seqscan')"
    assert fetch_all(
        connection, asked, [], setting="SET LOCAL enable_seqscan = off"
    ) == [("off",)]
    assert fetch_all(connection, asked, []) == [("on",)]


def test_a_prepared_query_runs_with_its_setting_on_postgresql_alone(documents):
    """A query whose plan the server would choose badly is sent with a setting,
    in the same round trip and for that statement alone (PostgreSQL); SQLite,
    which has no such settings, runs it as it is."""
    from django.db.models.expressions import RawSQL

    first, _ = documents
    postgresql = connection.vendor == "postgresql"
    asked = "current_setting('enable_hashjoin')" if postgresql else "'on'"
    query = PreparedQuery(
        lambda: (
            Document.objects.filter(doc_id=Param("doc_id", CharField()))
            .annotate(hashing=RawSQL(asked, []))  # noqa: S611 -- our constant SQL
            .values_list("doc_id", "hashing")
        ),
        setting="SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off",
    )
    hashing = "off" if postgresql else "on"
    assert query.run(doc_id=first.doc_id) == [(first.doc_id, hashing)]
    assert query.count(doc_id=first.doc_id) == 1


# --- several lists asked together -----------------------------------------------------


def _by_title():
    return Document.objects.filter(title=Param("title", CharField())).order_by(
        "doc_id"
    )[:5]


def titled(title: str) -> Asked:
    return Asked(prepared(_by_title), {"title": title})


def test_lists_asked_together_run_only_those_that_give_rows(documents):
    """Which of several lists give any rows is asked in one statement; only the
    lists that do are then read: three lists, one with rows, cost two queries."""
    first, second = documents
    asked = [titled("Nothing"), titled(first.title), Asked(None, {}), titled("None")]
    with CaptureQueriesContext(connection) as queries:
        found = rows_of_each(asked)
    assert len(queries) == 2
    assert sql_of(queries[0]).startswith("SELECT EXISTS(")
    assert found == [[], asked[1].rows(), [], []]
    assert [document.pk for document in asked[1].objects(found[1])] == [first.pk]


def test_asking_which_lists_give_rows_reads_no_column_and_sorts_nothing(documents):
    """Whether a list gives rows needs none of its columns nor its order (with
    them, SQLite took twice as long over a digest's six lists); the constant it
    selects is written in the SQL, so PostgreSQL plans the statement once."""
    first, _ = documents
    asked = [titled("Nothing"), titled(first.title)]
    with CaptureQueriesContext(connection) as queries:
        rows_of_each(asked)
    probe = sql_of(queries[0])
    assert probe.count('EXISTS(SELECT 1 AS "a" FROM "docs_registry_document"') == 2
    assert '"docs_registry_document"."doc_id"' not in probe
    assert "ORDER BY" not in probe
    assert probe.count("LIMIT 1)") == 2


def test_a_list_asked_alone_is_read_without_asking_first(documents):
    first, _ = documents
    with CaptureQueriesContext(connection) as queries:
        assert rows_of_each([titled(first.title), Asked(None, {})])[1] == []
    assert len(queries) == 1
    assert not sql_of(queries[0]).startswith("SELECT EXISTS")


@pytest.mark.parametrize("page", ["/digest/", "/docs/{doc_id}/history/"])
def test_versions_are_joined_to_their_publishers_by_key_on_postgresql(
    client, document, sales_staff, page
):
    """The digest's and the history's versions are read with JOINED_BY_KEY on
    PostgreSQL: planned for any values, the statement hashed the whole staff to
    name each version's publisher (0.12 ms of the digest's 0.23 with 502 people)."""
    from docs_registry.prepared import JOINED_BY_KEY

    publish(document, body="Up to **12%**.", summary="Twelve")
    client.force_login(sales_staff)
    caching.empty()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(page.format(doc_id=document.doc_id))
    assert response.status_code == 200 and "Twelve" in response.content.decode()
    versions = [
        query["sql"]
        for query in queries.captured_queries
        if sql_of(query)
        .rpartition("; ")[2]
        .startswith('SELECT "docs_registry_version"')
        and 'JOIN "docs_registry_user"' in sql_of(query)  # with their publishers
    ]
    assert versions
    for sql in versions:
        assert sql.startswith(f"{JOINED_BY_KEY}; ") == (
            connection.vendor == "postgresql"
        )
