"""Checking an export against the database before anything is written."""

from __future__ import annotations

from ..models import (
    Audience,
    Category,
    Document,
    GlossaryTerm,
    Question,
    User,
    Version,
)
from ..rendering import RenderingError, check_markdown
from .layout import TransferError
from .reading import DocumentRecord, Export, Record


def check_export(export: Export) -> None:
    """Every conflict with the database, or reference the export cannot resolve,
    as a TransferError naming the file and line. Reads only."""
    existing = Document.objects.count()
    if existing:
        raise TransferError(
            f"The registry already has {existing} document(s): an export is "
            "imported only into a registry without documents."
        )
    usernames = _check_users(export.users)
    prefixes = _check_categories(export.categories)
    _check_glossary(export.glossary, usernames)
    numbers = {}
    for document in export.documents:
        numbers[document.meta.data["doc_id"]] = len(document.versions)
        _check_document(document, usernames, prefixes)
    for ack in export.acknowledgments:
        _check_version_ref(ack, numbers, "number")
        _check_user(ack, "user", usernames)
        ack.time("acknowledged_at")
    for question in export.questions:
        _check_question(question, numbers, usernames)


def user_fields(record: Record) -> dict:
    teams = record.get("teams", list)
    if not set(teams) <= {"sales", "support"}:
        raise TransferError(f"{record.where}: teams are 'sales' and 'support'")
    return {
        "first_name": record.get("first_name"),
        "last_name": record.get("last_name"),
        "email": record.get("email"),
        "in_sales": "sales" in teams,
        "in_support": "support" in teams,
        "is_manager": record.get("manager", bool),
        "is_active": record.get("active", bool),
    }


def _check_users(records: list[Record]) -> set[str]:
    existing = User.objects.in_bulk(field_name="username")
    for record in records:
        fields = user_fields(record)
        user = existing.get(record.get("username"))
        differ = [k for k, v in fields.items() if user and getattr(user, k) != v]
        if differ:
            raise TransferError(
                f"{record.where}: user '{user.username}' already exists with "
                f"different {', '.join(differ)}"
            )
    return set(existing) | {record.data["username"] for record in records}


def _check_categories(records: list[Record]) -> set[str]:
    by_prefix = {c.prefix: c for c in Category.objects.all()}
    by_name = {c.name: c for c in by_prefix.values()}
    for record in records:
        name, prefix = record.get("name"), record.get("prefix")
        record.get("last_number", int)
        same = by_prefix.get(prefix) or by_name.get(name)
        if same and (same.name, same.prefix) != (name, prefix):
            raise TransferError(
                f"{record.where}: category {prefix} '{name}' conflicts with the "
                f"existing category {same.prefix} '{same.name}'"
            )
    return set(by_prefix) | {record.data["prefix"] for record in records}


def _check_glossary(records: list[Record], usernames: set[str]) -> None:
    existing = {term.lower() for term in GlossaryTerm.objects.values_list("term")}
    for record in records:
        term = record.get("term")
        if term.lower() in existing:
            raise TransferError(f"{record.where}: the term '{term}' already exists")
        _check_choice(record, "audience", Audience.values)
        _check_user(record, "owner", usernames, optional=True)
        record.time("updated_at")


def _check_choice(record: Record, key: str, choices) -> None:
    if record.get(key) not in choices:
        raise TransferError(f"{record.where}: '{key}' is not one of {list(choices)}")


def _check_user(
    record: Record, key: str, usernames: set[str], *, optional: bool = False
) -> None:
    username = record.get(key, optional=optional)
    if username is not None and username not in usernames:
        raise TransferError(
            f"{record.where}: {key} '{username}' is neither in users.json nor in "
            "the database"
        )


def _check_document(
    document: DocumentRecord, usernames: set[str], prefixes: set[str]
) -> None:
    meta = document.meta
    if meta.get("category") not in prefixes:
        raise TransferError(f"{meta.where}: unknown category {meta.data['category']}")
    _check_choice(meta, "audience", Audience.values)
    _check_choice(meta, "status", Document.Status.values)
    _check_user(meta, "owner", usernames)
    _check_user(meta, "retired_by", usernames, optional=True)
    for key in ("retired_at", "last_reviewed_at"):
        meta.time(key, optional=True)
    meta.time("created_at")
    meta.get("review_interval_days", int, optional=True)
    for version in document.versions:
        _check_choice(version, "significance", Version.Significance.values)
        _check_user(version, "publisher", usernames)
        version.time("published")
        version.time("effective", optional=True)
        for key in ("title", "summary"):
            version.get(key)
        try:
            check_markdown(version.data["body"])
        except RenderingError as error:
            raise TransferError(f"{version.where}: {error}") from None


def _check_version_ref(
    record: Record, numbers: dict[str, int], key: str, *, optional: bool = False
) -> None:
    doc_id = record.get("document")
    if doc_id not in numbers:
        raise TransferError(f"{record.where}: document {doc_id} is not in the export")
    number = record.get(key, int, optional=optional)
    if number is not None and not 1 <= number <= numbers[doc_id]:
        raise TransferError(f"{record.where}: {doc_id} has no version {number}")


def _check_question(
    record: Record, numbers: dict[str, int], usernames: set[str]
) -> None:
    _check_version_ref(record, numbers, "answered_in", optional=True)
    _check_user(record, "asked_by", usernames)
    _check_user(record, "answered_by", usernames, optional=True)
    _check_choice(record, "kind", Question.Kind.values)
    _check_choice(record, "status", Question.Status.values)
    record.time("asked_at")
    for key in ("answered_at", "closed_at"):
        record.time(key, optional=True)
