"""Writes to documents, their versions and drafts."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .. import coverage_counts, integrity, pending, permissions
from ..handoff_blocks import handoff_problems
from ..models import (
    SUMMARY_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Audience,
    Category,
    ChangeKind,
    Document,
    Draft,
    User,
    Version,
)
from ..rendering import check_markdown, render_markdown
from ..revisions import lock_document, revision_bump, take_writers_turn
from ..search import search_index_document
from ..selectors.glossary import glossary_linter, glossary_term_ids
from ..text import normalise_text
from .acknowledgments import record_acknowledgment
from .errors import (
    HandoffBlockError,
    LintFindingsError,
    ServiceError,
    StaleDraftError,
)
from .history import save_with_history

CREATED_SUMMARY = "Created"
# How far ahead a change may be announced.
EFFECTIVE_YEARS_AHEAD = 2


def _require_text(value: str, *, field: str, max_length: int) -> str:
    value = normalise_text(value or "").strip()
    if not value:
        raise ServiceError(f"The {field} is required.", code=f"{field}_required")
    if len(value) > max_length:
        raise ServiceError(
            f"The {field} is at most {max_length} characters.", code=f"{field}_too_long"
        )
    return value


def _require_active_user(user: User, *, role: str) -> None:
    if not user.is_active:
        raise ServiceError(
            f"{user} is deactivated and cannot be the {role}.", code="inactive_user"
        )


def _next_doc_id(category: Category) -> str:
    # The UPDATE locks the category row until commit (IMMEDIATE mode on SQLite),
    # so two documents created at once in one category get consecutive numbers.
    # It is a counter, not history: the queryset update is intended.
    Category.objects.filter(pk=category.pk).update(last_number=F("last_number") + 1)
    prefix, number = Category.objects.values_list("prefix", "last_number").get(
        pk=category.pk
    )
    return f"{prefix}-{number:04d}"


def _refuse_malformed_handoffs(body: str) -> None:
    """A hand-off rule that cannot be read is never published (unlike an avoided
    word, there is no "publish anyway"): the matrix would silently miss it."""
    problems = handoff_problems(body)
    if problems:
        raise HandoffBlockError(problems)


@transaction.atomic
def document_create(
    *,
    actor: User,
    category: Category,
    title: str,
    audience: str,
    owner: User,
    body: str,
) -> Document:
    """Create a document with the next ID of its category and publish its v1.

    The ID is assigned once and never reused. Raises PermissionDenied unless the
    actor is a manager, ServiceError for bad input, RenderingError for a body the
    renderer refuses.
    """
    permissions.require(
        permissions.can_manage(actor), "Only managers create documents."
    )
    title = _require_text(title, field="title", max_length=TITLE_MAX_LENGTH)
    if audience not in Audience.values:
        raise ServiceError("Choose an audience.", code="invalid_audience")
    _require_active_user(owner, role="owner")
    body = normalise_text(body)
    _refuse_malformed_handoffs(body)
    body_html = render_markdown(body, glossary=glossary_term_ids())

    document = Document(
        doc_id=_next_doc_id(category),
        category=category,
        title=title,
        audience=audience,
        owner=owner,
    )
    save_with_history(
        document, actor=actor, reason=CREATED_SUMMARY, kind=ChangeKind.CREATED
    )
    version = Version(
        document=document,
        number=1,
        title=title,
        body=body,
        body_html=body_html,
        summary=CREATED_SUMMARY,
        significance=Version.Significance.MAJOR,
        published_by=actor,
        published_at=timezone.now(),
    )
    integrity.seal(version, doc_id=document.doc_id, previous_chain="")
    version.save(force_insert=True)
    _point_to_current(document, version)
    search_index_document(document)
    return document


def _point_to_current(document: Document, version: Version) -> None:
    """Point the document at its new version; the publisher has read what they
    published, so it is acknowledged for them (when they are in its audience).
    A change announced for later and not yet in force is thereby withdrawn."""
    fields = _in_force(version, since=version.published_at)
    # Publishing a version is also confirming the document accurate (a review).
    _update_pointers(document, fields | {"last_reviewed_at": version.published_at})
    _acknowledge_own(document, version)


def _in_force(version: Version, *, since: datetime) -> dict:
    """The document's pointers once `version` is in force from `since`: no
    change waits any more."""
    fields = {
        "current_version": version,
        "changed_at": since,
        "pending_version": None,
        "pending_effective_at": None,
    }
    if version.is_major:
        fields["latest_major_number"] = version.number
    return fields


def _point_to_pending(document: Document, version: Version) -> None:
    """Announce `version` for its effective date: the current version stays in
    force; an earlier announced one is thereby withdrawn."""
    _update_pointers(
        document,
        {
            "pending_version": version,
            "pending_effective_at": version.effective_at,
            "last_reviewed_at": version.published_at,
        },
    )
    _acknowledge_own(document, version)


def _update_pointers(document: Document, fields: dict) -> None:
    # All are derived from the Version table, which is itself the record of every
    # publish; an update keeps them out of the metadata history.
    Document.objects.filter(pk=document.pk).update(**fields)
    for name, value in fields.items():
        setattr(document, name, value)
    # An UPDATE sends no signal.
    pending.document_changed(document.pk)
    coverage_counts.document_changed(document.pk)


def _acknowledge_own(document: Document, version: Version) -> None:
    if permissions.can_acknowledge(version.published_by, document):
        record_acknowledgment(
            user=version.published_by, document=document, number=version.number
        )


def _years_later(moment: datetime, years: int) -> datetime:
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year + years, day=28)


def _check_effective_at(effective_at: datetime | None, now: datetime) -> None:
    if effective_at is None:
        return
    if effective_at <= now:
        raise ServiceError(
            "The effective date has passed: choose a later date, or leave it "
            "empty to publish a change that applies now.",
            code="effective_in_past",
        )
    if effective_at > _years_later(now, EFFECTIVE_YEARS_AHEAD):
        raise ServiceError(
            f"The effective date is more than {EFFECTIVE_YEARS_AHEAD} years ahead: "
            "announce the change closer to the time.",
            code="effective_too_far",
        )


@transaction.atomic
def document_publish(
    *,
    document: Document,
    actor: User,
    title: str,
    body: str,
    summary: str,
    significance: str,
    base_number: int,
    publish_anyway: bool = False,
    effective_at: datetime | None = None,
) -> Version:
    """Publish the next version (newest + 1) of a document from a draft based on
    `base_number`.

    Keeps version numbers gap-free and unique: the document row is locked, and a
    draft whose base is no longer the newest version is refused (StaleDraftError)
    rather than overwriting what was published since. The draft is removed only
    when this publish succeeds and published exactly its text.

    With `effective_at` the version is announced: the current version stays in
    force until then (document_changes_apply), and everyone is told now. One
    change waits at a time: a later publish, announced or not, withdraws it
    (nothing is rewritten: see Version.effective_at). Raises ServiceError for a
    moment that has passed or is more than two years ahead.

    Words the glossary says to avoid stop the publish (LintFindingsError) unless
    the owner publishes anyway; with SAMEPAGE_LINT_BLOCKS_PUBLISH they always do.

    Raises PermissionDenied unless the actor owns the (active) document,
    ServiceError for bad input, RenderingError for a body the renderer refuses.
    """
    # Lock the row alone, then read the current version in a statement of its own:
    # a publish that committed while we waited is visible only to a new statement
    # (READ COMMITTED), and a join locked in one statement would show its old row.
    locked = lock_document(document.pk)
    newest = Version.objects.get(
        pk=locked.pending_version_id or locked.current_version_id
    )
    permissions.require(
        permissions.can_publish(actor, locked),
        "Only the document's owner publishes it.",
    )
    now = timezone.now()
    _check_effective_at(effective_at, now)
    title = _require_text(title, field="title", max_length=TITLE_MAX_LENGTH)
    summary = _require_text(summary, field="summary", max_length=SUMMARY_MAX_LENGTH)
    if significance not in Version.Significance.values:
        raise ServiceError("Choose major or minor.", code="invalid_significance")
    body = normalise_text(body)
    current_number = newest.number
    if base_number != current_number:
        raise StaleDraftError(base_number=base_number, current_number=current_number)
    _refuse_malformed_handoffs(body)
    findings = glossary_linter().lint(body)
    blocking = settings.SAMEPAGE_LINT_BLOCKS_PUBLISH
    if findings and (blocking or not publish_anyway):
        raise LintFindingsError(findings, blocking=blocking)
    body_html = render_markdown(body, glossary=glossary_term_ids())

    version = Version(
        document=locked,
        number=current_number + 1,
        title=title,
        body=body,
        body_html=body_html,
        summary=summary,
        significance=significance,
        published_by=actor,
        published_at=now,
        effective_at=effective_at,
    )
    # The chain continues from the newest version, read under the row lock, so
    # two publishes cannot both extend the same link.
    integrity.seal(version, doc_id=locked.doc_id, previous_chain=newest.chain_hash)
    version.save(force_insert=True)
    if effective_at is not None:
        _point_to_pending(locked, version)
    else:
        _point_to_current(locked, version)
    if effective_at is None and title != locked.title:
        locked.title = title
        save_with_history(
            locked,
            actor=actor,
            reason=f"Title changed in v{version.number}",
            kind=ChangeKind.DETAILS,
        )
    # The draft this version was published from is done; a different draft (written
    # elsewhere, now stale) is kept so nothing the owner wrote is lost.
    Draft.objects.filter(document=locked, title=title, body=body).delete()
    # The caller's instance now describes the document as it is.
    if effective_at is None:
        document.current_version = version
    document.title = locked.title
    document.pending_version = locked.pending_version
    document.pending_effective_at = locked.pending_effective_at
    search_index_document(locked)
    return version


@transaction.atomic
def document_changes_apply(*, now: datetime | None = None) -> list[Document]:
    """Bring into force every announced version whose moment has come (`now` by
    default): the document points at it as a publish would have, and the pages'
    counter moves, so no page is served from before. Needs no actor and no
    schedule: the first request after the moment calls it (caching.py), as do
    the commands that read documents. Returns the documents changed.

    Concurrent callers settle each document once: its row is locked and read
    again, and one already settled no longer matches."""
    now = now or timezone.now()
    take_writers_turn()  # before the documents' rows (see revisions.lock_document)
    due = list(
        Document.objects.select_for_update()
        .filter(pending_effective_at__lte=now)
        .order_by("pk")
    )
    for document in due:
        version = Version.objects.select_related("published_by").get(
            pk=document.pending_version_id
        )
        _update_pointers(document, _in_force(version, since=version.effective_at))
        if version.title != document.title:
            document.title = version.title
            save_with_history(
                document,
                actor=version.published_by,
                reason=f"Title changed in v{version.number}, in force from "
                f"{timezone.localtime(version.effective_at):%d %b %Y}",
                kind=ChangeKind.DETAILS,
            )
        search_index_document(document)
    if due:
        revision_bump()
    return due


def draft_save(
    *,
    document: Document,
    actor: User,
    title: str,
    body: str,
    summary: str,
    significance: str,
    base_number: int,
) -> Draft:
    """Save the owner's one working copy of the next version, remembering the
    version it was started from. Raises PermissionDenied unless the actor owns the
    document, RenderingError for a body over the size limit."""
    permissions.require(
        permissions.can_publish(actor, document), "Only the document's owner edits it."
    )
    body = normalise_text(body)
    check_markdown(body)
    draft, _ = Draft.objects.update_or_create(
        document=document,
        defaults={
            "author": actor,
            "base_number": base_number,
            "title": normalise_text(title).strip()[:TITLE_MAX_LENGTH],
            "body": body,
            "summary": normalise_text(summary).strip()[:SUMMARY_MAX_LENGTH],
            "significance": significance,
        },
    )
    return draft


def draft_rebase(*, document: Document, actor: User) -> Draft:
    """Move the draft's base to the current version, keeping its text: the owner
    has looked at what changed since and takes responsibility for merging it."""
    permissions.require(
        permissions.can_publish(actor, document), "Only the document's owner edits it."
    )
    draft = Draft.objects.get(document=document)
    draft.base_number = document.newest_version.number
    draft.save(update_fields=["base_number", "updated_at"])
    return draft


def draft_discard(*, document: Document, actor: User) -> None:
    permissions.require(
        permissions.can_publish(actor, document), "Only the document's owner edits it."
    )
    Draft.objects.filter(document=document).delete()


@transaction.atomic
def ownership_transfer(
    *, document: Document, actor: User, new_owner: User, reason: str
) -> Document:
    """Make `new_owner` the document's one owner, recording who, when and why.

    The previous owner's unpublished draft is private to them, so it is discarded,
    and the recorded reason says so. Raises PermissionDenied unless the actor is a
    manager, ServiceError for a missing reason, an inactive or unchanged owner.
    """
    permissions.require(
        permissions.can_manage(actor), "Only managers transfer ownership."
    )
    reason = _require_text(reason, field="reason", max_length=SUMMARY_MAX_LENGTH)
    locked = lock_document(document.pk)
    if new_owner.pk == locked.owner_id:
        raise ServiceError(
            f"{new_owner} already owns this document.", code="same_owner"
        )
    _require_active_user(new_owner, role="owner")
    draft = Draft.objects.filter(document=locked).first()
    if draft is not None:
        reason += f" (the previous owner's draft based on v{draft.base_number} "
        reason += "was discarded)"
        draft.delete()
    locked.owner = new_owner
    save_with_history(locked, actor=actor, reason=reason, kind=ChangeKind.TRANSFER)
    search_index_document(locked)
    return locked


@transaction.atomic
def document_retire(*, document: Document, actor: User, reason: str) -> Document:
    """Retire a document: it stays readable, with its ID, versions and history, and
    its ID is never given to another document. Raises PermissionDenied unless the
    actor is a manager, ServiceError for a missing reason or a retired document."""
    permissions.require(
        permissions.can_manage(actor), "Only managers retire documents."
    )
    reason = _require_text(reason, field="reason", max_length=SUMMARY_MAX_LENGTH)
    locked = lock_document(document.pk)
    if locked.is_retired:
        raise ServiceError("This document is already retired.", code="already_retired")
    locked.status = Document.Status.RETIRED
    locked.retired_at = timezone.now()
    locked.retired_by = actor
    locked.retirement_reason = reason
    Draft.objects.filter(document=locked).delete()
    save_with_history(locked, actor=actor, reason=reason, kind=ChangeKind.RETIRED)
    search_index_document(locked)
    return locked


# Passed for `review_interval_days` by callers that leave the interval as it is.
KEEP_REVIEW_INTERVAL = -1


def _valid_interval(days: int | None) -> int | None:
    if days is not None and days < 1:
        raise ServiceError(
            "A review interval is at least one day.", code="invalid_interval"
        )
    return days


def _describe_change(field: str, value) -> str:
    if field != "review_interval_days":
        return field.split("_")[0]
    if value is None:
        return "review interval to the category's"
    return f"review interval to {value} days"


@transaction.atomic
def document_update_details(
    *,
    document: Document,
    actor: User,
    title: str,
    category: Category,
    audience: str,
    reason: str = "",
    review_interval_days: int | None = KEEP_REVIEW_INTERVAL,
) -> Document:
    """Change a document's title, category, audience or review interval (None: the
    category's; left alone unless given). The document ID never changes, even when
    the category does. The interval is not a history column, so the recorded reason
    states its new value. Raises PermissionDenied unless the actor is a manager,
    ServiceError for bad input or when nothing changed."""
    permissions.require(
        permissions.can_manage(actor), "Only managers change a document's details."
    )
    title = _require_text(title, field="title", max_length=TITLE_MAX_LENGTH)
    if audience not in Audience.values:
        raise ServiceError("Choose an audience.", code="invalid_audience")
    locked = lock_document(document.pk)
    new_values = {"title": title, "category_id": category.pk, "audience": audience}
    if review_interval_days != KEEP_REVIEW_INTERVAL:
        new_values["review_interval_days"] = _valid_interval(review_interval_days)
    changed = [
        _describe_change(field, value)
        for field, value in new_values.items()
        if getattr(locked, field) != value
    ]
    if not changed:
        raise ServiceError("Nothing was changed.", code="unchanged")
    for field, value in new_values.items():
        setattr(locked, field, value)
    note = f"Changed {', '.join(changed)}"
    if reason.strip():
        note += f": {reason.strip()}"
    save_with_history(locked, actor=actor, reason=note, kind=ChangeKind.DETAILS)
    search_index_document(locked)
    return locked
