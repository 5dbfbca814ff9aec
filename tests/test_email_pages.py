"""The digest email's pages: each person's setting on the profile, and the
managers' page of who gets none and whose deliveries fail."""

from datetime import timedelta

import pytest
from django.utils import timezone

from integrations.models import EmailAttempt, EmailPreference

from .factories import make_user
from .html import column, main
from .querycount import cold_and_warm

pytestmark = pytest.mark.django_db

PAGE = "/people/email/"
# (cold, warm): session, user, the header's revision, the three lists. Not
# kept: cold and warm are the same.
COUNTS = (6, 6)


def fail(user, *, minutes_ago: int, error="451 Mailbox busy", accepted=False):
    return EmailAttempt.objects.create(
        user=user,
        attempted_at=timezone.now() - timedelta(minutes=minutes_ago),
        accepted=accepted,
        changes=1,
        smtp_code=None if accepted else 451,
        error="" if accepted else error,
    )


def test_a_person_chooses_weekly_on_thursday_on_their_profile(client, sales_staff):
    client.force_login(sales_staff)
    form = main(client.get("/profile/")).one("section", id="email")
    assert "sales@example.com" in form.text
    response = client.post(
        "/profile/email/", {"frequency": "weekly", "weekday": "3"}, follow=True
    )
    assert "Your digest email setting is saved." in response.content.decode()
    preference = EmailPreference.objects.get(user=sales_staff)
    assert (preference.frequency, preference.weekday) == ("weekly", 3)
    assert preference.history.count() == 1
    checked = [
        element.attrs.get("value")
        for element in main(client.get("/profile/")).select("input")
        if "checked" in element.attrs
    ]
    assert checked == ["weekly"]


def test_a_tampered_choice_is_refused_and_nothing_changes(client, sales_staff):
    client.force_login(sales_staff)
    response = client.post(
        "/profile/email/", {"frequency": "hourly", "weekday": "9"}, follow=True
    )
    assert "Choose how often the digest email comes." in response.content.decode()
    assert not EmailPreference.objects.exists()


def test_managers_see_who_gets_no_email_and_whose_delivery_fails(
    client, manager, sales_staff, support_staff
):
    EmailPreference.objects.create(user=support_staff, frequency="off")
    make_user("nomail", in_sales=True, email="", first_name="Nomail")
    fail(sales_staff, minutes_ago=30, accepted=True)
    fail(sales_staff, minutes_ago=20)
    fail(sales_staff, minutes_ago=10, error="451 4.2.0 Mailbox busy")
    client.force_login(manager)
    response = client.get(PAGE)
    assert response.status_code == 200
    assert column(response, "documents", 0)[:1] == ["Sales"]
    failing = main(response).one("section", id="failing")
    assert "451 4.2.0 Mailbox busy" in failing.text
    assert column(response, "documents", 2) == ["2"]  # failures since accepted
    off = main(response).one("section", id="off").text
    assert "Support" in off and "Turned off" in off
    assert "Nomail" in off and "No email address" in off


def test_a_delivered_digest_leaves_the_failing_list(client, manager, sales_staff):
    fail(sales_staff, minutes_ago=20)
    fail(sales_staff, minutes_ago=10, accepted=True)
    client.force_login(manager)
    failing = main(client.get(PAGE)).one("section", id="failing")
    assert "Every latest digest was accepted" in failing.text


def test_staff_cannot_see_the_deliveries(client, sales_staff):
    client.force_login(sales_staff)
    assert client.get(PAGE).status_code == 403


def test_the_page_costs_the_same_with_3_or_30_people(client, manager):
    client.force_login(manager)

    def add(start: int, end: int) -> None:
        for n in range(start, end):
            person = make_user(f"p{n}", in_sales=True)
            EmailPreference.objects.create(user=person, frequency="off")
            fail(person, minutes_ago=5)

    add(0, 3)
    few = cold_and_warm(client, PAGE)
    add(3, 30)
    assert few == COUNTS
    assert cold_and_warm(client, PAGE) == COUNTS
