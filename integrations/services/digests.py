"""Digest emails handed to the mail server: when each person is due one, every
attempt recorded, failures retried with backoff on later runs."""

from __future__ import annotations

import logging
import smtplib
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import format_datetime, make_msgid
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from docs_registry.models import DigestState, User
from docs_registry.services.digests import digest_email, new_changes
from docs_registry.services.documents import document_changes_apply

from ..models import EmailAttempt, EmailPreference

logger = logging.getLogger(__name__)

Frequency = EmailPreference.Frequency
UNSUBSCRIBE_SALT = "samepage.integrations.unsubscribe"
# After n failures in a row a person waits FIRST_RETRY * 2**(n-1), at most
# LONGEST_WAIT, before the next try.
FIRST_RETRY = timedelta(minutes=5)
LONGEST_WAIT = timedelta(hours=6)
# Attempts read to find the last accepted one and the failures since: enough for
# the longest wait to be reached.
ATTEMPTS_READ = 12


@dataclass
class DigestRun:
    sent: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    # Set when the server could not be reached: the rest of this run is recorded
    # as not tried rather than each waiting for the same timeout.
    unreachable: str = ""


class DeliveryFailed(Exception):
    def __init__(self, error: str, smtp_code: int | None):
        super().__init__(error)
        self.smtp_code = smtp_code


def unsubscribe_token(user: User) -> str:
    return signing.dumps(user.pk, salt=UNSUBSCRIBE_SALT)


def unsubscribe_user(token: str) -> User | None:
    """The person a link from their email names; None if the link was altered.
    Links carry no expiry: an old digest's link must still work."""
    try:
        pk = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return User.objects.filter(pk=pk, is_active=True).first()


def email_preference_save(*, user: User, frequency: str, weekday: int) -> None:
    """Record how often `user` wants the digest (history keeps each change)."""
    preference = EmailPreference.objects.filter(user=user).first()
    if preference is None:
        EmailPreference.objects.create(user=user, frequency=frequency, weekday=weekday)
    elif (preference.frequency, preference.weekday) != (frequency, weekday):
        preference.frequency, preference.weekday = frequency, weekday
        preference.save()


def email_unsubscribe(*, user: User) -> None:
    """Turn `user`'s digest email off (the one-click link in each digest)."""
    preference = EmailPreference.objects.filter(user=user).first()
    weekday = preference.weekday if preference else EmailPreference().weekday
    email_preference_save(user=user, frequency=Frequency.OFF, weekday=weekday)


def digests_send(
    *, dry_run: bool = False, report: Callable[[str], None] = logger.info
) -> DigestRun:
    """Email each active person with an address, who is due a digest by their
    preference, the changes they have not acknowledged published since their last
    one; nothing to anyone with nothing new.

    Each person is handled in a transaction of their own holding their
    digest-state row locked (skipped if another run holds it), so two runs at once
    send each email once. Every attempt is recorded; only one the mail server
    accepted moves the person on, and after a failure they wait longer at each
    run (FIRST_RETRY, doubling) before the next try.
    """
    recipients = list(
        User.objects.filter(is_active=True)
        .exclude(email="")
        .select_related("email_preference")
        .order_by("username")
    )
    if not dry_run:
        # Changes whose effective date has come are in force before anyone is
        # told what is current (no request may have arrived since).
        document_changes_apply()
        # Rows to lock; a concurrent run creating the same ones is harmless.
        DigestState.objects.bulk_create(
            [DigestState(user=user) for user in recipients], ignore_conflicts=True
        )
    run = DigestRun()
    for user in recipients:
        preference = _preference(user)
        if preference.frequency == Frequency.OFF:
            continue
        try:
            _send_one(user, preference, dry_run=dry_run, report=report, run=run)
        except DeliveryFailed as error:
            run.failed.append((user.username, str(error)))
            report(f"FAILED {user.username} <{user.email}>: {error}")
    return run


def _preference(user: User) -> EmailPreference:
    try:
        return user.email_preference
    except EmailPreference.DoesNotExist:
        return EmailPreference(user=user)


def _send_one(user, preference, *, dry_run: bool, report, run: DigestRun) -> None:
    if dry_run:
        state = DigestState.objects.filter(user=user).first()
        since = state.emailed_through if state else None
        changes = new_changes(
            user, since, major_only=preference.frequency == Frequency.MAJOR
        )
        if changes and _is_due(user, preference):
            message = digest_email(user, changes)
            report(f"Would send to {user.email}: {message.subject}\n{message.body}")
            run.sent.append(user.username)
        return
    with transaction.atomic():
        state = (
            DigestState.objects.select_for_update(skip_locked=True)
            .filter(user=user)
            .first()
        )
        if state is None or not _is_due(user, preference):
            return  # another run is sending it now, or it is not time yet
        changes = new_changes(
            user,
            state.emailed_through,
            major_only=preference.frequency == Frequency.MAJOR,
        )
        if not changes:
            return
        try:
            _deliver(user, changes, run)
        except DeliveryFailed as error:
            failure = error  # raised once the attempt's record is committed
        else:
            failure = None
            state.emailed_through = max(version.published_at for version in changes)
            state.save(update_fields=["emailed_through"])
    if failure is not None:
        raise failure
    run.sent.append(user.username)
    report(f"Sent {len(changes)} change(s) to {user.email}")


def _deliver(user: User, changes, run: DigestRun) -> None:
    """Hand the digest to the mail server and record the attempt, in the caller's
    transaction; a refusal is recorded, then raised as DeliveryFailed (the caller
    must let its transaction commit that record)."""
    base_url = settings.SAMEPAGE_BASE_URL.rstrip("/")
    token = unsubscribe_token(user)
    unsubscribe_url = base_url + reverse("integrations:unsubscribe", args=[token])
    message = digest_email(user, changes, unsubscribe_url=unsubscribe_url)
    message_id = make_msgid(domain=urlsplit(base_url).hostname or "localhost")
    message.extra_headers.update(
        {
            # With the server's offset: Django's own default says "-0000",
            # which RFC 5322 reads as "time zone unknown".
            "Date": format_datetime(timezone.localtime()),
            "Message-ID": message_id,
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
    )
    attempt = EmailAttempt(user=user, changes=len(changes), message_id=message_id)
    if run.unreachable:
        attempt.accepted, attempt.error = False, f"Not tried: {run.unreachable}"
        attempt.save()
        raise DeliveryFailed(attempt.error, None)
    try:
        message.send()
    except (smtplib.SMTPException, OSError) as error:
        attempt.accepted = False
        attempt.smtp_code, attempt.error = _describe(error)
        attempt.save()
        if _unreachable(error):
            run.unreachable = attempt.error
        raise DeliveryFailed(attempt.error, attempt.smtp_code) from error
    attempt.accepted = True
    attempt.save()


def _describe(error: Exception) -> tuple[int | None, str]:
    """The server's reply code, if it gave one, and a line a manager can read."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        code, reply = next(iter(error.recipients.values()))
        return code, f"Recipient refused: {code} {_text(reply)}"
    if isinstance(error, smtplib.SMTPSenderRefused):
        return (
            error.smtp_code,
            f"Sender refused: {error.smtp_code} {_text(error.smtp_error)}",
        )
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code, f"{error.smtp_code} {_text(error.smtp_error)}"
    # smtplib reports a timeout while reading as a disconnection caused by it.
    if isinstance(error, TimeoutError) or isinstance(error.__context__, TimeoutError):
        return None, "The mail server did not answer in time."
    if isinstance(error, ConnectionRefusedError):
        return None, "The mail server refused the connection (is it running?)."
    return None, f"{type(error).__name__}: {error}"


def _unreachable(error: Exception) -> bool:
    """No server to talk to (down, hanging, unknown name), rather than one that
    refused this message."""
    return isinstance(
        error,
        ConnectionError
        | TimeoutError
        | socket.gaierror
        | smtplib.SMTPServerDisconnected
        | smtplib.SMTPConnectError,
    )


def _text(reply) -> str:
    return reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)


def _is_due(user: User, preference: EmailPreference) -> bool:
    """Whether it is time for `user`'s digest: their frequency's latest slot is
    after their last accepted digest, and any wait after failures is over."""
    attempts = list(
        EmailAttempt.objects.filter(user=user)
        .order_by("-attempted_at", "-pk")
        .values_list("attempted_at", "accepted")[:ATTEMPTS_READ]
    )
    now = timezone.now()
    failures = 0
    for _, accepted in attempts:
        if accepted:
            break
        failures += 1
    if failures and now < attempts[0][0] + retry_wait(failures):
        return False
    last_accepted = next((at for at, accepted in attempts if accepted), None)
    if last_accepted is None or preference.frequency == Frequency.MAJOR:
        return True
    return last_accepted < latest_slot(preference, now)


def retry_wait(failures: int) -> timedelta:
    return min(FIRST_RETRY * 2 ** (failures - 1), LONGEST_WAIT)


def latest_slot(preference: EmailPreference, now: datetime) -> datetime:
    """The last moment at or before `now` a daily or weekly digest was due: the
    digest hour, on each day or on the chosen weekday."""
    local = timezone.localtime(now)
    slot = local.replace(
        hour=settings.SAMEPAGE_DIGEST_HOUR, minute=0, second=0, microsecond=0
    )
    if slot > local:
        slot -= timedelta(days=1)
    if preference.frequency == Frequency.WEEKLY:
        slot -= timedelta(days=(slot.weekday() - preference.weekday) % 7)
    return slot
