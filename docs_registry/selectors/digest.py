"""The "what changed" digest: per person (what they have not yet acknowledged or
seen) and per team over a period (the page for the sales-and-support meeting).

Both are built from the same stored versions, so a change addressed to both teams
reads the same, word for word, in either digest."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.db.models import (
    DateTimeField,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce

from ..caching import cache_key, remember
from ..diffing import DiffStats, diff_versions
from ..models import Acknowledgment, Audience, DigestState, Document, User, Version

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def audiences_for_teams(teams: list[str]) -> list[str]:
    """The audience values addressed to any of `teams`."""
    return [*teams, Audience.BOTH] if teams else []


def user_teams(user: User) -> list[str]:
    return [team for team in ("sales", "support") if getattr(user, f"in_{team}")]


def _last_acknowledged(user: User, document_ref: str = "document"):
    newest = (
        Acknowledgment.objects.filter(user=user, document=OuterRef(document_ref))
        .order_by("-number")
        .values("number")[:1]
    )
    return Coalesce(Subquery(newest, output_field=IntegerField()), Value(0))


def _seen_at(user: User):
    seen_at = DigestState.objects.filter(user=user).values("seen_at")[:1]
    return Coalesce(
        Subquery(seen_at, output_field=DateTimeField()),
        Value(_EPOCH, output_field=DateTimeField()),
    )


def _pending_documents(user: User) -> QuerySet[Document]:
    """Documents with a version the user has not acknowledged (major) or not been
    shown (minor), decided on the document row alone: a major one is pending when
    the latest major version is past the user's acknowledgment; a minor one when
    the current version is, and was published after the user last looked (versions
    are published in order, so the current one is the newest)."""
    seen_at = _seen_at(user)
    return (
        Document.objects.filter(
            status=Document.Status.ACTIVE,
            audience__in=audiences_for_teams(user_teams(user)),
        )
        .annotate(acknowledged=_last_acknowledged(user, "pk"))
        .filter(
            Q(latest_major_number__gt=F("acknowledged"))
            | Q(
                current_version__number__gt=F("acknowledged"),
                current_version__published_at__gt=seen_at,
            )
        )
    )


def pending_versions(user: User) -> QuerySet[Version]:
    """The versions themselves: those past the user's acknowledgment that are
    major, or minor and not yet shown. Only versions of pending documents are
    looked at, so the cost follows what is pending, not the whole archive."""
    return (
        Version.objects.filter(document__in=_pending_documents(user).values("pk"))
        .annotate(acknowledged=_last_acknowledged(user))
        .filter(number__gt=F("acknowledged"))
        .filter(
            Q(significance=Version.Significance.MAJOR)
            | Q(published_at__gt=_seen_at(user))
        )
    )


def pending_count(user: User) -> int:
    return pending_versions(user).count()


def waiting_count(user: User, revision: int) -> int:
    """`pending_count`, cached. Every page shows it, and counting looks at every
    document addressed to the person (30 ms with 10,000). The key holds all the
    count depends on: the revision, which every publish, retirement, change of
    audience or team, acknowledgment and digest visit moves (see caching.py), so a
    cached count is never stale."""
    key = cache_key("waiting", user.pk, revision)
    return remember(key, lambda: pending_count(user))


@dataclass
class DigestEntry:
    """One document in a digest: the versions since `baseline` and the change from
    the baseline to the current version."""

    document: Document
    baseline: int  # the last version the reader already knew; 0 for none
    versions: list[Version] = field(default_factory=list)
    diff: str = ""
    stats: DiffStats | None = None

    @property
    def needs_acknowledgment(self) -> bool:
        return any(version.is_major for version in self.versions)

    @property
    def current_number(self) -> int:
        return self.document.current_version.number


def _documents_with_baseline(documents: QuerySet[Document], baseline) -> QuerySet:
    return (
        documents.select_related("owner", "category", "current_version")
        .defer("current_version__body", "current_version__body_html")
        .annotate(baseline=baseline)
        .order_by("-current_version__published_at", "doc_id")
    )


def user_digest_documents(user: User) -> QuerySet[Document]:
    """Documents with something pending for the user, most recently changed first;
    the baseline is the last version they acknowledged."""
    return _documents_with_baseline(_pending_documents(user), F("acknowledged"))


class PendingDocuments:
    """The person's pending documents (`user_digest_documents`), for Paginator: the
    count and each page's documents (with their baselines) are cached under the
    revision (see caching.py), which moves with anything that could change them:
    deciding what is pending looks at every document addressed to them."""

    def __init__(self, user: User, revision: int):
        self.user = user
        self.facts = (user.pk, revision)

    def count(self) -> int:
        return remember(
            cache_key("digest-count", *self.facts),
            lambda: user_digest_documents(self.user).count(),
        )

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list[Document]:
        return remember(
            cache_key("digest-page", *self.facts, window.start, window.stop),
            lambda: list(user_digest_documents(self.user)[window]),
        )


def team_digest_documents(team: str, since: datetime) -> QuerySet[Document]:
    """Documents addressed to `team` with versions published since `since`; the
    baseline is the last version published before then."""
    before = (
        Version.objects.filter(document=OuterRef("pk"), published_at__lt=since)
        .values("document")
        .annotate(newest=Max("number"))
        .values("newest")
    )
    changed = Version.objects.filter(published_at__gte=since).values("document_id")
    documents = Document.objects.filter(
        pk__in=changed,
        status=Document.Status.ACTIVE,
        audience__in=audiences_for_teams([team]),
    )
    return _documents_with_baseline(
        documents, Coalesce(Subquery(before, output_field=IntegerField()), Value(0))
    )


def digest_entries(documents: list[Document]) -> list[DigestEntry]:
    """Fill in versions and changes for one page of documents, in two queries
    whatever the page holds."""
    if not documents:
        return []
    entries = {
        document.pk: DigestEntry(document, document.baseline) for document in documents
    }
    wanted = Q()
    for entry in entries.values():
        wanted |= Q(document_id=entry.document.pk, number__gt=entry.baseline)
    summaries = (
        Version.objects.filter(wanted)
        .select_related("published_by")
        .defer("body", "body_html")
        .order_by("-number")
    )
    for version in summaries:
        entries[version.document_id].versions.append(version)
    _add_changes(entries.values())
    return list(entries.values())


def _add_changes(entries) -> None:
    """The comparison from each baseline to the current version."""
    wanted = Q(pk__in=[])
    for entry in entries:
        numbers = [entry.current_number] + ([entry.baseline] if entry.baseline else [])
        wanted |= Q(document_id=entry.document.pk, number__in=numbers)
    versions: dict[int, dict[int, Version]] = defaultdict(dict)
    for version in Version.objects.filter(wanted).only(
        "document_id", "number", "body", "content_hash"
    ):
        versions[version.document_id][version.number] = version
    for entry in entries:
        found = versions[entry.document.pk]
        entry.diff, entry.stats = diff_versions(
            found.get(entry.baseline), found[entry.current_number]
        )


def changed_since(documents: list[Document], seen_at) -> bool:
    """Whether any of these documents has a version published after `seen_at`."""
    return any(
        seen_at is None or document.current_version.published_at > seen_at
        for document in documents
    )


def last_acknowledged_number(user: User, document: Document) -> int:
    newest = (
        Acknowledgment.objects.filter(user=user, document=document)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    return newest or 0


def digest_seen_at(user: User) -> datetime | None:
    """When the person last looked at their digest (None: never)."""
    return (
        DigestState.objects.filter(user=user).values_list("seen_at", flat=True).first()
    )
