"""Reports from the field: filed by anyone in a few fields, heard again instead of
duplicated, listed for sales, and answered or closed by the documents' owners."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.db.models import F

from docs_registry.services.errors import ServiceError
from field import services
from field.models import FieldReport, Sighting

from .factories import make_document, make_user, publish
from .html import column, main
from .querycount import cold_and_warm

pytestmark = pytest.mark.django_db

NOON = datetime(2026, 12, 2, 12, tzinfo=UTC)


@pytest.fixture(autouse=True)
def fixed_day():
    with time_machine.travel(NOON, tick=False) as traveller:
        yield traveller


def file(actor, documents=(), **fields) -> FieldReport:
    values = {"kind": "complaint", "text": "Invoices arrive in USD only."} | fields
    return services.field_report_file(actor=actor, documents=documents, **values)


def test_filed_from_the_form_with_the_document_prefilled(
    client, document, support_staff
):
    client.force_login(support_staff)
    form = client.get("/field/new/?doc=PRC-0001").content.decode()
    assert 'value="PRC-0001"' in form
    response = client.post(
        "/field/new/",
        {
            "kind": "feature",
            "text": "Wants invoices in EUR.",
            "customer": "Acme",
            "area": "Billing",
            "documents": "prc-0001",
        },
    )
    report = FieldReport.objects.get()
    assert response["Location"] == f"/field/{report.pk}/"
    assert list(report.documents.all()) == [document]
    assert (report.kind, report.reporter) == ("feature", support_staff)
    page = main(client.get(response["Location"]))
    assert "Wants invoices in EUR." in page.text
    assert "Heard 1 time" in page.text


BAD_INPUT = [
    ({"text": ""}, "the text is empty"),
    ({"text": "   "}, "the text is empty"),
    ({"kind": "rumour"}, "Choose what kind of report this is"),
    ({"text": "x" * 1001}, "at most 1000 characters"),
    ({"documents": "PRC-9999"}, "No document has the ID PRC-9999"),
]


@pytest.mark.parametrize(("change", "message"), BAD_INPUT)
def test_bad_input_is_refused_clearly_and_nothing_is_written(
    client, document, support_staff, change, message
):
    client.force_login(support_staff)
    data = {"kind": "complaint", "text": "Slow exports.", "customer": "Acme Corp"}
    response = client.post("/field/new/", data | change)
    assert response.status_code == 400
    assert message in main(response).text
    assert "Acme Corp" in response.content.decode()  # what was typed stays
    assert not FieldReport.objects.exists()


@pytest.mark.parametrize(
    ("change", "code"),
    [({"kind": "rumour"}, "unknown_kind"), ({"text": ""}, "no_text")]
    + [({"text": "y" * 1001}, "text_too_long")],
)
def test_the_service_refuses_the_same(support_staff, change, code):
    with pytest.raises(ServiceError) as refused:
        file(support_staff, **change)
    assert refused.value.code == code
    assert not FieldReport.objects.exists()


def test_heard_again_counts_each_person_once(client, support_staff, sales_staff):
    report = file(support_staff)
    client.force_login(sales_staff)
    url = f"/field/{report.pk}/"
    assert "I heard this too" in client.get(url).content.decode()
    client.post(url + "seen/")
    client.post(url + "seen/")  # a second time counts nothing
    page = client.get(url).content.decode()
    assert "Heard 2 times" in page
    assert "I heard this too" not in page
    assert Sighting.objects.count() == 1
    with pytest.raises(ServiceError):
        services.field_report_seen_again(report=report, actor=support_staff)


def test_most_reported_first_and_the_filters(
    client, support_staff, sales_staff, fixed_day
):
    old = file(sales_staff, kind="question", text="Old question", area="SSO")
    fixed_day.move_to(NOON + timedelta(days=20))
    file(support_staff, text="Newest complaint", area="Billing")
    for n in range(2):
        services.field_report_seen_again(
            report=old, actor=make_user(f"heard-{n}", in_support=True)
        )
    client.force_login(support_staff)

    def texts(query: str) -> list[str]:
        return column(client.get("/field/" + query), "field-reports", 1)

    assert texts("") == ["Newest complaint Billing", "Old question SSO"]
    assert texts("?sort=most") == ["Old question SSO", "Newest complaint Billing"]
    assert texts("?kind=question") == ["Old question SSO"]
    assert texts("?area=billing") == ["Newest complaint Billing"]
    assert texts("?team=sales") == ["Old question SSO"]
    assert texts("?period=week") == ["Newest complaint Billing"]
    assert texts("?kind=rumour") == texts("")  # an unknown filter is ignored


def test_the_owner_sees_it_on_mine_and_answers_it_with_a_version(
    client, document, support_staff, sales_staff, owner, manager
):
    other = make_document(owner=make_user("owner-2"), manager=manager, title="Other")
    report = file(support_staff, documents=[document])
    file(support_staff, documents=[other], text="Not about theirs")
    publish(document, body="Invoices may be in EUR.", summary="EUR invoices")
    client.force_login(sales_staff)  # not an owner of PRC-0001
    url = f"/field/{report.pk}/"
    assert (
        client.post(url + "answer/", {"document": "PRC-0001", "number": 2}).status_code
        == 403
    )
    with pytest.raises(PermissionDenied):
        services.field_report_close(report=report, actor=sales_staff, reason="x")

    client.force_login(owner)
    mine = main(client.get("/mine/")).one("section", id="field-reports")
    assert "Invoices arrive in USD only." in mine.text
    assert "Not about theirs" not in mine.text
    refused = client.post(url + "answer/", {"document": "PRC-0001", "number": 9})
    assert refused.status_code == 400
    assert "PRC-0001 has no version 9" in main(refused).text
    client.post(url + "answer/", {"document": "PRC-0001", "number": 2})
    report.refresh_from_db()
    assert report.answered_in == "PRC-0001 v2"
    assert "Answered in PRC-0001 v2" in main(client.get(url)).text
    assert "Invoices arrive" not in main(client.get("/mine/")).text
    (step,) = report.history.filter(status="answered")
    assert (step.history_user, step.history_change_reason) == (
        owner,
        "Answered in PRC-0001 v2",
    )


def test_the_owner_closes_it_with_a_reason(client, document, support_staff, owner):
    report = file(support_staff, documents=[document])
    client.force_login(owner)
    url = f"/field/{report.pk}/"
    assert client.post(url + "close/", {"reason": ""}).status_code == 400
    client.post(url + "close/", {"reason": "Works as intended."})
    report.refresh_from_db()
    assert (report.status, report.close_reason) == ("closed", "Works as intended.")
    assert "Closed: Works as intended." in main(client.get(url)).text


def make_reports(reporter, documents, count: int) -> FieldReport:
    for n in range(count):
        report = file(reporter, documents=documents, text=f"Report {n}", area="A")
        services.field_report_seen_again(
            report=report, actor=make_user(f"r{count}-{n}", in_sales=True)
        )
    return report


PAGES = {
    # The session, the user, the revision (with the header's waiting count); the
    # reports, their count and their documents.
    "/field/": (6, 3),
    "/field/?sort=most&kind=complaint&period=month&team=support": (6, 3),
    # ...; the report, its documents and its sightings (the reader filed it: no
    # need to ask whether they heard it already).
    "/field/{pk}/": (6, 3),
}


@pytest.mark.parametrize("url", PAGES)
def test_report_pages_cost_the_same_with_3_or_30_reports(
    client, document, support_staff, url
):
    client.force_login(support_staff)
    report = make_reports(support_staff, [document], 3)
    few = cold_and_warm(client, url.format(pk=report.pk))
    assert few == PAGES[url], f"{url}: (cold, warm) = {few}"
    report = make_reports(support_staff, [document], 27)
    assert cold_and_warm(client, url.format(pk=report.pk)) == few


@pytest.mark.parametrize("url", [url for url in PAGES if "{pk}" not in url])
def test_a_cold_reports_page_compiles_only_djangos_reads(
    client, document, support_staff, url
):
    """The reports found, their count and the documents they name are prepared
    (once for each combination of filters): a page worked out afresh compiles
    only Django's session and user."""
    from .test_prepared import compiled_querysets

    client.force_login(support_staff)
    make_reports(support_staff, [document], 3)
    assert compiled_querysets(client, url) == 2


def test_mine_costs_the_same_with_3_or_30_reports(client, document, support_staff):
    client.force_login(document.owner)
    make_reports(support_staff, [document], 3)
    few = cold_and_warm(client, "/mine/")
    # The dashboard is not kept; its reports and their documents add two.
    assert few == (11, 11)
    make_reports(support_staff, [document], 27)
    assert cold_and_warm(client, "/mine/") == few


def test_sales_reads_the_weeks_reports_in_its_digest(
    client, support_staff, sales_staff, fixed_day
):
    file(support_staff, text="Eight days ago")
    fixed_day.move_to(NOON + timedelta(days=8))
    file(support_staff, text="Heard this week")
    client.force_login(sales_staff)
    week = main(client.get("/digest/")).one("section", id="field-week")
    assert "Heard this week" in week.text
    assert "Eight days ago" not in week.text
    client.force_login(support_staff)
    assert 'id="field-week"' not in client.get("/digest/").content.decode()


def test_the_weeks_reports_in_the_digest_show_what_was_typed_as_text(
    client, document, support_staff, sales_staff
):
    file(
        support_staff,
        documents=[document],
        text='<script>alert("heard")</script> & more',
        customer="<b>Acme</b>",
    )
    client.force_login(sales_staff)
    served = client.get("/digest/").content.decode()
    week = served[served.index('id="field-week"') :]
    assert "&lt;script&gt;alert(&quot;heard&quot;)&lt;/script&gt; &amp; more" in week
    assert "&lt;b&gt;Acme&lt;/b&gt;" in week
    assert "<script>alert" not in served and "<b>Acme" not in served
    item = main(client.get("/digest/")).one("section", id="field-week").one("li")
    assert " ".join(item.text.split()) == (
        f'Complaint: <script>alert("heard")</script> & more · heard 1 time'
        f" · <b>Acme</b> · {document.doc_id}"
    )


def test_the_weeks_reports_in_the_digest_are_the_most_heard_with_their_documents(
    client, document, support_staff, sales_staff, manager
):
    other = make_document(owner=document.owner, manager=manager, title="VPN set-up")
    loud = file(support_staff, documents=[document, other], text="Heard three times")
    file(support_staff, documents=[other], text="Heard once")  # the newer one
    for n in range(2):
        services.field_report_seen_again(
            report=loud, actor=make_user(f"heard-{n}", in_sales=True)
        )
    client.force_login(sales_staff)
    items = main(client.get("/digest/")).one("section", id="field-week").select("li")
    assert [item.text.split("·")[0].strip() for item in items] == [
        "Complaint: Heard three times",
        "Complaint: Heard once",
    ]
    assert "heard 3 times" in items[0].text
    assert f"{document.doc_id} {other.doc_id}" in " ".join(items[0].text.split())
    assert "heard 1 time" in items[1].text
    # The reports and the documents they name are prepared, as the rest.
    from .test_prepared import DIGEST_COMPILED, compiled_querysets

    assert compiled_querysets(client, "/digest/") == DIGEST_COMPILED


def test_the_weeks_ten_most_heard_are_chosen_then_joined_to_their_documents(
    client, document, support_staff, sales_staff
):
    """Twelve reports this week, heard 1 to 12 times, and an older one heard
    most: the digest lists the week's ten most heard, the most first. The ten
    are chosen from the reports alone (the index of when each was filed holds
    how many heard it: FieldReport.Meta); only they are joined to their
    reporters, not the whole week's."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from .querycount import sql_of

    with time_machine.travel(datetime.now(UTC) - timedelta(days=8), tick=False):
        older = file(support_staff, text="Heard long ago")
    for heard in range(1, 13):
        report = file(support_staff, text=f"Heard {heard} times")
        FieldReport.objects.filter(pk=report.pk).update(heard=heard)
    FieldReport.objects.filter(pk=older.pk).update(heard=99)
    client.force_login(sales_staff)
    reported = [FieldReport.objects.get(text="Heard 12 times")]
    reported[0].documents.set([document])
    with CaptureQueriesContext(connection) as queries:
        week = main(client.get("/digest/")).one("section", id="field-week")
    listed = [item.text.split("·")[0].strip() for item in week.select("li")]
    assert listed == [f"Complaint: Heard {heard} times" for heard in range(12, 2, -1)]
    (chosen,) = [
        sql
        for sql in map(sql_of, queries)
        if sql.startswith('SELECT "field_fieldreport"."id"')
    ]
    joined, _, rest = chosen.partition(" IN (SELECT ")
    top, _, after = rest.partition(" LIMIT 10)")
    assert '"docs_registry_document"' in joined and "LIMIT" not in joined + after
    # Read as values, only the six columns an item shows (a model of each
    # report read sixteen).
    columns = joined.partition(" FROM ")[0]
    assert columns.count(", ") == 5, columns
    assert 'FROM "field_fieldreport" U0 ' in top and "docs_registry" not in top
    assert not [
        sql for sql in map(sql_of, queries) if "fieldreport_documents" in sql[:80]
    ]
    assert document.doc_id in week.select("li")[0].text
    with connection.cursor() as cursor:
        indexes = connection.introspection.get_constraints(cursor, "field_fieldreport")
    assert ["reported_at", "heard", "id"] in [
        index["columns"] for index in indexes.values() if index["index"]
    ]


def test_the_digests_cost_is_the_same_with_3_or_12_reports_this_week(
    client, document, support_staff, sales_staff
):
    client.force_login(sales_staff)
    make_reports(support_staff, [document], 3)
    few = cold_and_warm(client, "/digest/")
    make_reports(support_staff, [document], 9)
    assert cold_and_warm(client, "/digest/") == few


def test_the_sales_digest_email_carries_the_weeks_reports(
    document, support_staff, sales_staff, owner
):
    from docs_registry.services.digests import digest_email, new_changes

    file(support_staff, text="Export times out over VPN")
    publish(document, body="Up to **12%**.", summary="Twelve")
    to_sales = digest_email(sales_staff, new_changes(sales_staff, None))
    for text in (to_sales.body, to_sales.alternatives[0][0]):
        assert "This week from the field" in text
        assert "Export times out over VPN" in text
    to_support = digest_email(support_staff, new_changes(support_staff, None))
    assert "This week from the field" not in to_support.body


# The reports page's rows as the template loop wrote them before `report_rows`.
_LOOP = (
    "{% load quick %}{% for report in page %}<tr>"
    '<td data-label="Kind">{{ report.get_kind_display }}</td>'
    '<td data-label="What was heard">'
    "<a href=\"{% address 'field:report' report.pk %}\">"
    "{{ report.text|clip:160 }}</a>{% if report.customer or report.area %}<br>"
    '<span class="meta-line">{{ report.customer }}{% if report.customer and '
    "report.area %} &middot; {% endif %}{{ report.area }}</span>{% endif %}</td>"
    '<td data-label="Documents">{% for document in report.documents.all %}'
    "<a href=\"{% address 'docs_registry:document' document.doc_id %}\">"
    "{{ document.doc_id }}</a>{% if not forloop.last %}, {% endif %}{% empty %}&mdash;"
    "{% endfor %}</td>"
    '<td data-label="Heard">{{ report.seen }} time{{ report.seen|pluralize }}</td>'
    '<td data-label="Reported"><time datetime="{{ report.reported_at|moment }}">'
    "{{ report.reported_at|day }}</time> by {{ report.reporter.display_name }}</td>"
    '<td data-label="Status">{% if report.status == "answered" %}Answered in '
    "{{ report.answered_in }}{% else %}{{ report.get_status_display }}{% endif %}"
    "</td></tr>{% endfor %}"
)


def _between_tags(html: str) -> str:
    return re.sub(r">\s+<", "><", html.strip())


def test_the_report_rows_are_what_the_template_loop_wrote(
    document, support_staff, owner, manager
):
    from django.template import Context, Template

    from field.selectors import field_report_list
    from field.templatetags.field_tags import report_rows

    other = make_document(owner=owner, manager=manager, title="Other")
    publish(document, body="Invoices may be in EUR.", summary="EUR invoices")
    writer = make_user("o-brien", first_name='O\'Brien <"QA">', in_support=True)
    file(writer, text="<b>bold</b> & " + "é" * 200, customer="ACME <Ltd>")
    file(support_staff, kind="question", area="SSO & SAML", documents=[document])
    both = file(support_staff, customer="Initech", area="Billing")
    answered = file(support_staff, documents=[document, other], text="Short")
    services.field_report_answer(
        report=answered, actor=owner, document=document, number=2
    )
    closed = file(support_staff, kind="feature", text="x" * 160)
    services.field_report_close(report=closed, actor=manager, reason="No.")
    services.field_report_seen_again(report=both, actor=make_user("s", in_sales=True))

    listed = field_report_list(today=NOON.date())[0:50]
    assert len(listed) == 5
    # The same reports as model instances, each with its documents.
    reports = (
        FieldReport.objects.annotate(seen=F("heard"))
        .prefetch_related("documents")
        .order_by("-reported_at", "-pk")
    )
    loop = Template(_LOOP).render(Context({"page": reports}))
    rows = report_rows(listed)
    assert _between_tags(rows) == _between_tags(loop)
    assert "Answered in PRC-0001 v2" in rows and "2 times" in rows


@pytest.mark.django_db(transaction=True)
def test_the_migration_counts_who_heard_each_report_from_its_sightings():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before, after = (
        [("field", "0002_exceptions_newest_decided")],
        [("field", "0003_field_reports_heard")],
    )
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    reporter = old.get_model("docs_registry", "User").objects.create(username="rep")
    others = [
        old.get_model("docs_registry", "User").objects.create(username=f"heard-{n}")
        for n in range(2)
    ]
    report_model = old.get_model("field", "FieldReport")
    loud, quiet = (
        report_model.objects.create(
            kind="complaint", text=text, reporter=reporter, reported_at=NOON
        )
        for text in ("Heard three times", "Heard once")
    )
    for person in others:
        old.get_model("field", "Sighting").objects.create(
            report=loud, seen_by=person, seen_at=NOON
        )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)
    heard = dict(FieldReport.objects.values_list("text", "heard"))
    assert heard == {"Heard three times": 3, "Heard once": 1}
    if connection.vendor == "sqlite":  # the table made anew has its statistics
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM sqlite_stat1 WHERE tbl = 'field_fieldreport'")
            assert cursor.fetchall()
