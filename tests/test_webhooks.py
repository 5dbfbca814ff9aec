"""Outgoing webhooks against a real HTTP receiver on a loopback port: events
queued in the transaction of each change, delivered after it commits, signed,
retried with backoff, given up after the limit and sent again on request."""

import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.db import transaction

from docs_registry import services
from docs_registry.models import Audience
from integrations.models import EventKind, Webhook, WebhookDelivery, WebhookEvent
from integrations.services import webhook_create, webhooks_deliver

from .factories import make_category, make_document, publish

pytestmark = pytest.mark.django_db

ALL_EVENTS = [kind.value for kind in EventKind]


def make_webhook(manager, url: str, *, format="generic", **choices):
    choices.setdefault("events", ALL_EVENTS)
    choices.setdefault("in_sales", True)
    choices.setdefault("in_support", True)
    return webhook_create(
        actor=manager, name=f"{format} hook", url=url, format=format, **choices
    )


def verify(request, secret: str) -> dict:
    """What a receiver does: recompute the signature over timestamp and body."""
    timestamp = request.headers["X-Samepage-Timestamp"]
    expected = hmac.new(
        secret.encode(), timestamp.encode() + b"." + request.body, hashlib.sha256
    ).hexdigest()
    assert hmac.compare_digest(
        request.headers["X-Samepage-Signature"], f"v1={expected}"
    )
    return json.loads(request.body)


def test_a_major_change_is_delivered_signed_with_an_idempotency_key(
    http_receiver, document, manager
):
    webhook, secret = make_webhook(manager, http_receiver.url)
    publish(document, body="Up to 15%.", summary="Raised the limit.")
    publish(document, body="Up to 15 %.", summary="Typo", significance="minor")
    call_command("deliver_webhooks")

    (request,) = http_receiver.received
    body = verify(request, secret)
    assert body["type"] == "major_change"
    assert body["data"]["doc_id"] == "PRC-0001" and body["data"]["version"] == 2
    assert body["data"]["url"] == "https://kb.example.com/docs/PRC-0001/v2/"
    assert request.headers["Idempotency-Key"] == body["id"]
    event = WebhookEvent.objects.get()
    assert event.status == "delivered" and str(event.idempotency_key) == body["id"]
    webhooks_deliver()
    assert len(http_receiver.received) == 1  # delivered once, not again


def test_a_forged_signature_does_not_verify(http_receiver, document, manager):
    webhook, secret = make_webhook(manager, http_receiver.url)
    other, other_secret = make_webhook(manager, http_receiver.url)
    assert secret != other_secret and secret.startswith("whsec_")
    publish(document, body="v2", summary="Changed")
    webhooks_deliver()
    first = next(
        r
        for r in http_receiver.received
        if r.headers["Idempotency-Key"]
        == str(WebhookEvent.objects.get(webhook=webhook).idempotency_key)
    )
    with pytest.raises(AssertionError):
        verify(first, other_secret)
    assert "secret" not in json.dumps(
        list(Webhook.objects.values()), default=str
    ).replace("secret_nonce", "")


def test_slack_and_teams_get_their_own_shapes(http_receiver, document, manager):
    make_webhook(manager, http_receiver.url, format="slack")
    make_webhook(manager, http_receiver.url, format="teams")
    publish(document, body="v2", summary="Raised the limit.")
    webhooks_deliver()
    bodies = [json.loads(request.body) for request in http_receiver.received]
    slack = next(body for body in bodies if "text" in body and "@type" not in body)
    teams = next(body for body in bodies if body.get("@type") == "MessageCard")
    assert slack["text"] == (
        "PRC-0001 v2 Discount approval rules: Raised the limit. "
        "<https://kb.example.com/docs/PRC-0001/v2/|Open in Samepage>"
    )
    assert teams["title"] == "Major change published"
    assert teams["potentialAction"][0]["targets"][0]["uri"].endswith("/v2/")
    assert all("X-Samepage-Signature" not in r.headers for r in http_receiver.received)


def test_retried_after_a_500_and_a_timeout_with_backoff(
    http_receiver, document, manager, time_machine
):
    make_webhook(manager, http_receiver.url)
    http_receiver.answers = [500, "hang"]
    start = datetime.now(UTC) + timedelta(days=1)
    time_machine.move_to(start, tick=False)
    publish(document, body="v2", summary="Changed")

    webhooks_deliver()  # 500
    event = WebhookEvent.objects.get()
    assert (event.status, event.attempts) == ("pending", 1)
    webhooks_deliver()  # waits 30 s after one failure
    assert len(http_receiver.received) == 1
    time_machine.move_to(start + timedelta(seconds=31), tick=False)
    webhooks_deliver()  # the receiver hangs past the timeout
    time_machine.move_to(start + timedelta(seconds=31 + 59), tick=False)
    webhooks_deliver()  # 60 s after two failures: not yet
    assert len(http_receiver.received) == 2
    time_machine.move_to(start + timedelta(seconds=31 + 61), tick=False)
    webhooks_deliver()

    keys = {request.headers["Idempotency-Key"] for request in http_receiver.received}
    assert len(http_receiver.received) == 3 and len(keys) == 1
    tries = list(
        WebhookDelivery.objects.order_by("pk").values_list("status_code", "error")
    )
    assert tries[0] == (500, "The receiver answered 500 Internal Server Error.")
    assert tries[1] == (None, "The receiver did not answer in time.")
    assert tries[2] == (200, "")
    event.refresh_from_db()
    assert event.status == "delivered"


def test_given_up_after_the_limit_then_sent_again_by_a_manager(
    http_receiver, document, manager, client, settings, time_machine
):
    settings.SAMEPAGE_WEBHOOK_MAX_ATTEMPTS = 2
    webhook, _ = make_webhook(manager, http_receiver.url)
    http_receiver.answers = [503, 503]
    start = datetime.now(UTC) + timedelta(days=1)
    time_machine.move_to(start, tick=False)
    publish(document, body="v2", summary="Changed")
    webhooks_deliver()
    time_machine.move_to(start + timedelta(minutes=5), tick=False)
    webhooks_deliver()
    event = WebhookEvent.objects.get()
    assert event.status == "dead"
    time_machine.move_to(start + timedelta(hours=2), tick=False)
    webhooks_deliver()
    assert len(http_receiver.received) == 2  # given up: not tried again

    client.force_login(manager)
    page = client.get(f"/webhooks/{webhook.pk}/").content.decode()
    assert "Given up" in page and "503" in page and "Send again" in page
    client.post(f"/webhooks/{webhook.pk}/events/{event.pk}/send-again/")
    webhooks_deliver()
    event.refresh_from_db()
    assert event.status == "delivered" and len(http_receiver.received) == 3
    assert "Delivered" in client.get(f"/webhooks/{webhook.pk}/").content.decode()


def test_a_rolled_back_publish_delivers_nothing(http_receiver, document, manager):
    make_webhook(manager, http_receiver.url)
    with pytest.raises(RuntimeError), transaction.atomic():
        publish(document, body="v2", summary="Never happened")
        assert WebhookEvent.objects.count() == 1  # queued in the same transaction
        raise RuntimeError("the request failed after publishing")
    webhooks_deliver()
    assert WebhookEvent.objects.count() == 0 and http_receiver.received == []


def test_teams_and_categories_choose_what_a_webhook_hears(
    http_receiver, owner, manager, category
):
    other = make_category(name="Policies", prefix="POL")
    support_doc = make_document(
        owner=owner, manager=manager, category=category, audience=Audience.SUPPORT
    )
    policy_doc = make_document(owner=owner, manager=manager, category=other)
    sales_only, _ = make_webhook(manager, http_receiver.url, in_support=False)
    policies, _ = make_webhook(manager, http_receiver.url, categories=[other])
    questions, _ = make_webhook(
        manager, http_receiver.url, events=["question_asked", "question_answered"]
    )
    publish(support_doc, body="v2")
    publish(policy_doc, body="v2")
    heard = set(WebhookEvent.objects.values_list("webhook", "payload__doc_id"))
    assert heard == {(sales_only.pk, "POL-0001"), (policies.pk, "POL-0001")}


def test_questions_asked_and_answered_are_events(
    http_receiver, document, manager, sales_staff
):
    make_webhook(manager, http_receiver.url, events=["question_answered"])
    make_webhook(manager, http_receiver.url, events=["question_asked"], format="slack")
    question = services.question_ask(
        document=document,
        actor=sales_staff,
        kind="question",
        text="Does 15% need approval?",
    )
    services.question_answer(question=question, actor=document.owner, answer="No.")
    webhooks_deliver()
    kinds = sorted(
        request.headers["X-Samepage-Event"] for request in http_receiver.received
    )
    assert kinds == ["question_answered", "question_asked"]
    answered = next(
        json.loads(r.body)
        for r in http_receiver.received
        if r.headers["X-Samepage-Event"] == "question_answered"
    )
    assert answered["data"]["answer"] == "No."
    assert answered["data"]["url"].endswith(f"#question-{question.pk}")


def test_an_approved_exception_and_a_goal_reading_are_events(
    http_receiver, document, manager, owner, sales_staff
):
    from datetime import date
    from decimal import Decimal

    import time_machine

    from field import services as field_services
    from teamwork import services as teamwork_services

    from .teamwork_factories import make_goal

    make_webhook(
        manager, http_receiver.url, events=["exception_approved", "goal_reading"]
    )
    with time_machine.travel("2026-11-18 10:00 +0000", tick=False):
        exception = field_services.exception_propose(
            actor=sales_staff,
            document=document,
            customer="Acme Corp",
            granted="Refund outside the 30-day window",
            version_number=1,
            valid_from=date(2026, 11, 18),
            valid_until=date(2026, 12, 18),
            why="Three-year renewal signed.",
        )
        webhooks_deliver()
        assert not http_receiver.received  # proposed: nothing to tell yet
        field_services.exception_approve(
            exception=exception, actor=manager, reason="Worth keeping them."
        )
        field_services.exception_revoke(
            exception=exception, actor=manager, reason="Renewal cancelled."
        )
        goal = make_goal(manager=manager, owner=owner)
        teamwork_services.reading_record(
            goal=goal, actor=owner, value=Decimal(7), taken_on=date(2026, 11, 18)
        )
        webhooks_deliver()
    bodies = {
        request.headers["X-Samepage-Event"]: json.loads(request.body)["data"]
        for request in http_receiver.received
    }
    assert len(http_receiver.received) == 2  # the revocation is no approval
    assert bodies["exception_approved"]["customer"] == "Acme Corp"
    assert bodies["exception_approved"]["url"].endswith(f"/exceptions/{exception.pk}/")
    assert bodies["goal_reading"]["value"] == "7"
    assert bodies["goal_reading"]["taken_on"] == "2026-11-18"


def test_an_announced_change_is_its_own_event(http_receiver, document, manager):
    import time_machine

    make_webhook(manager, http_receiver.url, events=["change_announced"])
    with time_machine.travel("2026-12-02 10:00 +0000", tick=False):
        publish(
            document,
            body="New prices",
            summary="Prices up 5%.",
            effective_at=datetime(2027, 1, 1, tzinfo=UTC),
        )
        publish(document, body="Typo fixed", significance="minor")
        webhooks_deliver()
    (request,) = http_receiver.received
    body = json.loads(request.body)
    assert body["type"] == "change_announced"
    assert body["data"]["text"] == (
        "PRC-0001 v2 Discount approval rules, effective 1 Jan 2027: Prices up 5%."
    )
    assert body["data"]["effective_at"] == "2027-01-01T00:00:00+00:00"
