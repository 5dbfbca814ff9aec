"""`manage.py seed_bench`: the benchmark's data set, written in bulk.

10,000 documents × 20 versions of about 3 KB, 500 people across both teams, and
acknowledgments from half of them (every document addressed to them, at its current
version), plus `bench-reader` (both teams) with 500 changes waiting in the digest
and `bench-manager`. Years of history: each document's versions are 50 days apart.
From the field: 20 exceptions in force against the first document (the one the
benchmark reads), 480 more across others (some ended), and 5,000 field reports
with sightings; and on that document, a change announced for later (published
through the service, as an owner would). Both are added to a data set seeded
before they existed.

The rows are what the services would have written — creation history records, a
sealed hash chain per document (`verify_history` passes), the search index — but
inserted a few thousand at a time instead of one publish at a time. Each version
rewrites one sentence of the one before (see Corpus); the HTML is composed, not
rendered 200,000 times, and checked against the renderer on a sample.
Accounts get no usable password (the benchmark signs in with a session it makes).
"""

from __future__ import annotations

import csv
import io
import random
import time
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, reset_queries, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from docs_registry import coverage_counts, integrity, owners, pending
from docs_registry.models import (
    Acknowledgment,
    Audience,
    Category,
    ChangeKind,
    Document,
    User,
    Version,
)
from docs_registry.rendering import render_markdown
from docs_registry.revisions import revision_bump
from docs_registry.search import search_rebuild
from docs_registry.services.documents import document_publish
from field.models import CustomerException, FieldReport, Sighting

READER, MANAGER = "bench-reader", "bench-manager"
CATEGORIES = [
    ("Pricing", "PRC"),
    ("Support policy", "SUP"),
    ("Product facts", "PRD"),
    ("Objection handling", "OBJ"),
    ("Troubleshooting", "TRB"),
    ("Legal and compliance", "LEG"),
    ("Onboarding", "ONB"),
    ("Integrations", "INT"),
]
OWNERS = 50
VERSION_SPACING = timedelta(days=50)
# The reader acknowledged these documents only up to this version: with 20
# versions that is 5 pending changes each, 500 for 100 documents.
READER_BEHIND_DOCUMENTS = 100
READER_BEHIND_AT = 15
BATCH = 200  # documents per round of inserts (their versions: BATCH × versions)

WORDS = (
    "customer account invoice refund policy contract renewal discount price plan "
    "tier seat licence trial upgrade downgrade billing payment card transfer order "
    "quote proposal approval manager support ticket priority response time hour "
    "escalation engineer outage incident status page service level credit uptime "
    "backup restore export import data privacy security audit compliance region "
    "integration webhook token access role permission team admin user login single "
    "sign on password reset mobile desktop browser version release feature roadmap "
    "request feedback survey onboarding training webinar guide article answer "
    "question call email chat phone partner reseller channel volume annual monthly "
    "cancel notice period term renewal promise warranty liability limit storage "
    "report dashboard analytics alert notification schedule holiday weekend "
    "hardware device replacement shipping delivery returns damaged faulty"
).split()


SYLLABLES = "ka lo mi ren tas vel dor pin sul bar gen ow ti ra nel fos quin"


def _vocabulary(rng: random.Random) -> list[str]:
    """Common business words, then a long tail of rarer made-up product names,
    so some words are in nearly every document and most in few."""
    syllables = SYLLABLES.split()
    tail = {
        "".join(rng.choice(syllables) for _ in range(rng.randint(2, 4)))
        for _ in range(3000)
    }
    return WORDS + sorted(tail)


class Corpus:
    """Titles and bodies for every (document, version), with their HTML.

    A body is six blocks of five sentences (the last block a list); each new
    version rewrites one sentence, as a real revision does. Sentences come from a
    fixed pool; their HTML is composed the way Markdown renders plain sentences
    (only letters, spaces and full stops), which `check` compares with the
    renderer on a sample."""

    BLOCKS, SENTENCES = 6, 5

    def __init__(self, seed: int):
        rng = random.Random(seed)  # noqa: S311 -- sample text, not secrets
        vocabulary = _vocabulary(rng)
        common = len(WORDS)
        self.sentences = []
        for _ in range(5000):
            words = [
                rng.choice(vocabulary[:common])
                if rng.random() < 0.6
                else rng.choice(vocabulary[common:])
                for _ in range(rng.randint(8, 16))
            ]
            self.sentences.append(" ".join(words).capitalize() + ".")

    def title(self, index: int) -> str:
        words = [WORDS[(index * 7 + shift * 31) % len(WORDS)] for shift in range(3)]
        return f"{' '.join(words).capitalize()} ({index + 1})"

    def _sentence(self, index: int, block: int, line: int, revision: int) -> str:
        key = index * 7919 + block * 613 + line * 97 + revision * 31
        return self.sentences[key % len(self.sentences)]

    def versions(self, index: int, count: int):
        """(body, body_html) of versions 1..count of document `index`."""
        blocks = [
            [self._sentence(index, block, line, 0) for line in range(self.SENTENCES)]
            for block in range(self.BLOCKS)
        ]
        for number in range(1, count + 1):
            if number > 1:  # rewrite one sentence, a different one each time
                edit = number - 2
                block = edit % self.BLOCKS
                line = (edit // self.BLOCKS) % self.SENTENCES
                blocks[block][line] = self._sentence(index, block, line, number)
            yield _markdown(blocks), _html(blocks)


def _is_list(block: int) -> bool:
    return block == Corpus.BLOCKS - 1


def _markdown(blocks: list[list[str]]) -> str:
    return "\n\n".join(
        "\n".join(f"- {sentence}" for sentence in sentences)
        if _is_list(block)
        else " ".join(sentences)
        for block, sentences in enumerate(blocks)
    )


def _html(blocks: list[list[str]]) -> str:
    return "\n".join(
        "<ul>\n" + "".join(f"<li>{s}</li>\n" for s in sentences) + "</ul>"
        if _is_list(block)
        else f"<p>{' '.join(sentences)}</p>"
        for block, sentences in enumerate(blocks)
    )


def _significance(number: int) -> str:
    # Mostly major; a typo-level minor version now and then (never the newest).
    minor = number % 5 == 3
    return Version.Significance.MINOR if minor else Version.Significance.MAJOR


class Command(BaseCommand):
    help = (
        "Fill an empty database with the benchmark's data set (10,000 documents × "
        "20 versions, 500 people, acknowledgments). Does nothing if it is there."
    )

    def add_arguments(self, parser):
        parser.add_argument("--documents", type=int, default=10_000)
        parser.add_argument("--versions", type=int, default=20)
        parser.add_argument("--users", type=int, default=500)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--reports", type=int, default=FIELD_REPORTS)

    def handle(self, *args, documents, versions, users, seed, reports, **options):
        if User.objects.filter(username=READER).exists():
            self.stdout.write("The benchmark data set is already there.")
            if not FieldReport.objects.exists():
                with transaction.atomic():
                    field_data(self.stdout, seed, reports)
                revision_bump()
            announce_a_change(self.stdout)
            return
        if Document.objects.exists():
            raise CommandError(
                "seed_bench fills an empty database; this one already holds "
                "documents. Use another DATABASE_URL (make bench uses bench.sqlite3)."
            )
        if versions <= READER_BEHIND_AT or documents < READER_BEHIND_DOCUMENTS:
            raise CommandError(
                f"Use at least {READER_BEHIND_AT + 1} versions and "
                f"{READER_BEHIND_DOCUMENTS} documents."
            )
        started = time.monotonic()
        seeder = Seeder(self.stdout, Corpus(seed), versions=versions)
        with transaction.atomic():
            seeder.people(users)
            seeder.documents(documents)
            seeder.acknowledgments()
            field_data(self.stdout, seed, reports)
        seeder.step("search index", search_rebuild)
        seeder.step("what waits for each person", pending.rebuild)
        seeder.step("who owns a document", owners.rebuild)
        seeder.step("who has read each document", coverage_counts.rebuild)
        revision_bump()  # rows written in bulk send no signals
        announce_a_change(self.stdout)
        seeder.step("statistics for the query planner", _analyze)
        self.stdout.write(f"Seeded in {time.monotonic() - started:.0f} s.")


class Seeder:
    def __init__(self, stdout, corpus: Corpus, *, versions: int):
        self.stdout = stdout
        self.corpus = corpus
        self.versions = versions
        self.start = timezone.now() - VERSION_SPACING * (versions + 1)

    def step(self, name: str, function, *args):
        began = time.monotonic()
        result = function(*args)
        self.stdout.write(f"  {name}: {time.monotonic() - began:.1f} s")
        return result

    # --- People ---------------------------------------------------------------

    def people(self, count: int) -> None:
        unusable = make_password(None)
        people = [
            User(
                username=f"bench-{index:04d}",
                first_name="Bench",
                last_name=f"Person {index}",
                password=unusable,
                in_sales=index % 3 != 1,
                in_support=index % 3 != 0,
            )
            for index in range(count)
        ]
        people += [
            User(username=READER, password=unusable, in_sales=True, in_support=True),
            User(
                username=MANAGER,
                password=unusable,
                in_sales=True,
                in_support=True,
                is_manager=True,
            ),
        ]
        # With their creation records, as when the admin adds a person.
        bulk_create_with_history(people, User, batch_size=500, default_date=self.start)
        staff = User.objects.filter(username__startswith="bench-").order_by("pk")
        self.manager = User.objects.get(username=MANAGER)
        self.reader = User.objects.get(username=READER)
        self.owners = list(staff.exclude(pk__in=[self.manager.pk, self.reader.pk]))[
            :OWNERS
        ]
        self.acknowledgers = [
            person
            for index, person in enumerate(staff.exclude(pk=self.manager.pk))
            if index % 2 == 0 and person.pk != self.reader.pk
        ]

    # --- Documents and versions -------------------------------------------------

    def documents(self, count: int) -> None:
        categories = self.step("categories", self._categories, count)
        began = time.monotonic()
        for first in range(0, count, BATCH):
            indexes = range(first, min(first + BATCH, count))
            self._document_batch(indexes, categories)
            reset_queries()  # with DEBUG on, Django keeps every query's text
        self.stdout.write(
            f"  {count} documents × {self.versions} versions: "
            f"{time.monotonic() - began:.1f} s"
        )
        self.step("current versions", self._point_to_current)

    def _categories(self, count: int) -> list[Category]:
        per_category = -(-count // len(CATEGORIES))
        categories = [
            Category(name=name, prefix=prefix, last_number=per_category)
            for name, prefix in CATEGORIES
        ]
        bulk_create_with_history(
            categories,
            Category,
            default_user=self.manager,
            default_change_reason="Created",
            default_date=self.start,
        )
        return list(Category.objects.filter(prefix__in=dict(CATEGORIES).values()))

    def _document_batch(self, indexes: range, categories: list[Category]) -> None:
        documents = []
        for index in indexes:
            category = categories[index % len(categories)]
            documents.append(
                Document(
                    doc_id=f"{category.prefix}-{index // len(categories) + 1:04d}",
                    category=category,
                    title=self.corpus.title(index),
                    audience=(Audience.SALES, Audience.SUPPORT, Audience.BOTH)[
                        index % 3
                    ],
                    owner=self.owners[index % len(self.owners)],
                    latest_major_number=self.versions,
                )
            )
        Document.objects.bulk_create(documents)
        Document.history.bulk_create(
            [self._created_record(document) for document in documents]
        )
        Version.objects.bulk_create(
            [
                version
                for index, document in zip(indexes, documents, strict=True)
                for version in self._versions(index, document)
            ]
        )

    def _created_record(self, document: Document):
        # Built here, not by bulk_create_with_history: that would copy created_at
        # as auto_now_add set it (now), not the seeded creation date.
        return Document.history.model(
            id=document.pk,
            doc_id=document.doc_id,
            category_id=document.category_id,
            title=document.title,
            audience=document.audience,
            owner_id=document.owner_id,
            status=document.status,
            created_at=self.start,
            retirement_reason="",
            change_kind=ChangeKind.CREATED,
            history_date=self.start,
            history_type="+",
            history_user=self.manager,
            history_change_reason="Created",
        )

    def _versions(self, index: int, document: Document) -> list[Version]:
        versions, previous_chain = [], ""
        texts = self.corpus.versions(index, self.versions)
        for number, (body, body_html) in enumerate(texts, start=1):
            if index % 500 == 0:  # the composed HTML is what the renderer says
                if render_markdown(body) != body_html:
                    raise CommandError("Composed HTML differs from the renderer's.")
            version = Version(
                document=document,
                number=number,
                title=document.title,
                body=body,
                body_html=body_html,
                summary="Created" if number == 1 else f"Revision {number}",
                significance=_significance(number),
                published_by=self.manager if number == 1 else document.owner,
                published_at=self.start
                + VERSION_SPACING * number
                + timedelta(seconds=index),
            )
            integrity.seal(
                version, doc_id=document.doc_id, previous_chain=previous_chain
            )
            previous_chain = version.chain_hash
            versions.append(version)
        return versions

    def _point_to_current(self) -> None:
        # One statement each: the newest version, and the times that follow from it.
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE docs_registry_document SET current_version_id = ("
                "SELECT v.id FROM docs_registry_version v "
                "WHERE v.document_id = docs_registry_document.id AND v.number = %s)",
                [self.versions],
            )
            cursor.execute(
                "UPDATE docs_registry_document SET last_reviewed_at = ("
                "SELECT v.published_at FROM docs_registry_version v "
                "WHERE v.id = docs_registry_document.current_version_id), "
                "created_at = %s",
                [self.start],
            )
            cursor.execute(
                "UPDATE docs_registry_document SET changed_at = last_reviewed_at"
            )

    # --- Acknowledgments ----------------------------------------------------------

    def acknowledgments(self) -> None:
        self.step("acknowledgments", self._acknowledge)

    def _acknowledge(self) -> None:
        documents = list(
            Document.objects.values_list(
                "pk", "audience", "current_version__published_at"
            )
        )
        behind = {pk for pk, _, _ in documents[:READER_BEHIND_DOCUMENTS]}
        rows = []
        for person in [*self.acknowledgers, self.reader]:
            audiences = {Audience.BOTH}
            audiences |= {Audience.SALES} if person.in_sales else set()
            audiences |= {Audience.SUPPORT} if person.in_support else set()
            for pk, audience, published_at in documents:
                if audience not in audiences:
                    continue
                number = self.versions
                if person.pk == self.reader.pk and pk in behind:
                    number = READER_BEHIND_AT
                rows.append((person.pk, pk, number, published_at + timedelta(hours=2)))
        _insert_rows(
            Acknowledgment._meta.db_table,
            ("user_id", "document_id", "number", "acknowledged_at"),
            rows,
        )


def _analyze() -> None:
    # On PostgreSQL, also what autovacuum would do in service: setting every
    # document's current version left 30,000 dead rows behind, which the
    # documents' index scans read until it runs. VACUUM runs in no transaction
    # (a test's is one).
    vacuum = connection.vendor == "postgresql" and connection.get_autocommit()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")


def _insert_rows(table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Insert many narrow rows at the database's own bulk speed (COPY on
    PostgreSQL): two million acknowledgments through the ORM would take minutes.
    Values are numbers and aware datetimes."""
    names = ", ".join(columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            buffer = io.StringIO()
            csv.writer(buffer).writerows(rows)  # datetimes as ISO text with offset
            buffer.seek(0)
            copy = f"COPY {table} ({names}) FROM STDIN WITH (FORMAT csv)"
            cursor.copy_expert(copy, buffer)
            return
        adapt = connection.ops.adapt_datetimefield_value
        marks = ", ".join(["%s"] * len(columns))
        cursor.executemany(
            f"INSERT INTO {table} ({names}) VALUES ({marks})",  # noqa: S608 -- constants
            [
                [adapt(value) if hasattr(value, "tzinfo") else value for value in row]
                for row in rows
            ],
        )


# --- From the field -------------------------------------------------------------

EXCEPTIONS_ON_BENCH_DOCUMENT = 20
EXCEPTIONS_ELSEWHERE = 480
FIELD_REPORTS = 5_000
COMPANIES = [
    "Northwind", "Globex", "Initech", "Umbrella", "Hooli", "Vandelay", "Stark",
    "Wayne", "Acme", "Soylent", "Tyrell", "Cyberdyne", "Wonka", "Gringotts",
    "Oscorp", "Aperture", "Massive Dynamic", "Pied Piper", "Dunder Mifflin",
    "Monarch",
]  # fmt: skip
AREAS = ["Billing", "Exports", "SSO", "Mobile app", "Reporting", "API", "Onboarding"]
FIELD_TEXTS = [
    "Export to CSV times out over VPN on large accounts",
    "Asked whether the annual plan can be paid quarterly",
    "Competitor offers a free migration; asked if we match it",
    "Wants single sign-on with their own identity provider",
    "The invoice shows the old price after the upgrade",
    "Mobile app logs out every morning",
    "Asked for a report of seats used per team",
    "Refund requested outside the 30-day window",
]


def field_data(stdout, seed: int, report_count: int) -> None:
    """Exceptions (20 in force against the benchmark's document) and field reports,
    in bulk, each with its creation history record."""
    rng = random.Random(seed)  # noqa: S311 -- sample data, not secrets
    began = time.monotonic()
    today = timezone.localdate()
    now = timezone.now()
    manager = User.objects.get(username=MANAGER)
    staff = list(User.objects.filter(username__startswith="bench-0")[:200])
    active = Document.objects.filter(status="active").order_by("doc_id")
    bench_document = active.select_related("current_version").first()
    others = list(active.select_related("current_version")[1:400])

    def exception(index: int, document: Document, *, ended: bool) -> CustomerException:
        company = COMPANIES[index % len(COMPANIES)]
        start = today - timedelta(days=rng.randint(30, 200))
        end = today - timedelta(days=rng.randint(1, 20)) if ended else None
        return CustomerException(
            customer=f"{company} {index // len(COMPANIES) + 1}",
            account=f"CRM-{10_000 + index}",
            granted=rng.choice(FIELD_TEXTS[1:4]) + " granted for this customer",
            document=document,
            version_number=document.current_version.number,
            why="Multi-year renewal; approved in the pricing review.",
            valid_from=start,
            valid_until=end or today + timedelta(days=rng.randint(30, 400)),
            state=CustomerException.State.APPROVED,
            proposed_by=staff[index % len(staff)],
            proposed_at=now - timedelta(days=rng.randint(200, 300)),
            decided_by=manager,
            decided_at=now - timedelta(days=rng.randint(1, 199)),
            decision_reason="Worth keeping the account.",
        )

    exceptions = [
        exception(index, bench_document, ended=False)
        for index in range(EXCEPTIONS_ON_BENCH_DOCUMENT)
    ] + [
        exception(index, others[index % len(others)], ended=index % 4 == 0)
        for index in range(EXCEPTIONS_ON_BENCH_DOCUMENT, EXCEPTIONS_ELSEWHERE + 20)
    ]
    bulk_create_with_history(exceptions, CustomerException, default_user=manager)
    reports = [
        FieldReport(
            kind=FieldReport.Kind.values[index % len(FieldReport.Kind.values)],
            text=f"{FIELD_TEXTS[index % len(FIELD_TEXTS)]} (#{index})",
            customer=f"{COMPANIES[index % len(COMPANIES)]} {index % 40 + 1}",
            area=AREAS[index % len(AREAS)],
            reporter=staff[index % len(staff)],
            reported_at=now - timedelta(minutes=rng.randint(1, 60 * 24 * 180)),
        )
        for index in range(report_count)
    ]
    reports = bulk_create_with_history(
        reports, FieldReport, batch_size=1000, default_user=manager
    )
    links = FieldReport.documents.through
    links.objects.bulk_create(
        [
            links(fieldreport_id=report.pk, document_id=document.pk)
            for index, report in enumerate(reports)
            for document in rng.sample(others, 1 + index % 3)
        ],
        batch_size=2000,
    )
    sightings = [
        Sighting(report=report, seen_by=person, seen_at=report.reported_at)
        for index, report in enumerate(reports)
        for person in staff[index % 7 : index % 7 + index % 4]
        if person.pk != report.reporter_id
    ]
    Sighting.objects.bulk_create(sightings, batch_size=2000)
    # Written in bulk: each report's count of those who heard it, as the service
    # keeps it (field.services.field_report_seen_again).
    for sighting in sightings:
        sighting.report.heard += 1
    FieldReport.objects.bulk_update(reports, ["heard"], batch_size=1000)
    stdout.write(
        f"  {len(exceptions)} exceptions and {len(reports)} field reports: "
        f"{time.monotonic() - began:.1f} s"
    )


# Far enough ahead that a kept benchmark database does not see it come into force.
ANNOUNCED_DAYS_AHEAD = 300


def announce_a_change(stdout) -> None:
    """A major change announced on the benchmark's document for later, unless one
    waits there already: its page then shows the banner, as with new prices."""
    document = (
        Document.objects.filter(status="active", current_version__isnull=False)
        .select_related("current_version", "owner")
        .order_by("doc_id")
        .first()
    )
    if document is None or document.pending_version_id is not None:
        return
    effective_at = timezone.now() + timedelta(days=ANNOUNCED_DAYS_AHEAD)
    version = document_publish(
        document=document,
        actor=document.owner,
        title=document.title,
        body=document.current_version.body + "\n\nFrom next year, on new terms.\n",
        summary="New terms from next year",
        significance=Version.Significance.MAJOR,
        base_number=document.current_version.number,
        publish_anyway=True,
        effective_at=effective_at,
    )
    stdout.write(
        f"  announced {document.doc_id} v{version.number} for {effective_at:%d %b %Y}"
    )
