"""Outgoing webhooks: registered by managers, fed by an outbox written in the
transaction of each change, drained after commit by `deliver_webhooks`."""

from __future__ import annotations

import hashlib
import hmac
import http.client
import ipaddress
import json
import logging
import secrets
import socket
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from docs_registry import permissions
from docs_registry.models import Category, User

from ..models import EventKind, Webhook, WebhookDelivery, WebhookEvent

logger = logging.getLogger(__name__)

FIRST_RETRY = timedelta(seconds=30)
LONGEST_WAIT = timedelta(hours=1)
BATCH = 20
USER_AGENT = "Samepage-Webhooks/1"
# Never a receiver: this machine, link-local (cloud metadata lives at
# 169.254.169.254), private IPv6, and addresses that are not one host.
FORBIDDEN_NETWORKS = [
    ipaddress.ip_network(network)
    for network in (
        "0.0.0.0/8",
        "169.254.0.0/16",
        "fe80::/10",
        "fc00::/7",
        "224.0.0.0/4",
        "ff00::/8",
        "::/128",
        "100.100.100.200/32",  # a cloud's metadata address outside link-local
    )
]
LOOPBACK_NETWORKS = [
    ipaddress.ip_network("127.0.0.0/8"),
    ipaddress.ip_network("::1/128"),
]


class WebhookAddressError(ValueError):
    """An address Samepage will not send to; the message says why."""


def webhook_secret(webhook: Webhook) -> str:
    """The signing secret: derived from the webhook's nonce and the server's
    secret key, so the database holds nothing a thief could sign with."""
    return (
        "whsec_"
        + salted_hmac(
            "samepage.integrations.webhook-secret",
            webhook.secret_nonce,
            algorithm="sha256",
        ).hexdigest()
    )


def check_address(url: str) -> None:
    """Refuse what is not http(s) or resolves to an address inside the server's
    own network edge (server-side request forgery); loopback only when
    SAMEPAGE_WEBHOOK_ALLOW_LOOPBACK is on."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise WebhookAddressError("The address must start with http:// or https://.")
    if parts.username or parts.password:
        raise WebhookAddressError("The address must not carry a user name or password.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        found = socket.getaddrinfo(parts.hostname, port, proto=socket.IPPROTO_TCP)
    except (OSError, ValueError, UnicodeError) as error:
        raise WebhookAddressError(
            f"{parts.hostname} cannot be found ({error})."
        ) from error
    for *_, sockaddr in found:
        address = ipaddress.ip_address(sockaddr[0].split("%")[0])
        if _forbidden(address):
            raise WebhookAddressError(
                f"{parts.hostname} is {address}, an address inside the server's own "
                "network: webhooks cannot be sent there."
            )


def _forbidden(address) -> bool:
    if getattr(address, "ipv4_mapped", None):
        address = address.ipv4_mapped
    if any(address in network for network in LOOPBACK_NETWORKS):
        return not settings.SAMEPAGE_WEBHOOK_ALLOW_LOOPBACK
    return any(
        address.version == network.version and address in network
        for network in FORBIDDEN_NETWORKS
    )


def webhook_create(
    *,
    actor: User,
    name: str,
    url: str,
    format: str,
    events: list[str],
    in_sales: bool,
    in_support: bool,
    categories: Iterable[Category] = (),
) -> tuple[Webhook, str]:
    """Register a webhook; returns it and its signing secret, which is shown
    once. Raises WebhookAddressError for an address it will not send to."""
    permissions.require(permissions.can_manage_integrations(actor))
    check_address(url)
    with transaction.atomic():
        webhook = Webhook.objects.create(
            name=name,
            url=url,
            format=format,
            events=sorted(set(events)),
            in_sales=in_sales,
            in_support=in_support,
            secret_nonce=secrets.token_hex(32),
            created_by=actor,
        )
        webhook.categories.set(categories)
    return webhook, webhook_secret(webhook)


def webhook_event_requeue(*, actor: User, event: WebhookEvent) -> None:
    """Send an event again at the next drain, with the same idempotency key."""
    permissions.require(permissions.can_manage_integrations(actor))
    WebhookEvent.objects.filter(pk=event.pk).update(
        status=WebhookEvent.Status.PENDING, attempts=0, next_attempt_at=timezone.now()
    )


def events_record(
    *,
    kind: str,
    subject: str,
    payload: dict,
    category_id: int | None,
    teams: Iterable[str],
) -> None:
    """Queue `kind` for each active webhook that wants it, in the caller's
    transaction: a change rolled back leaves nothing to deliver, and the same
    subject twice is queued once."""
    teams = set(teams)
    webhooks = [
        webhook
        for webhook in Webhook.objects.filter(is_active=True).prefetch_related(
            "categories"
        )
        if kind in webhook.events
        and (
            (webhook.in_sales and "sales" in teams)
            or (webhook.in_support and "support" in teams)
        )
        and (
            not webhook.categories.all()
            or any(category.pk == category_id for category in webhook.categories.all())
        )
    ]
    WebhookEvent.objects.bulk_create(
        [
            WebhookEvent(
                webhook=webhook,
                kind=kind,
                subject=subject,
                payload=payload,
                idempotency_key=uuid.uuid4(),
            )
            for webhook in webhooks
        ],
        ignore_conflicts=True,
    )


@dataclass
class DrainResult:
    delivered: int = 0
    failed: int = 0
    dead: int = 0


def webhooks_deliver(*, report: Callable[[str], None] = logger.info) -> DrainResult:
    """Deliver every event due now, once each. Each event is sent in a
    transaction of its own holding its row locked; rows another drain holds are
    skipped (SKIP LOCKED), so several drains at once never send one twice. A
    failure waits FIRST_RETRY, doubling, before the next try; after
    SAMEPAGE_WEBHOOK_MAX_ATTEMPTS the event is given up (a manager can send it
    again)."""
    result = DrainResult()
    while True:
        due = list(
            WebhookEvent.objects.filter(
                status=WebhookEvent.Status.PENDING, next_attempt_at__lte=timezone.now()
            )
            .order_by("next_attempt_at", "pk")
            .values_list("pk", flat=True)[:BATCH]
        )
        handled = sum(_deliver_one(pk, result, report) for pk in due)
        if len(due) < BATCH or not handled:
            return result


def _deliver_one(pk: int, result: DrainResult, report) -> bool:
    with transaction.atomic():
        event = (
            WebhookEvent.objects.select_for_update(skip_locked=True)
            .select_related("webhook")
            .filter(
                pk=pk,
                status=WebhookEvent.Status.PENDING,
                next_attempt_at__lte=timezone.now(),
            )
            .first()
        )
        if event is None:
            return False  # another drain has it, or has delivered it
        status_code, error = _post(event)
        now = timezone.now()
        WebhookDelivery.objects.create(
            event=event,
            attempted_at=now,
            succeeded=not error,
            status_code=status_code,
            error=error,
        )
        if not error:
            event.status, event.delivered_at = WebhookEvent.Status.DELIVERED, now
            result.delivered += 1
            report(f"Delivered {event.kind} {event.subject} to {event.webhook}")
        else:
            event.attempts += 1
            if event.attempts >= settings.SAMEPAGE_WEBHOOK_MAX_ATTEMPTS:
                event.status = WebhookEvent.Status.DEAD
                result.dead += 1
            wait = min(FIRST_RETRY * 2 ** (event.attempts - 1), LONGEST_WAIT)
            event.next_attempt_at = now + wait
            result.failed += 1
            report(f"FAILED {event.kind} {event.subject} to {event.webhook}: {error}")
        event.save(
            update_fields=["status", "delivered_at", "attempts", "next_attempt_at"]
        )
    return True


def _post(event: WebhookEvent) -> tuple[int | None, str]:
    """POST the event; the receiver's status and an error ("" when accepted)."""
    webhook = event.webhook
    try:
        check_address(webhook.url)  # the name may point elsewhere since it was saved
    except WebhookAddressError as error:
        return None, str(error)
    body = json.dumps(message(event), separators=(",", ":")).encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "Idempotency-Key": str(event.idempotency_key),
        "X-Samepage-Event": event.kind,
    }
    if webhook.format == Webhook.Format.GENERIC:
        timestamp = str(int(time.time()))
        headers["X-Samepage-Timestamp"] = timestamp
        headers["X-Samepage-Signature"] = "v1=" + sign(
            webhook_secret(webhook), timestamp, body
        )
    return _send(webhook.url, body, headers)


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """HMAC-SHA256 of "<timestamp>.<body>": what a receiver recomputes."""
    return hmac.new(
        secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256
    ).hexdigest()


def _send(url: str, body: bytes, headers: dict) -> tuple[int | None, str]:
    parts = urlsplit(url)
    connection_class = (
        http.client.HTTPSConnection
        if parts.scheme == "https"
        else http.client.HTTPConnection
    )
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    connection = connection_class(
        parts.hostname, parts.port, timeout=settings.SAMEPAGE_WEBHOOK_TIMEOUT
    )
    try:
        # http.client follows no redirect: a receiver cannot bounce us elsewhere.
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        response.read(64 * 1024)
    except TimeoutError:
        return None, "The receiver did not answer in time."
    except (OSError, http.client.HTTPException) as error:
        return None, f"{type(error).__name__}: {error}"
    finally:
        connection.close()
    if 200 <= response.status < 300:
        return response.status, ""
    return (
        response.status,
        f"The receiver answered {response.status} {response.reason}.",
    )


def message(event: WebhookEvent) -> dict:
    """The body in the webhook's format."""
    data = event.payload
    line = data["text"]
    if event.webhook.format == Webhook.Format.SLACK:
        return {"text": f"{line} <{data['url']}|Open in Samepage>"}
    if event.webhook.format == Webhook.Format.TEAMS:
        return {
            "@type": "MessageCard",
            "@context": "https://schema.org/extensions",
            "summary": line,
            "title": EventKind(event.kind).label,
            "text": line,
            "potentialAction": [
                {
                    "@type": "OpenUri",
                    "name": "Open in Samepage",
                    "targets": [{"os": "default", "uri": data["url"]}],
                }
            ],
        }
    return {
        "id": str(event.idempotency_key),
        "type": event.kind,
        "created_at": event.created_at.isoformat(),
        "data": data,
    }
