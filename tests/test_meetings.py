"""The monthly meeting's page: what the month held for both teams, its liaisons,
agenda and decisions, and what is refused."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from docs_registry import services as registry
from docs_registry.models import GlossaryTerm
from field.services import field_report_file, field_report_seen_again
from teamwork import services
from teamwork.models import Meeting, MeetingNote

from .factories import make_document, make_user, publish
from .html import main, parse
from .querycount import cold_and_warm, sql_of
from .teamwork_factories import make_goal

MONTH_URL = "/meetings/2026-11/"

pytestmark = pytest.mark.django_db

NOVEMBER = date(2026, 11, 1)
RULE = (
    "```handoff\ndirection: sales-to-support\nwhen: A customer signs\n"
    "do: Fill in the hand-off\nto: Support Lead\nwithin: 1 business day\n```\n"
)


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel("2026-12-02 10:00 +0000", tick=False):
        yield


@pytest.fixture
def support_lead(db):
    return make_user("support-lead", in_support=True)


@pytest.fixture
def liaisons(manager, owner, support_lead):
    return services.meeting_set_liaisons(
        actor=manager,
        month=NOVEMBER,
        sales_liaison=owner,
        support_liaison=support_lead,
    )


def in_november(day: int):
    return time_machine.travel(f"2026-11-{day:02d} 10:00 +0000", tick=False)


@pytest.fixture
def november(owner, manager, sales_staff, support_staff, support_lead):
    """A month with a major change, a minor one, a question, a goal and a rule."""
    with in_november(3):
        document = make_document(owner=owner, manager=manager, title="Discount rules")
        publish(document, body="Up to 15%.", summary="Raised the limit to 15%.")
        publish(document, body="Up to 15 %.", summary="Typo.", significance="minor")
        registry.acknowledgment_record(user=sales_staff, document=document, number=2)
        question = registry.question_ask(
            document=document,
            actor=support_staff,
            kind="question",
            text="Does it apply to renewals?",
            quote="",
        )
        goal = make_goal(manager=manager, owner=owner)
        services.reading_record(
            goal=goal, actor=owner, value=Decimal(4), taken_on=date(2026, 11, 3)
        )
        publish(document, body="Up to 15 %.\n\n" + RULE, summary="Hand-off rule.")
        field_report_file(
            actor=support_staff, kind="feature", text="Wants SSO", documents=[document]
        )
        heard_twice = field_report_file(
            actor=support_staff, kind="complaint", text="Export times out"
        )
        field_report_seen_again(report=heard_twice, actor=sales_staff)
    return document, question


def section(response, name: str):
    """The page's section titled by the heading with id `name`."""
    [found] = [
        element
        for element in parse(response).select("section")
        if element.attrs.get("aria-labelledby") == name
    ]
    return found


def test_the_pack_shows_what_the_month_held(client, november, support_staff):
    client.force_login(support_staff)
    response = client.get("/meetings/2026-11/")
    changes = section(response, "changes")
    assert changes.one("h3").text == "Pricing"
    assert "Raised the limit to 15%." in changes.text and "Typo." not in changes.text
    goals = section(response, "goals").text
    assert "Close new accounts" in goals and "4 accounts" in goals
    questions = section(response, "questions").text
    assert "1 asked, 0 answered, 1 of this month’s still open" in questions
    assert "Does it apply to renewals?" in questions
    handoffs = section(response, "handoffs")
    assert handoffs.one("strong").text == "Sales → Support"
    assert "A customer signs → Support Lead within 1 business day" in handoffs.text
    assert handoffs.one("a").attrs["href"] == "/docs/PRC-0001/v4/"
    field = section(response, "field-month")
    assert [item.text.split(" — ")[0] for item in field.select("li")] == [
        "Complaint: Export times out",
        "Feature request: Wants SSO",
    ]
    assert "heard 2 times" in field.text


def test_an_earlier_month_shows_none_of_it(client, november, support_staff):
    client.force_login(support_staff)
    response = client.get("/meetings/2026-10/")
    assert "No major change this month." in section(response, "changes").text
    assert "0 asked" in section(response, "questions").text
    assert "No field report this month." in section(response, "field-month").text


def test_coverage_names_who_has_not_acknowledged_by_team(client, november, manager):
    client.force_login(manager)
    sales, support = section(client.get("/meetings/2026-11/"), "coverage").select(
        "div", cls="team-column"
    )
    # The newest major change of the month is v4 (the rule), which its owner
    # published (and so read); the sales reader acknowledged v2 only, the
    # support reader nothing.
    assert "0 of 1 major change acknowledged by everyone" in sales.text
    assert "PRC-0001 v4: not yet Sales" in sales.text
    assert "Sales Lead" not in sales.one("ul").text
    assert "not yet Support, Support Lead" in support.text


def test_coverage_names_are_served_as_text(client, november, manager):
    """Names as people typed them: escaped once each in the list of who has
    not read a change, and joined with commas."""
    from docs_registry.models import User

    User.objects.filter(username="support").update(first_name='<b>Ann</b> & "Co"')
    client.force_login(manager)
    served = client.get("/meetings/2026-11/").content.decode()
    escaped = "&lt;b&gt;Ann&lt;/b&gt; &amp; &quot;Co&quot;"
    assert f"not yet {escaped}, Support Lead<" in served
    assert "<b>Ann</b>" not in served
    _, support = section(client.get("/meetings/2026-11/"), "coverage").select(
        "div", cls="team-column"
    )
    assert 'not yet <b>Ann</b> & "Co", Support Lead' in support.text


def test_a_future_or_malformed_month_is_not_found(client, support_staff):
    client.force_login(support_staff)
    for month in ("2027-01", "2026-13", "2026-1", "nov"):
        assert client.get(f"/meetings/{month}/").status_code == 404, month
    assert client.get("/meetings/2026-12/").status_code == 200


def test_meetings_leads_to_this_months_page(client, support_staff):
    client.force_login(support_staff)
    assert client.get("/meetings/")["Location"] == "/meetings/2026-12/"


def test_managers_name_the_liaisons_from_each_team(manager, owner, support_lead):
    with pytest.raises(PermissionDenied):
        services.meeting_set_liaisons(
            actor=owner, month=NOVEMBER, sales_liaison=owner, support_liaison=None
        )
    with pytest.raises(registry.ServiceError) as refused:
        services.meeting_set_liaisons(
            actor=manager,
            month=NOVEMBER,
            sales_liaison=support_lead,
            support_liaison=None,
        )
    assert refused.value.code == "liaison_not_in_team"
    assert not Meeting.objects.exists()


def test_a_liaison_adds_agenda_items_and_decisions_with_who_and_when(
    client, liaisons, owner, support_lead, support_staff
):
    client.force_login(support_lead)
    response = client.post(
        "/meetings/2026-11/",
        {"action": "note", "kind": "decision", "text": "Kick-off calls within 5 days."},
    )
    assert response.status_code == 302
    note = MeetingNote.objects.get()
    assert (note.written_by, note.kind) == (support_lead, "decision")
    client.force_login(support_staff)
    page = parse(client.get("/meetings/2026-11/")).one("main").text
    assert "Kick-off calls within 5 days. — Support Lead, 2 Dec 2026" in page
    assert "Sales — Sales Lead; Support — Support Lead." in page


def test_only_the_liaisons_write_on_the_page(client, liaisons, sales_staff, manager):
    for person in (sales_staff, manager):
        client.force_login(person)
        response = client.post(
            "/meetings/2026-11/", {"action": "note", "kind": "agenda", "text": "x"}
        )
        assert response.status_code == 403
    assert not MeetingNote.objects.exists()


def test_an_empty_note_is_refused_with_a_message(client, liaisons, owner):
    client.force_login(owner)
    response = client.post(
        "/meetings/2026-11/", {"action": "note", "kind": "agenda", "text": "  "}
    )
    assert response.status_code == 400
    assert parse(response).select("p", cls="error")
    assert not MeetingNote.objects.exists()


def test_a_manager_names_the_liaisons_on_the_page(client, manager, owner, support_lead):
    client.force_login(manager)
    response = client.post(
        "/meetings/2026-11/",
        {
            "action": "liaisons",
            "sales_liaison": owner.pk,
            "support_liaison": support_lead.pk,
        },
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert meeting.history.first().history_user == manager


def test_a_newly_named_liaison_gets_the_note_form_on_the_next_read(
    client, manager, owner, support_lead
):
    client.force_login(owner)
    assert 'name="action" value="note"' not in client.get(MONTH_URL).content.decode()
    client.force_login(manager)
    client.post(
        MONTH_URL,
        {
            "action": "liaisons",
            "sales_liaison": owner.pk,
            "support_liaison": support_lead.pk,
        },
    )
    client.force_login(owner)
    assert 'name="action" value="note"' in client.get(MONTH_URL).content.decode()


def test_the_printed_page_names_the_month_and_is_uncontrolled(client, support_staff):
    client.force_login(support_staff)
    header = parse(client.get("/meetings/2026-11/")).one("div", cls="print-header").text
    assert "November 2026" in header and "Uncontrolled when printed" in header


def test_the_pack_costs_the_same_whatever_the_month_held(
    client, november, liaisons, owner, manager, support_staff
):
    client.force_login(support_staff)
    small = cold_and_warm(client, "/meetings/2026-11/")
    assert small == (15, 3), small  # the meeting row is kept under the revision
    with in_november(20):
        for n in range(8):
            document = make_document(owner=owner, manager=manager, title=f"Doc {n}")
            publish(document, body=f"v2 {n}\n\n" + RULE.replace("signs", f"signs {n}"))
            registry.question_ask(
                document=document,
                actor=support_staff,
                kind="question",
                text="?",
                quote="",
            )
            field_report_file(actor=support_staff, kind="question", text=f"Asked {n}")
        registry.glossary_term_save(
            actor=manager,
            term=None,
            wording="Premium Support",
            definition="The add-on.",
            audience="both",
            avoid="Gold plan",
            owner=None,
            reason="New",
        )
        services.meeting_note_add(actor=owner, month=NOVEMBER, kind="agenda", text="A")
    assert GlossaryTerm.objects.exists()
    assert cold_and_warm(client, "/meetings/2026-11/") == small


def test_coverage_reads_only_the_names_and_teams_of_everyone(november):
    # Hundreds of people are listed: read as plain values, not as whole models.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from teamwork.meetings import meeting_pack

    with CaptureQueriesContext(connection) as queries:
        (sales, support) = meeting_pack(NOVEMBER).coverage
    assert sales.missing[0][1] == ["Sales"]  # acknowledged v2 of v4
    (people,) = [
        sql
        for sql in map(sql_of, queries.captured_queries)
        if 'FROM "docs_registry_user"' in sql and " OR " in sql
    ]
    assert '"first_name"' in people and '"in_support"' in people
    assert '"password"' not in people and '"email"' not in people


def test_coverage_reads_the_teams_without_a_converter_for_each_person(
    november, manager
):
    """Each of hundreds of rows went through Django's boolean converter for each
    team on SQLite; read as flags, they need none, and name the same people."""
    from teamwork.meetings import _PEOPLE, meeting_pack

    assert not _PEOPLE._compiled().converters
    (sales, support) = meeting_pack(NOVEMBER).coverage
    assert sales.missing[0][1] == ["Sales"]  # acknowledged v2 of v4


def test_a_month_without_a_major_change_reads_nobody(client, november, manager):
    """With no change to acknowledge, nobody is missing: the staff's hundreds of
    names are not read."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from teamwork.meetings import meeting_pack

    with CaptureQueriesContext(connection) as queries:
        (sales, support) = meeting_pack(date(2026, 10, 1)).coverage
    assert (sales.changes, support.changes, sales.missing) == (0, 0, [])
    people = [
        sql
        for sql in map(sql_of, queries.captured_queries)
        if 'FROM "docs_registry_user"' in sql
    ]
    assert people == []
    client.force_login(manager)
    with in_november(20):
        page = main(client.get("/meetings/2026-10/")).text
    assert "No major change for Sales this month." in page


def test_the_months_changes_are_joined_one_by_one_on_postgresql(november):
    """The month's major changes are joined to their documents by key: a plan made
    for any month would hash every document instead (10 ms for 10,000 against
    0.5 joined one by one, for a month of one major change)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from teamwork.meetings import meeting_pack

    with CaptureQueriesContext(connection) as queries:
        changes = meeting_pack(NOVEMBER).changes
    assert [version.number for _, versions in changes for version in versions] == [
        1,
        2,
        4,
    ]
    (major,) = [
        query["sql"]
        for query in queries.captured_queries
        if sql_of(query)
        .rpartition("; ")[2]
        .startswith('SELECT "docs_registry_version"')
    ]
    no_hashing = "SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off; "
    assert major.startswith(no_hashing) == (connection.vendor == "postgresql")


# Django's session and user, and the people a manager may name as liaisons (two
# lists); the meeting (its row, then with its liaisons and notes), the goals with
# their readings, the month's changes, questions, hand-off rules,
# acknowledgments, people, glossary changes and field reports are prepared.
MEETING_COMPILED = 4


def test_a_cold_meeting_page_compiles_only_what_is_not_prepared(
    client, november, manager
):
    from .test_prepared import compiled_querysets

    client.force_login(manager)
    assert compiled_querysets(client, MONTH_URL) == MEETING_COMPILED
