from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from docs_registry import services
from docs_registry.models import DigestState
from integrations.services import digests_send

from .factories import make_user, publish

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def locmem(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SAMEPAGE_BASE_URL = "https://kb.example.com"


@pytest.fixture
def document(document, owner):
    # The owner has read the v1 the manager created for them: only others get mail.
    services.acknowledgment_record(user=owner, document=document, number=1)
    return document


def run(*args):
    call_command("send_digests", *args)


def test_each_person_gets_one_email_with_their_changes(
    document, sales_staff, support_staff, owner, manager
):
    publish(document, body="v2", summary="Raised the limit to 15%.")
    run()
    recipients = sorted(message.to[0] for message in mail.outbox)
    # The owner read what they published; the manager is on no team.
    assert recipients == ["sales@example.com", "support@example.com"]
    message = next(m for m in mail.outbox if m.to == ["sales@example.com"])
    assert "Raised the limit to 15%." in message.body
    assert "https://kb.example.com/docs/PRC-0001/" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and "Raised the limit to 15%." in html
    # The unit of the badge and the digest page: documents, then versions.
    assert message.subject == "Samepage: 1 document changed (2 versions)"
    assert "1 document changed (2 versions) for your team" in message.body


def test_second_run_sends_nothing_until_something_new(
    document, sales_staff, time_machine
):
    tomorrow = datetime.now(UTC).replace(hour=9, minute=0) + timedelta(days=1)
    time_machine.move_to(tomorrow, tick=False)
    run()
    assert len(mail.outbox) == 1
    run()
    assert len(mail.outbox) == 1
    publish(document, body="v3", summary="Third")
    run()
    assert len(mail.outbox) == 1  # daily, the default: once a day at most
    time_machine.move_to(tomorrow + timedelta(days=1), tick=False)
    run()
    assert len(mail.outbox) == 2
    assert "Third" in mail.outbox[1].body
    compare = "https://kb.example.com/docs/PRC-0001/compare/?from=1&to=2"
    assert compare in mail.outbox[1].body
    assert "Created" not in mail.outbox[1].body  # only what is new since the last


def test_acknowledged_changes_are_not_emailed(document, sales_staff):
    services.acknowledgment_record(user=sales_staff, document=document, number=1)
    run()
    assert mail.outbox == []


def test_people_without_email_or_inactive_get_nothing(document):
    make_user("noemail", in_sales=True, email="")
    make_user("left", in_sales=True, is_active=False)
    run()
    assert mail.outbox == []


def test_a_failure_does_not_stop_the_others_and_is_retried(
    document, sales_staff, support_staff, monkeypatch, capsys, time_machine
):
    from django.core.mail import EmailMultiAlternatives

    original = EmailMultiAlternatives.send

    def flaky(self, *args, **kwargs):
        if self.to == ["sales@example.com"]:
            raise OSError("mail server said no")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(EmailMultiAlternatives, "send", flaky)
    with pytest.raises(CommandError, match="1 digest"):
        run()
    assert [m.to for m in mail.outbox] == [["support@example.com"]]
    assert "FAILED sales" in capsys.readouterr().out
    assert DigestState.objects.get(user=sales_staff).emailed_through is None

    monkeypatch.setattr(EmailMultiAlternatives, "send", original)
    # Past the first wait after a failure.
    time_machine.move_to(datetime.now(UTC) + timedelta(minutes=6))
    run()
    assert [m.to for m in mail.outbox] == [
        ["support@example.com"],
        ["sales@example.com"],
    ]


def test_dry_run_prints_and_sends_nothing(document, sales_staff, capsys):
    before = list(DigestState.objects.order_by("pk").values())
    run("--dry-run")
    out = capsys.readouterr().out
    assert "Would send to sales@example.com" in out and "PRC-0001" in out
    assert mail.outbox == []
    assert list(DigestState.objects.order_by("pk").values()) == before
    run()
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_the_same_moment_send_each_email_once(owner, manager, category):
    from threading import Barrier, Thread

    from django.db import connection, connections

    from .factories import make_document

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (row locks); CI runs it there")
    for n in range(30):
        make_user(f"reader{n}", in_sales=True)
    for _ in range(3):
        make_document(owner=owner, manager=manager, category=category)
    start = Barrier(2)

    def one_server():
        start.wait()
        try:
            digests_send()
        finally:
            connections.close_all()

    servers = [Thread(target=one_server) for _ in range(2)]
    for server in servers:
        server.start()
    for server in servers:
        server.join()
    recipients = [message.to[0] for message in mail.outbox]
    assert len(recipients) == 31  # 30 readers and the owner
    assert len(set(recipients)) == len(recipients)


def test_the_email_shows_the_change_itself(document, sales_staff, owner):
    services.acknowledgment_record(user=sales_staff, document=document, number=1)
    publish(document, body="Up to **15%** needs no approval.", summary="Raised.")
    run()
    message = next(m for m in mail.outbox if m.to == ["sales@example.com"])
    html, _ = message.alternatives[0]
    assert '<p class="changed">Up to <del>10%</del><ins>15%</ins>' in html
    assert f", {owner.display_name}): Raised.</li>" in html
    assert "1 word added, 1 removed" in message.body
    assert "    Up to [-10%-][+15%+] needs no approval." in message.body
    assert "**" not in message.body


def test_a_busy_week_lists_the_newest_ten_versions_of_a_document_and_counts_the_rest(
    document, sales_staff
):
    services.acknowledgment_record(user=sales_staff, document=document, number=1)
    for n in range(2, 15):
        publish(
            document, body=f"Limit {n}%.", summary=f"Limit {n}.", significance="minor"
        )
    run()
    message = next(m for m in mail.outbox if m.to == ["sales@example.com"])
    listed = [n for n in range(2, 15) if f"Limit {n}." in message.body]
    assert listed == list(range(5, 15))
    history = "https://kb.example.com/docs/PRC-0001/history/"
    assert f"  and 3 earlier versions: {history}" in message.body
    html, _ = message.alternatives[0]
    assert f'and 3 earlier versions: <a href="{history}">see the history</a>' in html
    # Counted and compared in full: the subject and the change span all 13.
    assert message.subject == "Samepage: 1 document changed (13 versions)"
    assert (
        "What changed: https://kb.example.com/docs/PRC-0001/compare/?from=1&to=14"
        in (message.body)
    )
