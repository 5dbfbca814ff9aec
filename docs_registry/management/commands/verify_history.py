"""`manage.py verify_history`: prove the published record is intact.

Recomputes every version's hashes (docs_registry/integrity.py), checks each
document's versions run 1..N without gaps with its current version at N, and that
the append-only triggers are in place. Exits non-zero, naming each document and
version, when anything is wrong. Reads only.
"""

from itertools import groupby
from operator import itemgetter

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from docs_registry import integrity
from docs_registry.models import Document, Version

CHUNK_SIZE = 2000


class Command(BaseCommand):
    help = (
        "Verify every published version against its hashes, version numbers and "
        "the append-only triggers. Exits non-zero on any finding."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--heads",
            action="store_true",
            help="Also print each document's latest version and chain hash, to keep "
            "outside the database: a later run can be compared with it.",
        )

    def handle(self, *args, heads: bool, **options):
        outermost = not connection.in_atomic_block
        with transaction.atomic():
            if outermost:
                read_one_snapshot()
            findings = missing_triggers()
            documents = current_numbers()
            document_count = len(documents)
            version_count = 0
            for document_id, rows in groupby(versions_in_order(), key=itemgetter(0)):
                doc_id, current_number = documents.pop(document_id)
                records = [integrity.VersionRecord._make(row[1:]) for row in rows]
                version_count += len(records)
                findings += integrity.verify(
                    doc_id=doc_id, current_number=current_number, versions=records
                )
                if heads:
                    latest = records[-1]
                    self.stdout.write(f"{doc_id} v{latest.number} {latest.chain_hash}")
        # Documents left over have no version at all.
        for doc_id, current_number in documents.values():
            findings += integrity.verify(
                doc_id=doc_id, current_number=current_number, versions=[]
            )
        if findings:
            for finding in findings:
                self.stderr.write(finding)
            raise CommandError(f"{len(findings)} problem(s) found; see above.")
        self.stdout.write(
            self.style.SUCCESS(
                f"OK: {document_count} documents, {version_count} versions verified"
            )
        )


def read_one_snapshot() -> None:
    """Documents and versions are read by two queries: on PostgreSQL, let both see
    the same snapshot, or a publish in between would look like a broken pointer.
    (On SQLite the transaction, IMMEDIATE here, holds off writers meanwhile.) Only
    the first statement of a transaction may set this."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")


def current_numbers() -> dict[int, tuple[str, int | None]]:
    """Each document's ID and the number of its newest version: the one announced
    for later if there is one, else the current one (None when that pointer is
    empty or points at another document's version)."""
    rows = Document.objects.values_list(
        "pk",
        "doc_id",
        "current_version__document_id",
        "current_version__number",
        "pending_version__document_id",
        "pending_version__number",
    )
    numbers = {}
    for pk, doc_id, owner_pk, number, pending_owner_pk, pending in rows:
        if pending is not None:
            owner_pk, number = pending_owner_pk, pending
        numbers[pk] = (doc_id, number if owner_pk == pk else None)
    return numbers


def versions_in_order():
    """One streamed query: every version's hashed columns, by document and number."""
    return (
        Version.objects.order_by("document_id", "number")
        .values_list("document_id", *integrity.VersionRecord._fields)
        .iterator(chunk_size=CHUNK_SIZE)
    )


def missing_triggers() -> list[str]:
    installed = installed_triggers()
    return [
        f"{table}: the append-only trigger {name} is missing or disabled"
        for table, name in integrity.append_only_triggers(connection.vendor)
        if name not in installed
    ]


def installed_triggers() -> set[str]:
    if connection.vendor == "postgresql":
        # A disabled trigger ('D') protects nothing.
        sql = (
            "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgenabled <> 'D'"
        )
    else:
        sql = "SELECT name FROM sqlite_master WHERE type = 'trigger'"
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return {name for (name,) in cursor.fetchall()}
