"""The registry's tables. Rules about how rows change live in services.py."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length, Lower
from django.db.models.lookups import Exact
from django.dispatch import receiver
from django.utils.text import slugify
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record

from .addresses import address

SUMMARY_MAX_LENGTH = 500
TITLE_MAX_LENGTH = 200

prefix_validator = RegexValidator(
    r"^[A-Z]{2,5}$",
    "An ID prefix is 2 to 5 capital letters, e.g. PRC.",
    code="invalid_prefix",
)


class Team(models.TextChoices):
    SALES = "sales", "Sales"
    SUPPORT = "support", "Support"


class Audience(models.TextChoices):
    SALES = "sales", "Sales"
    SUPPORT = "support", "Support"
    BOTH = "both", "Sales and Support"


class User(AbstractUser):
    """A member of staff: on the Sales team, the Support team or both."""

    in_sales = models.BooleanField("Sales team", default=False)
    in_support = models.BooleanField("Support team", default=False)
    is_manager = models.BooleanField(
        "manager",
        default=False,
        help_text="Managers create documents, assign and transfer ownership, "
        "retire documents and see the change history of everything.",
    )
    # Who changed a person's teams, role or name, and when. Signing in is not a
    # change (see apps.py); passwords stay out of the history.
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    # What display_name reads: lists that show people load only these columns.
    NAME_FIELDS = ("username", "first_name", "last_name")

    @classmethod
    def fields_not_shown(cls, relation: str) -> list[str]:
        """The fields of a person joined through `relation` that no page shows,
        for `defer()`: all but their name, address and whether they are active.
        What pages read is kept in the cache (Redis, when shared): the password
        hash, sign-in times and roles stay out of it."""
        shown = {"id", "is_active", "email", *cls.NAME_FIELDS}
        return [
            f"{relation}__{field.name}"
            for field in cls._meta.concrete_fields
            if field.name not in shown
        ]

    @property
    def display_name(self) -> str:
        return self.name_from(self.username, self.first_name, self.last_name)

    @staticmethod
    def name_from(username: str, first_name: str, last_name: str) -> str:
        """A person's name as pages show it: their full name, else their
        username (for rows read as plain values)."""
        return f"{first_name} {last_name}".strip() or username

    @property
    def teams(self) -> list[str]:
        return [
            label
            for member, label in (
                (self.in_sales, "Sales"),
                (self.in_support, "Support"),
            )
            if member
        ]

    def __str__(self) -> str:
        return self.display_name


class Category(models.Model):
    """A kind of document; its prefix starts every document ID in it."""

    name = models.CharField(max_length=100, unique=True)
    prefix = models.CharField(
        max_length=5,
        unique=True,
        validators=[prefix_validator],
        help_text="2–5 capital letters. Fixed once the category has documents.",
    )
    description = models.CharField(max_length=300, blank=True)
    # The last number handed out under this prefix. Only ever incremented, so an
    # ID is never reused, not even after a document is retired.
    last_number = models.PositiveIntegerField(default=0, editable=False)
    review_interval_days = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="How often its documents are confirmed accurate; 90 days when empty.",
    )

    # Kept out of the history table: altering it would need its append-only
    # triggers reinstalled (SQLite rebuilds altered tables).
    history = HistoricalRecords(excluded_fields=["last_number", "review_interval_days"])

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.label(self.name, self.prefix)

    @staticmethod
    def label(name: str, prefix: str) -> str:
        """How a category is named in a list: "Pricing (PRC)"."""
        return f"{name} ({prefix})"


class ChangeKind(models.TextChoices):
    """What a metadata change was, stored with each history record so the managers'
    change history can filter on it."""

    CREATED = "created", "Created"
    TRANSFER = "transfer", "Ownership transfer"
    RETIRED = "retired", "Retired"
    DETAILS = "details", "Details changed"
    REVIEWED = "reviewed", "Confirmed accurate"


class RecordsChangeKind(models.Model):
    """Extra column on Document's history records (set by services)."""

    change_kind = models.CharField(
        max_length=10, choices=ChangeKind.choices, blank=True
    )

    class Meta:
        abstract = True


@receiver(pre_create_historical_record)
def _copy_change_kind(sender, instance, history_instance, **kwargs):
    # simple-history fills only its own columns; services set `_change_kind`.
    if isinstance(history_instance, RecordsChangeKind):
        history_instance.change_kind = getattr(instance, "_change_kind", "")


class Document(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        RETIRED = "retired", "Retired"

    doc_id = models.CharField("document ID", max_length=16, unique=True, editable=False)
    category = models.ForeignKey(Category, on_delete=models.PROTECT)
    title = models.CharField(max_length=TITLE_MAX_LENGTH)
    audience = models.CharField(max_length=10, choices=Audience.choices)
    owner = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="owned_documents"
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    # Denormalised pointer to the newest Version, so a read is one joined query.
    current_version = models.OneToOneField(
        "Version",
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True, editable=False)
    retired_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    retirement_reason = models.TextField(blank=True, editable=False)
    # The newest version everyone in the audience must acknowledge (minor versions
    # need none). Kept with current_version at publish; coverage reads it.
    latest_major_number = models.PositiveIntegerField(default=1, editable=False)
    # When the current version was published, kept with current_version at publish:
    # "recently changed" lists read it from an index instead of sorting every
    # document by its version's time.
    changed_at = models.DateTimeField(null=True, editable=False)
    # A version published with a future effective date waits here until then
    # (see services.documents.document_changes_apply); its moment is kept beside
    # it, indexed, so "is anything due?" is one look-up on every request.
    pending_version = models.ForeignKey(
        "Version",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    pending_effective_at = models.DateTimeField(
        null=True, blank=True, editable=False, db_index=True
    )
    review_interval_days = models.PositiveIntegerField(
        null=True, blank=True, help_text="Empty: the category's interval."
    )
    # When the owner last confirmed the document accurate (a publish counts).
    last_reviewed_at = models.DateTimeField(null=True, blank=True, editable=False)

    # Metadata only: publishes are recorded in the Version table, reviews as history
    # records of their own kind.
    history = HistoricalRecords(
        excluded_fields=[
            "current_version",
            "latest_major_number",
            "changed_at",
            "pending_version",
            "pending_effective_at",
            "review_interval_days",
            "last_reviewed_at",
        ],
        bases=[RecordsChangeKind],
    )

    class Meta:
        ordering = ["doc_id"]
        indexes = [
            models.Index(fields=["status", "doc_id"]),
            models.Index(
                fields=["status", "-changed_at", "doc_id"],
                name="document_recently_changed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.doc_id} {self.title}"

    def get_absolute_url(self) -> str:
        return address("docs_registry:document", self.doc_id)

    @property
    def teams(self) -> tuple[str, ...]:
        """The teams this document is addressed to."""
        if self.audience == Audience.BOTH:
            return (Team.SALES, Team.SUPPORT)
        return (self.audience,)

    @property
    def is_retired(self) -> bool:
        return self.status == self.Status.RETIRED

    @property
    def citation(self) -> str:
        number = self.current_version.number if self.current_version else 0
        return f"{self.doc_id} v{number}"

    @property
    def newest_version(self) -> Version | None:
        """The newest published version: the pending one if a change is announced,
        else the current one. Drafts start from it; acknowledging it counts."""
        if self.pending_version_id is not None:
            return self.pending_version
        return self.current_version


class Version(models.Model):
    """A published version. Append-only: never updated, never deleted."""

    class Significance(models.TextChoices):
        MAJOR = "major", "Major — everyone in the audience must acknowledge"
        MINOR = "minor", "Minor — typo-level, no acknowledgment needed"

    document = models.ForeignKey(
        Document, on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=TITLE_MAX_LENGTH)
    body = models.TextField()
    body_html = models.TextField()
    summary = models.CharField("change summary", max_length=SUMMARY_MAX_LENGTH)
    significance = models.CharField(max_length=5, choices=Significance.choices)
    published_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField()
    # When it comes into force, if later than its publication ("new prices from
    # 1 January"); empty: in force from `published_at`. A version is withdrawn
    # before it applied when the next one was published before this moment
    # (derived, never stored: versions are never changed).
    effective_at = models.DateTimeField(null=True, blank=True, editable=False)
    # SHA-256 hex digests set once at publish (see integrity.py): the content, and
    # a chain through every earlier version of the document.
    content_hash = models.CharField(max_length=64, editable=False)
    chain_hash = models.CharField(max_length=64, editable=False)

    class Meta:
        ordering = ["document", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "number"], name="version_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1), name="version_number_positive"
            ),
            models.CheckConstraint(
                condition=Exact(Length("content_hash"), 64),
                name="version_content_hashed",
            ),
            models.CheckConstraint(
                condition=Exact(Length("chain_hash"), 64), name="version_chained"
            ),
        ]
        # The month's changes (meeting pack, team digest, `/api/changes/`) are
        # ranges of publication time; the change history reads the newest first,
        # by time then number, without sorting them all.
        indexes = [
            models.Index(fields=["published_at", "number"], name="version_newest_first")
        ]

    def __str__(self) -> str:
        return f"{self.document.doc_id} v{self.number}"

    def get_absolute_url(self) -> str:
        return address("docs_registry:version", self.document.doc_id, self.number)

    @property
    def is_major(self) -> bool:
        return self.significance == self.Significance.MAJOR

    @property
    def in_force_from(self) -> datetime:
        return self.effective_at or self.published_at


class StoredComparison(models.Model):
    """A comparison of two versions of one document, worked out once and kept here
    (diffing/__init__.py): versions never change, so neither does this, and a page
    read after the cache was emptied shows it without comparing again. Derived, not
    a record: rows of an older `algorithm` are ignored, and it is neither exported
    nor in the history. Kept only towards a document's current version (or a
    change announced for later), so that asking for comparisons cannot fill the
    database faster than owners publish."""

    class Kind(models.TextChoices):
        RENDERED = "compare", "as read"
        SOURCE = "diff", "Markdown source"

    # The versions' content hashes (integrity.py: the bodies compared are part of
    # them), as the cache's keys: equal hashes, equal comparisons. The old one is
    # empty for a comparison with an empty document.
    old_hash = models.CharField(max_length=64, blank=True)
    new_hash = models.CharField(max_length=64)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    algorithm = models.CharField(max_length=8)
    html = models.TextField(blank=True)
    text = models.TextField(blank=True)
    words_added = models.PositiveIntegerField(default=0)
    words_removed = models.PositiveIntegerField(default=0)
    too_different = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["new_hash", "old_hash", "kind", "algorithm"],
                name="stored_comparison_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.old_hash[:8] or '-'} → {self.new_hash[:8]}"


class Draft(models.Model):
    """The owner's private working copy of a document's next version."""

    document = models.OneToOneField(
        Document, on_delete=models.CASCADE, related_name="draft"
    )
    author = models.ForeignKey(User, on_delete=models.CASCADE, related_name="drafts")
    base_number = models.PositiveIntegerField(
        help_text="The version this draft was started from."
    )
    title = models.CharField(max_length=TITLE_MAX_LENGTH)
    body = models.TextField()
    summary = models.CharField(max_length=SUMMARY_MAX_LENGTH, blank=True)
    significance = models.CharField(
        max_length=5,
        choices=Version.Significance.choices,
        default=Version.Significance.MAJOR,
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Draft of {self.document.doc_id} (based on v{self.base_number})"


class Acknowledgment(models.Model):
    """A person confirmed having read a document at a version, and so every earlier
    version. Append-only: a row is never changed or deleted."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    document = models.ForeignKey(
        Document, on_delete=models.PROTECT, related_name="acknowledgments"
    )
    number = models.PositiveIntegerField()
    acknowledged_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "document", "number"], name="acknowledgment_unique"
            )
        ]
        indexes = [
            models.Index(fields=["document", "number"]),
            # A person's acknowledgments, newest first.
            models.Index(fields=["user", "id"]),
        ]

    def __str__(self) -> str:
        return f"{self.user} read {self.document.doc_id} v{self.number}"


class SeenVersion(models.Model):
    """A person was shown a document at a version: its current version page, or
    "Mark these as seen" in the digest. Minor changes need no acknowledgment, so
    being shown them is what takes them off the person's digest. Rows are only
    added (the newest per person is part of the cache key of their pages)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="+")
    number = models.PositiveIntegerField()
    seen_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "document", "number"], name="seen_version_unique"
            )
        ]
        indexes = [models.Index(fields=["user", "id"])]

    def __str__(self) -> str:
        return f"{self.user} was shown {self.document.doc_id} v{self.number}"


class DigestState(models.Model):
    """Where a person is with the digest: answers and glossary changes up to
    `seen_at` were dismissed ("Mark these as seen"); the email digest has covered
    changes up to `emailed_through`."""

    user = models.OneToOneField(
        User, on_delete=models.CASCADE, primary_key=True, related_name="digest_state"
    )
    seen_at = models.DateTimeField(null=True, blank=True)
    emailed_through = models.DateTimeField(null=True, blank=True)
    # Moved with each of the person's own readings (acknowledgments, versions
    # shown, dismissals) in the same transaction: what is kept for them alone is
    # keyed by it (revisions.py), so another person's reading never empties it.
    readings = models.BigIntegerField(default=0, editable=False)
    # What waits for the person: how many documents (their PendingDocument rows)
    # and the versions those span. Moved with those rows, in the same transaction
    # (pending.py): every page's header shows them, read with the counters
    # (caching.py) rather than counted on a query of its own.
    waiting_documents = models.PositiveIntegerField(default=0, editable=False)
    waiting_versions = models.PositiveIntegerField(default=0, editable=False)

    def __str__(self) -> str:
        return f"Digest state of {self.user}"


class DocumentOwner(models.Model):
    """A person who owns at least one document: the browse and search filters'
    owners. Derived, never edited by hand: docs_registry/owners.py keeps these
    rows in step with every save of a document, in the same transaction."""

    user = models.OneToOneField(
        User, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.user} owns documents"


class CoverageCount(models.Model):
    """How many active people on each team have acknowledged a document's latest
    major version (or a later one): the coverage report's counts. Derived, never
    edited by hand: docs_registry/coverage_counts.py keeps them in step with
    every acknowledgment, publish, change of audience and change of a person's
    teams, in the same transaction."""

    document = models.OneToOneField(
        Document,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="coverage_count",
    )
    sales = models.PositiveIntegerField(default=0)
    support = models.PositiveIntegerField(default=0)
    # On either team: a person on both counts once (a document for both teams).
    either = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.document_id}: {self.sales} sales, {self.support} support"


class PendingDocument(models.Model):
    """A document with a change waiting for a person: a major version they have not
    acknowledged, or a minor one they have not been shown. Derived, never edited
    by hand: docs_registry/pending.py keeps these rows in step with publishes,
    acknowledgments, versions shown, dismissals, audiences and teams, in the same
    transaction as each of them (and each person's totals, on DigestState). So the
    digest reads a person's own few rows, whatever the archive holds."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    document = models.ForeignKey(
        Document, on_delete=models.CASCADE, related_name="pending_for"
    )
    # The last version the person already knows (0: none); the digest shows the
    # change from it to the current version.
    baseline = models.PositiveIntegerField()
    # How many versions the change spans: current number minus baseline.
    versions = models.PositiveIntegerField()
    needs_acknowledgment = models.BooleanField()
    # The current version's publication time: the digest's order.
    published_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "document"], name="pending_document_unique"
            )
        ]
        indexes = [
            models.Index(
                fields=["user", "-published_at", "document"],
                name="pending_document_newest",
            )
        ]

    def __str__(self) -> str:
        return f"{self.document_id} waits for {self.user_id} since v{self.baseline}"


class GlossaryTerm(models.Model):
    """A standard term both teams use, and the wording to avoid instead of it."""

    term = models.CharField(max_length=100)
    definition = models.TextField()
    audience = models.CharField(
        max_length=10, choices=Audience.choices, default=Audience.BOTH
    )
    avoid = models.TextField(
        "words to avoid",
        blank=True,
        help_text="One word or phrase a line, e.g. “Gold plan”. Plurals are listed "
        "as words of their own.",
    )
    owner = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="glossary_terms",
        help_text="Besides managers, the owner may change this term.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = [Lower("term")]
        constraints = [
            models.UniqueConstraint(Lower("term"), name="glossary_term_unique")
        ]

    def __str__(self) -> str:
        return self.term

    @property
    def avoided(self) -> list[str]:
        return [line.strip() for line in self.avoid.splitlines() if line.strip()]

    @property
    def anchor(self) -> str:
        return "term-" + slugify(self.term, allow_unicode=True)


class Question(models.Model):
    """A question, or a report that something is missing or wrong, on a document:
    routed to its owner, answered by the owner, shown to everyone once answered.
    Closed, never deleted."""

    class Kind(models.TextChoices):
        QUESTION = "question", "Question"
        REPORT = "report", "Something is missing or wrong"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ANSWERED = "answered", "Answered"
        CLOSED = "closed", "Closed"

    document = models.ForeignKey(
        Document, on_delete=models.PROTECT, related_name="questions"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.QUESTION)
    text = models.TextField()
    quote = models.TextField(
        blank=True, help_text="Optional: the passage the question is about."
    )
    asked_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    asked_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default="open")
    answer = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_in = models.PositiveIntegerField(
        null=True, blank=True, help_text="The version that resolved it, if any."
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    # Each ask, answer and close is recorded (and moves the revision that kept
    # pages follow, see revisions.py).
    history = HistoricalRecords()

    class Meta:
        ordering = ["-asked_at"]
        indexes = [
            models.Index(fields=["document", "status"]),
            models.Index(fields=["status", "asked_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.document.doc_id}: {self.text[:40]}"


class ApiToken(models.Model):
    """A personal token for the JSON API. Only its SHA-256 is stored: the token
    itself is shown once, when it is created."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    # The first characters of the token, so its owner can tell tokens apart.
    key_prefix = models.CharField(max_length=12, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…) of {self.user}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class Revision(models.Model):
    """Numbers moved forward in the same transaction as the writes they count
    (docs_registry/revisions.py): row 1 by every write that can change what a page
    shows, row 2 by those that can change what waits for anyone (everything but a
    person's own readings). Kept pages are keyed by them (caching.py). Their UPDATE
    locks the row until commit, so numbers follow commit order: a reader who sees
    number N sees every write counted up to N."""

    number = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"Revision {self.number}"
