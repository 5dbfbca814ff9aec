"""The "what changed" digest: per person (what they have not yet acknowledged or
seen) and per team over a period (the page for the sales-and-support meeting).

Both are built from the same stored versions, so a change addressed to both teams
reads the same, word for word, in either digest."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import NamedTuple

from django.db.models import (
    F,
    FilteredRelation,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.template.defaultfilters import pluralize

from ..caching import cache_key, remember, waiting_totals
from ..diffing import DiffStats, compare_each
from ..models import (
    Audience,
    Document,
    User,
    Version,
)
from ..prepared import JOINED_BY_KEY, Param, PreparedQuery, prepared
from .documents import VERSION_LINE_FIELDS, withdrawn_before_applied


def audiences_for_teams(teams: list[str]) -> list[str]:
    """The audience values addressed to any of `teams`."""
    return [*teams, Audience.BOTH] if teams else []


def user_teams(user: User) -> list[str]:
    return [team for team in ("sales", "support") if getattr(user, f"in_{team}")]


def _pending_documents(user: User | Param) -> QuerySet[Document]:
    """Documents with a change waiting for the user (a major version not
    acknowledged, a minor one not shown or dismissed: pending.pending_baseline),
    each annotated with `baseline`, the last version the user already knows, and
    `needs_acknowledgment`. Read
    from the user's own rows, kept in step with every write (pending.py), so the
    cost follows what waits for them, not the archive."""
    waiting = FilteredRelation("pending_for", condition=Q(pending_for__user=user))
    return (
        Document.objects.annotate(waiting=waiting)
        .filter(waiting__isnull=False)
        .annotate(
            baseline=F("waiting__baseline"),
            needs_acknowledgment=F("waiting__needs_acknowledgment"),
        )
    )


def pending_versions(user: User) -> QuerySet[Version]:
    """The versions the digest lists: each pending document's versions after its
    baseline."""
    return Version.objects.filter(
        document__pending_for__user=user,
        number__gt=F("document__pending_for__baseline"),
    )


@dataclass(frozen=True)
class Waiting:
    """What waits for a person, in the one unit every place counts: documents
    changed, and how many versions those changes span."""

    documents: int
    versions: int

    def __bool__(self) -> bool:
        return bool(self.documents)

    def __str__(self) -> str:
        return describe_waiting(self.documents, self.versions)


def describe_waiting(documents: int, versions: int) -> str:
    """ "3 documents changed (5 versions)": the same words on the badge's label,
    the digest's heading and the email."""
    text = f"{documents} document{pluralize(documents)} changed"
    if versions != documents:
        text += f" ({versions} version{pluralize(versions)})"
    return text


def waiting_count(request) -> Waiting:
    """What waits for the signed-in person, as their digest state keeps it
    (pending.py moves it with their rows, in the same transaction): read with the
    request's counters, so no page asks for it on its own, and never stale."""
    if not user_teams(request.user):
        return Waiting(0, 0)  # nothing is addressed to someone in no team
    return Waiting(*waiting_totals(request))


# A digest entry lists at most this many of the versions since the baseline,
# newest first, so its cost and size do not grow with how long the reader was away.
DIGEST_VERSIONS_LISTED = 10


@dataclass
class DigestEntry:
    """One document in a digest: the versions since `baseline` and the change from
    the baseline to the current version."""

    document: Document
    baseline: int  # the last version the reader already knew; 0 for none
    versions: list[Version] = field(default_factory=list)
    diff: str = ""  # the rendered comparison
    stats: DiffStats | None = None
    too_different: bool = False

    @property
    def needs_acknowledgment(self) -> bool:
        # Said by the reader's own rows (pending.py), which count every version
        # since the baseline, not only those listed. A team digest shows none.
        return bool(getattr(self.document, "needs_acknowledgment", False))

    # Worked out once: each version read for the entry asks (a hundred a page).
    @cached_property
    def current_number(self) -> int:
        # A change announced for later is read before it applies.
        return self.document.newest_version.number

    @cached_property
    def first_listed(self) -> int:
        """The oldest version listed: the newest `DIGEST_VERSIONS_LISTED` at most."""
        return max(self.baseline + 1, self.current_number - DIGEST_VERSIONS_LISTED + 1)

    @property
    def earlier(self) -> int:
        """Versions since the baseline left out of the list (the history has them)."""
        return self.first_listed - self.baseline - 1


def _for_digest(documents: QuerySet[Document]) -> QuerySet:
    return (
        documents.select_related("owner", "category", "current_version")
        .select_related("pending_version")
        .defer(
            "current_version__body",
            "current_version__body_html",
            "pending_version__body",
            "pending_version__body_html",
        )
        .order_by("-changed_at", "doc_id")
    )


# What a digest page shows of each document (listing.digest_entries, the forms):
# 21 columns of the 62 the joins hold, read, kept and made into objects in half
# the time.
DIGEST_DOCUMENT_FIELDS = (
    "doc_id",
    "title",
    "audience",
    "changed_at",
    "owner_id",
    "category_id",
    "current_version_id",
    "pending_version_id",
    *(f"owner__{name}" for name in User.NAME_FIELDS),
    "category__name",
    "current_version__number",
    "pending_version__number",
)


def user_digest_documents(user: User | Param) -> QuerySet[Document]:
    """Documents with something pending for the user, most recently changed first,
    each with its baseline (see `_pending_documents`). Ordered by the person's own
    rows, whose index holds that order: a page reads its 20 rows, not a sort of
    everything pending (all 10,000 documents, for someone who just joined)."""
    return (
        _for_digest(_pending_documents(user))
        .only(*DIGEST_DOCUMENT_FIELDS)
        .order_by("-waiting__published_at", "waiting__document_id")
    )


class PendingDocuments:
    """The person's pending documents (`user_digest_documents`), for Paginator: the
    count is the waiting count's (`waiting`, which gives it), and each page's
    documents (with their baselines) are kept under the person's reader revision
    (caching.reader_revision): the content counter, which every publish,
    retirement, change of audience or team moves, and the person's own readings."""

    def __init__(self, user: User, reader_revision: tuple[int, int], waiting):
        self.user = user
        self.facts = (user.pk, reader_revision)
        self.waiting = waiting

    def count(self) -> int:
        return self.waiting().documents

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list[Document]:
        # Kept as rows: pickling the ten documents with what they join took 0.6 ms.
        rows = remember(
            cache_key("digest-page", *self.facts, window.start, window.stop),
            lambda: _DIGEST_DOCUMENTS.rows(window=window, user=self.user.pk),
        )
        return _DIGEST_DOCUMENTS.objects(rows)


_DIGEST_DOCUMENTS = PreparedQuery(
    lambda: user_digest_documents(Param("user", IntegerField()))
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
    return _for_digest(
        documents.annotate(
            baseline=Coalesce(Subquery(before, output_field=IntegerField()), Value(0))
        )
    )


def digest_entries(documents: list[Document]) -> list[DigestEntry]:
    """Fill in versions (the newest `DIGEST_VERSIONS_LISTED`) and changes for one
    page of documents, in one query for their versions whatever the page holds
    (and one for their stored comparisons)."""
    if not documents:
        return []
    entries = {
        document.pk: DigestEntry(document, document.baseline) for document in documents
    }
    values = {}
    for index, entry in enumerate(entries.values()):
        values |= {
            f"document{index}": entry.document.pk,
            f"from{index}": entry.first_listed,
            f"baseline{index}": entry.baseline,  # 0: none, and no version is 0
        }
    numbered: dict[int, dict[int, Version]] = defaultdict(dict)
    # Each version's publisher looked up by key (JOINED_BY_KEY), not the staff
    # hashed to name them.
    versions = prepared(_digest_versions, len(entries), setting=JOINED_BY_KEY)
    for version in versions.run(**values):
        entry = entries[version.document_id]
        numbered[entry.document.pk][version.number] = version
        if version.number < entry.first_listed:
            continue  # the baseline, read for the comparison alone
        newer = entry.versions
        # Newest first: the version after this one, if any, was just listed.
        version.withdrawn = withdrawn_before_applied(
            version.effective_at, newer[-1].published_at if newer else None
        )
        newer.append(version)
    _add_changes(entries.values(), numbered)
    return list(entries.values())


def _add_changes(entries, numbered: dict[int, dict[int, Version]]) -> None:
    """The comparison from each baseline to the current version, of the versions
    read (`numbered`: by document and number)."""
    pairs = [
        (
            numbered[entry.document.pk].get(entry.baseline),
            numbered[entry.document.pk][entry.current_number],
        )
        for entry in entries
    ]
    # Towards each document's newest version: stored (see StoredComparison). The
    # page shows each change's HTML, not its plain text (an email's).
    compared = compare_each(pairs, store=True, text=False)
    for entry, comparison in zip(entries, compared, strict=True):
        entry.diff, entry.stats = comparison.html, comparison.stats
        entry.too_different = comparison.too_different


# Prepared once for each number of documents a digest page lists (1 to 10).
def _digest_versions(count: int) -> QuerySet[Version]:
    """The newest versions of `count` documents, each from a number on (the
    current one among them), and each one's baseline: what the entries list and
    the two versions each compares (without their bodies: compare_each reads them
    only if it needs them). One query rather than one for each: a round trip is
    0.2 ms of a digest."""
    wanted = Q()
    for index in range(count):
        baseline = Param(f"baseline{index}", IntegerField())
        wanted |= Q(document_id=Param(f"document{index}", IntegerField())) & (
            Q(number__gte=Param(f"from{index}", IntegerField())) | Q(number=baseline)
        )
    return (
        Version.objects.filter(wanted)
        .select_related("published_by")
        .only(*VERSION_LINE_FIELDS, "content_hash")
        .order_by("-number")
    )


class Readings(NamedTuple):
    """The newest version of a document a person acknowledged, and the newest
    they were shown (0: none)."""

    acknowledged: int
    shown: int

    @property
    def known(self) -> int:
        return max(self.acknowledged, self.shown)
