"""The digest handed to a real SMTP server (aiosmtpd on a loopback port): what
arrives, the one-click unsubscribe, each person's frequency, and failures
recorded, retried with backoff and never marked sent."""

from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from docs_registry import services
from docs_registry.models import DigestState
from integrations.models import EmailAttempt, EmailPreference
from integrations.services import digests_send, email_preference_save

from .factories import make_user, publish
from .smtp_server import SilentServer

pytestmark = pytest.mark.django_db

Frequency = EmailPreference.Frequency


def at(days: int, hour: int) -> datetime:
    """A moment `days` after today (UTC, the tests' time zone), at `hour`."""
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return today + timedelta(days=days, hours=hour)


@pytest.fixture
def document(document, owner):
    # The owner has read the v1 the manager created for them: only others get mail.
    services.acknowledgment_record(user=owner, document=document, number=1)
    return document


def received_by(server, address: str) -> list:
    return [message for message in server.received if message["To"] == address]


def test_the_digest_arrives_with_text_html_unsubscribe_date_and_id(
    smtp_server, document, sales_staff, time_machine
):
    services.acknowledgment_record(user=sales_staff, document=document, number=1)
    publish(document, body="Up to **15%** needs no approval.", summary="Raised.")
    sent_at = at(1, 9)
    time_machine.move_to(sent_at, tick=False)
    call_command("send_digests")

    (message,) = received_by(smtp_server, "sales@example.com")
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Raised." in text and "    Up to [-10%-][+15%+] needs no approval." in text
    assert '<p class="changed">Up to <del>10%</del><ins>15%</ins>' in html
    unsubscribe = message["List-Unsubscribe"].strip()  # folded: a long line
    assert unsubscribe.startswith("<https://kb.example.com/email/unsubscribe/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = unsubscribe.strip("<>")
    assert f"Stop these emails: {link}" in text and f'href="{link}"' in html
    assert parsedate_to_datetime(message["Date"]) == sent_at
    attempt = EmailAttempt.objects.get(user=sales_staff)
    assert attempt.accepted and message["Message-ID"] == attempt.message_id
    assert attempt.message_id.endswith("@kb.example.com>")


def test_one_click_unsubscribe_works_without_signing_in(
    smtp_server, document, sales_staff, time_machine
):
    time_machine.move_to(at(1, 9), tick=False)
    digests_send()
    (message,) = received_by(smtp_server, "sales@example.com")
    path = (
        message["List-Unsubscribe"].strip(" <>").removeprefix("https://kb.example.com")
    )
    browser = Client(enforce_csrf_checks=True)  # signed out, no CSRF cookie

    confirm = browser.get(path)
    assert confirm.status_code == 200
    assert b"Stop digest emails" in confirm.content
    assert not EmailPreference.objects.filter(frequency=Frequency.OFF).exists()

    # RFC 8058: the mail provider POSTs "List-Unsubscribe=One-Click", no token.
    done = browser.post(path, {"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200 and b"no more digest emails" in done.content
    assert EmailPreference.objects.get(user=sales_staff).frequency == Frequency.OFF

    altered = browser.post(path[:-3] + "xx/")
    assert altered.status_code == 404

    publish(document, body="v2", summary="Later")
    time_machine.move_to(at(2, 9), tick=False)
    digests_send()
    assert len(received_by(smtp_server, "sales@example.com")) == 1


def test_refusals_are_recorded_per_person_and_retried_with_backoff(
    smtp_server, document, sales_staff, support_staff, time_machine
):
    smtp_server.handler.refuse_recipient = {
        "sales@example.com": "451 4.2.0 Mailbox busy, try later",
        "support@example.com": "550 5.1.1 No such user",
    }
    start = at(1, 9)
    time_machine.move_to(start, tick=False)
    with pytest.raises(CommandError, match="2 digest"):
        call_command("send_digests")
    codes = dict(EmailAttempt.objects.values_list("user__username", "smtp_code"))
    assert codes == {"sales": 451, "support": 550}
    assert "Mailbox busy" in EmailAttempt.objects.get(user=sales_staff).error
    # Nothing is marked sent until the server accepts it.
    assert set(DigestState.objects.values_list("emailed_through", flat=True)) == {None}

    digests_send()  # at once: still waiting after the first failure
    assert EmailAttempt.objects.count() == 2
    time_machine.move_to(start + timedelta(minutes=6), tick=False)
    digests_send()  # 5 minutes after one failure: tried again, fails again
    assert EmailAttempt.objects.count() == 4
    time_machine.move_to(start + timedelta(minutes=12), tick=False)
    digests_send()  # 10 minutes after two failures: not yet
    assert EmailAttempt.objects.count() == 4

    smtp_server.handler.refuse_recipient = {}
    time_machine.move_to(start + timedelta(minutes=17), tick=False)
    digests_send()
    assert len(received_by(smtp_server, "sales@example.com")) == 1
    assert len(received_by(smtp_server, "support@example.com")) == 1
    assert EmailAttempt.objects.filter(accepted=True).count() == 2


def test_a_refused_sender_and_a_refused_message_are_reported(
    smtp_server, document, sales_staff, time_machine, capsys
):
    time_machine.move_to(at(1, 9), tick=False)
    smtp_server.handler.refuse_sender = "553 5.7.1 Sender address rejected"
    run = digests_send()
    assert [name for name, _ in run.failed] == ["sales"]
    attempt = EmailAttempt.objects.get()
    assert attempt.smtp_code == 553 and attempt.error.startswith("Sender refused")

    smtp_server.handler.refuse_sender = None
    smtp_server.handler.refuse_data = "554 5.6.0 Message rejected"
    time_machine.move_to(at(1, 10), tick=False)
    digests_send()
    assert EmailAttempt.objects.latest("pk").smtp_code == 554
    assert smtp_server.received == []


def test_a_server_that_never_answers_is_a_recorded_timeout(
    settings, document, sales_staff, support_staff, time_machine
):
    """Waited for once a run: the others are recorded as not tried."""
    silent = SilentServer()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", silent.port
    settings.EMAIL_TIMEOUT = 0.3
    time_machine.move_to(at(1, 9), tick=False)
    try:
        run = digests_send()
    finally:
        silent.close()
    assert [name for name, _ in run.failed] == ["sales", "support"]
    errors = list(EmailAttempt.objects.order_by("pk").values_list("error", flat=True))
    assert errors == [
        "The mail server did not answer in time.",
        "Not tried: The mail server did not answer in time.",
    ]
    assert set(DigestState.objects.values_list("emailed_through", flat=True)) == {None}


def test_server_stopped_mid_run_everyone_gets_exactly_one_email(
    smtp_server, document, time_machine
):
    readers = [make_user(f"reader{n}", in_sales=True) for n in range(6)]
    start = at(1, 9)
    time_machine.move_to(start, tick=False)

    def stop_after_the_first(line: str) -> None:
        if line.startswith("Sent") and smtp_server.controller is not None:
            smtp_server.stop()

    run = digests_send(report=stop_after_the_first)
    assert len(run.sent) == 1 and len(run.failed) == len(readers) - 1
    assert len(smtp_server.received) == 1
    assert EmailAttempt.objects.filter(accepted=False).count() == len(readers) - 1

    smtp_server.start()
    time_machine.move_to(start + timedelta(minutes=6), tick=False)
    digests_send()
    digests_send()
    addresses = sorted(message["To"] for message in smtp_server.received)
    assert addresses == sorted(reader.email for reader in readers)


def test_safe_every_five_minutes_each_frequency_on_its_own_day(
    settings, document, sales_staff, time_machine
):
    """Runs every 5 minutes around the digest hour over three days: daily once a
    day from that hour, weekly once on its day, major changes at once, off never."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SAMEPAGE_DIGEST_HOUR = 7
    from django.core import mail

    weekly = make_user("weekly", in_sales=True)
    major = make_user("major", in_sales=True)
    off = make_user("off", in_sales=True)
    monday = at(7 - at(0, 0).weekday(), 0)  # next Monday, midnight
    email_preference_save(user=weekly, frequency=Frequency.WEEKLY, weekday=2)
    email_preference_save(user=major, frequency=Frequency.MAJOR, weekday=0)
    email_preference_save(user=off, frequency=Frequency.OFF, weekday=0)

    def runs(first: datetime, hours: float) -> None:
        for step in range(int(hours * 12)):
            time_machine.move_to(first + timedelta(minutes=5 * step), tick=False)
            digests_send()

    def count(user) -> int:
        return sum(message.to == [user.email] for message in mail.outbox)

    runs(monday, 0.5)  # Monday 00:00-00:30: first digests for all but "off"
    assert [count(u) for u in (sales_staff, weekly, major, off)] == [1, 1, 1, 0]

    time_machine.move_to(monday + timedelta(hours=4), tick=False)
    publish(document, body="minor", summary="Typo", significance="minor")
    publish(document, body="major", summary="New rule")
    runs(monday + timedelta(hours=4), 0.5)  # before 07:00: only "major" hears
    assert [count(u) for u in (sales_staff, weekly, major, off)] == [1, 1, 2, 0]
    assert "Typo" not in mail.outbox[-1].body and "New rule" in mail.outbox[-1].body

    runs(monday + timedelta(hours=6, minutes=40), 0.5)  # 06:40-07:10: daily goes
    runs(monday + timedelta(days=1, hours=6, minutes=40), 0.5)  # Tuesday: nothing
    assert [count(u) for u in (sales_staff, weekly, major, off)] == [2, 1, 2, 0]
    runs(monday + timedelta(days=2, hours=6, minutes=40), 0.5)  # Wednesday: weekly
    assert [count(u) for u in (sales_staff, weekly, major, off)] == [2, 2, 2, 0]
