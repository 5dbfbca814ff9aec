import csv
import io

import pytest

from docs_registry import services
from docs_registry.selectors.coverage import coverage_report, document_coverage

from .factories import make_category, make_document, make_user, publish
from .html import column

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(owner, sales_staff, support_staff):
    """Sales: sales-lead, sales, sam. Support: support, sue. Plus an inactive one."""
    return {
        "sam": make_user("sam", in_sales=True),
        "sue": make_user("sue", in_support=True),
        "gone": make_user("gone", in_sales=True, is_active=False),
    }


def ack(user, document, number=None):
    document.refresh_from_db()
    services.acknowledgment_record(
        user=user, document=document, number=number or document.current_version.number
    )


def test_coverage_counts_the_audience_of_the_latest_major_version(
    document, team, sales_staff, support_staff, owner
):
    publish(document, body="v2")  # owner acknowledges by publishing
    ack(sales_staff, document)
    ack(support_staff, document, 1)  # an older version does not count
    coverage, missing = document_coverage(document)
    assert (
        coverage.required_number,
        coverage.audience_size,
        coverage.acknowledged,
    ) == (
        2,
        5,
        2,
    )
    assert coverage.percent == 40
    assert [p.username for p in missing] == ["sam", "sue", "support"]


def test_a_minor_version_needs_no_new_acknowledgment(document, team, sales_staff):
    ack(sales_staff, document)
    publish(document, body="typo fixed", significance="minor")
    coverage, missing = document_coverage(document)
    assert coverage.required_number == 1
    assert sales_staff not in missing


def test_report_is_lowest_first_and_filters(owner, manager, team, sales_staff):
    pricing = make_category(name="Pricing", prefix="PRC")
    policy = make_category(name="Policy", prefix="POL")
    read = make_document(
        owner=owner, manager=manager, category=pricing, audience="sales"
    )
    unread = make_document(
        owner=owner, manager=manager, category=policy, audience="sales"
    )
    support = make_document(
        owner=owner, manager=manager, category=policy, audience="support"
    )
    for user in (owner, sales_staff, team["sam"]):
        ack(user, read)
    report = coverage_report()
    assert [row.document for row in report] == [unread, support, read]
    assert [row.percent for row in report] == [0, 0, 100]
    assert [row.document for row in coverage_report(team="support")] == [support]
    assert [row.document for row in coverage_report(category_id=pricing.pk)] == [read]


def test_team_filter_counts_that_team_only(document, team, sales_staff, support_staff):
    ack(support_staff, document)
    [sales_row] = coverage_report(team="sales")
    [support_row] = coverage_report(team="support")
    assert (sales_row.acknowledged, sales_row.audience_size) == (0, 3)
    assert (support_row.acknowledged, support_row.audience_size) == (1, 2)


def test_coverage_page_and_csv(client, document, manager, sales_staff):
    ack(sales_staff, document)
    client.force_login(manager)
    html = client.get("/coverage/").content.decode()
    assert "PRC-0001" in html and "1 of 2" in html  # sales-lead and sales
    response = client.get("/coverage/?team=sales&format=csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][0] == "document"
    assert rows[1][:2] == ["PRC-0001", "Discount approval rules"]
    assert rows[1][5:] == ["1", "2", "50"]


def test_the_coverage_page_is_kept_until_someone_acknowledges(
    client, document, manager, sales_staff, team
):
    """Worked out once after each write, read again from what was kept; the next
    acknowledgment shows on the very next read."""
    from .querycount import cold_and_warm

    client.force_login(manager)
    # Warm: the session, the user, the revision and the filter's categories;
    # cold, also the audiences' sizes, every document's kept counts and the
    # page's documents.
    assert cold_and_warm(client, "/coverage/") == (7, 4)
    assert column(client.get("/coverage/"), "coverage", 5) == ["0 of 5"]
    ack(sales_staff, document)
    assert column(client.get("/coverage/"), "coverage", 5) == ["1 of 5"]
    assert column(client.get("/coverage/?team=support"), "coverage", 5) == ["0 of 2"]


def test_coverage_bad_filter_gets_a_message(client, manager):
    client.force_login(manager)
    response = client.get("/coverage/?team=marketing")
    assert response.status_code == 400
    assert "Unknown team" in response.content.decode()


def test_owner_sees_who_has_not_read_their_document(client, document, owner, team):
    client.force_login(owner)
    html = client.get("/docs/PRC-0001/").content.decode()
    assert "Who has read v1" in html and "Sam" in html


def test_staff_do_not_see_coverage(client, document, sales_staff):
    client.force_login(sales_staff)
    assert "Who has read" not in client.get("/docs/PRC-0001/").content.decode()
    assert client.get("/coverage/").status_code == 403


def test_person_view_lists_what_they_have_not_acknowledged(
    client, owner, manager, category, sales_staff
):
    read = make_document(owner=owner, manager=manager, category=category)
    make_document(owner=owner, manager=manager, category=category, title="Unread")
    make_document(owner=owner, manager=manager, category=category, audience="support")
    ack(sales_staff, read)
    client.force_login(manager)
    response = client.get("/coverage/people/sales/")
    assert column(response, "documents") == ["PRC-0002"]
    assert client.get("/coverage/people/nobody/").status_code == 404
