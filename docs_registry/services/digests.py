"""The email digest: each person's unacknowledged changes since their last one,
written as an email (integrations delivers it)."""

from __future__ import annotations

from datetime import timedelta
from itertools import groupby

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from field.selectors import exceptions_granted_since, field_reports_of_week

from ..diffing import Comparison, compare_each
from ..models import User, Version
from ..params import day_label
from ..selectors.digest import (
    DIGEST_VERSIONS_LISTED,
    audiences_for_teams,
    describe_waiting,
    pending_versions,
    user_teams,
)
from ..selectors.documents import withdrawn_before_applied

# The email's news from outside the documents covers the last week: the field
# reports sales hears of, and exceptions granted against the reader's documents.
EMAIL_NEWS_DAYS = 7


def new_changes(user: User, since, *, major_only: bool = False) -> list[Version]:
    """What waits for `user`, published after `since`, for their digest email."""
    versions = pending_versions(user)
    if since is not None:
        versions = versions.filter(published_at__gt=since)
    if major_only:
        versions = versions.filter(significance=Version.Significance.MAJOR)
    return list(
        versions.select_related("document__owner", "published_by")
        .only(
            "number",
            "significance",
            "published_at",
            "effective_at",
            "summary",
            "published_by__username",
            "published_by__first_name",
            "published_by__last_name",
            "document__doc_id",
            "document__title",
            "document__owner__username",
            "document__owner__first_name",
            "document__owner__last_name",
        )
        .order_by("document__doc_id", "-number")
    )


def _email_groups(changes: list[Version], base_url: str) -> list[dict]:
    """Changes grouped by document, with addresses and dates worked out once here:
    a digest can list hundreds of versions, and per-version template lookups were
    most of the time spent sending."""
    groups = []
    by_document = [
        (document, list(versions))
        for document, versions in groupby(changes, key=lambda version: version.document)
    ]
    comparisons = _comparisons(
        [
            (document.pk, versions[-1].number - 1, versions[0].number)
            for document, versions in by_document
        ]
    )
    for document, versions in by_document:
        oldest = versions[-1].number
        url = base_url + document.get_absolute_url()
        compare = reverse("docs_registry:compare", args=[document.doc_id])
        # The newest ones, as on the digest page; the comparison spans them all.
        listed = versions[:DIGEST_VERSIONS_LISTED]
        groups.append(
            {
                "document": document,
                "url": url,
                "compare_url": (
                    f"{base_url}{compare}?from={oldest - 1}&to={versions[0].number}"
                    if oldest > 1
                    else ""
                ),
                "comparison": comparisons.get(document.pk),
                "versions": [
                    {
                        "number": version.number,
                        "significance": version.significance,
                        "publisher": version.published_by.display_name,
                        "date": day_label(version.published_at),
                        "effective": _effective(version, newer),
                        "summary": version.summary,
                    }
                    for version, newer in zip(listed, [None, *listed[:-1]], strict=True)
                ],
                "earlier": len(versions) - len(listed),
                "history_url": base_url
                + reverse("docs_registry:history", args=[document.doc_id]),
            }
        )
    return groups


def _comparisons(pairs: list[tuple[int, int, int]]) -> dict[int, Comparison]:
    """The rendered change of each (document, from, to) with from ≥ 1, by
    document: the versions' bodies in one query."""
    pairs = [pair for pair in pairs if pair[1] >= 1]
    wanted = Q(pk__in=[])
    for document_id, first, last in pairs:
        wanted |= Q(document_id=document_id, number__in=(first, last))
    found = {
        (version.document_id, version.number): version
        for version in Version.objects.filter(wanted).only(
            "document_id", "number", "body_html", "content_hash"
        )
    }
    comparisons = compare_each(
        [
            (found[document_id, first], found[document_id, last])
            for document_id, first, last in pairs
        ]
    )
    return {
        document_id: comparison
        for (document_id, _, _), comparison in zip(pairs, comparisons, strict=True)
    }


def _effective(version: Version, newer: Version | None) -> str:
    """How a version announced for later is marked: when it applies, or that it
    was withdrawn (the next version, listed just before it, came first)."""
    if version.effective_at is None:
        return ""
    if withdrawn_before_applied(
        version.effective_at, newer.published_at if newer else None
    ):
        return "withdrawn before it applied"
    return f"effective {day_label(version.effective_at)}"


def digest_email(
    user: User, changes: list[Version], *, unsubscribe_url: str = ""
) -> EmailMultiAlternatives:
    """The digest of `changes` for `user`, as text and HTML; with a link to stop
    these emails when `unsubscribe_url` is given."""
    base_url = settings.SAMEPAGE_BASE_URL.rstrip("/")
    groups = _email_groups(changes, base_url)
    # Counted in the digest page's and the badge's unit: documents, then versions.
    waiting = describe_waiting(len(groups), len(changes))
    today = timezone.localdate()
    week_ago = timezone.now() - timedelta(days=EMAIL_NEWS_DAYS)
    audiences = audiences_for_teams(user_teams(user))
    context = {
        "user": user,
        "groups": groups,
        "waiting": waiting,
        "today": today,
        "exceptions": exceptions_granted_since(
            audiences=audiences, since=week_ago, today=today
        ),
        "field_reports": field_reports_of_week(today) if user.in_sales else [],
        "digest_url": base_url + reverse("docs_registry:digest"),
        "profile_url": base_url + reverse("docs_registry:profile"),
        "unsubscribe_url": unsubscribe_url,
    }
    subject = f"Samepage: {waiting}"
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("docs_registry/email/digest.txt", context),
        to=[user.email],
    )
    message.attach_alternative(
        render_to_string("docs_registry/email/digest.html", context), "text/html"
    )
    return message
