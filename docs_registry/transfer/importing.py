"""Writing an import: an export restored, or plain Markdown files as new
documents. Both in one transaction."""

from __future__ import annotations

import re
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from .. import coverage_counts, integrity, pending, permissions, services
from ..models import (
    Acknowledgment,
    Category,
    ChangeKind,
    Document,
    GlossaryTerm,
    Question,
    User,
    Version,
)
from ..rendering import RenderingError, check_markdown, render_markdown
from ..selectors.documents import version_in_force
from ..selectors.glossary import glossary_term_ids
from ..services.history import save_with_history
from .checking import check_export, user_fields
from .layout import DOC_ID, TransferError
from .reading import DocumentRecord, Record, read_export, read_text

HEADING = re.compile(r"#[ \t]+(.+?)[ \t#]*")
IMPORTED_REASON = "Imported from an export"


def import_export(directory: Path) -> dict[str, int]:
    """Restore an export into a registry without documents: read and check it all,
    then write it in one transaction. Returns counts of what was written."""
    export = read_export(directory)
    with transaction.atomic():
        check_export(export)
        users = _create_users(export.users)
        categories = _create_categories(export.categories, export.documents)
        _create_glossary(export.glossary, users)
        documents = {
            record.meta.data["doc_id"]: _create_document(record, users, categories)
            for record in export.documents
        }
        _create_acknowledgments(export.acknowledgments, users, documents)
        _create_questions(export.questions, users, documents)
        # Versions and acknowledgments were written in bulk.
        pending.rebuild()
        coverage_counts.rebuild()
    return {
        "documents": len(documents),
        "versions": sum(len(record.versions) for record in export.documents),
        "acknowledgments": len(export.acknowledgments),
        "questions": len(export.questions),
    }


def _create_users(records: list[Record]) -> dict[str, User]:
    users = User.objects.in_bulk(field_name="username")
    for record in records:
        if record.data["username"] in users:
            continue
        user = User(username=record.data["username"], **user_fields(record))
        user.set_unusable_password()
        user.save()
        users[user.username] = user
    return users


def _create_categories(
    records: list[Record], documents: list[DocumentRecord]
) -> dict[str, Category]:
    categories = Category.objects.in_bulk(field_name="prefix")
    for record in records:
        if record.data["prefix"] in categories:
            continue
        category = Category(
            name=record.data["name"],
            prefix=record.data["prefix"],
            description=record.get("description"),
            last_number=record.data["last_number"],
            review_interval_days=record.get("review_interval_days", int, optional=True),
        )
        save_with_history(category, actor=None, reason=IMPORTED_REASON)
        categories[category.prefix] = category
    # New IDs continue after the imported ones, whatever the counters said.
    for record in documents:
        prefix, number = DOC_ID.fullmatch(record.meta.data["doc_id"]).groups()
        # (A document moved to another category keeps its ID; the category of
        # its prefix may be gone.)
        category = categories.get(prefix)
        if category is not None and category.last_number < int(number):
            category.last_number = int(number)
            Category.objects.filter(pk=category.pk).update(last_number=int(number))
    return categories


def _create_glossary(records: list[Record], users: dict[str, User]) -> None:
    for record in records:
        term = GlossaryTerm(
            term=record.data["term"],
            definition=record.get("definition"),
            audience=record.data["audience"],
            avoid=record.get("avoid"),
            owner=users.get(record.data.get("owner")),
        )
        term.skip_history_when_saving = True
        term.save()
        # updated_at is automatic on save; restore the exported time.
        term.updated_at = record.time("updated_at")
        GlossaryTerm.objects.filter(pk=term.pk).update(updated_at=term.updated_at)
        GlossaryTerm.history.bulk_history_create(
            [term], default_change_reason=IMPORTED_REASON, default_date=term.updated_at
        )


def _create_document(
    record: DocumentRecord, users: dict[str, User], categories: dict[str, Category]
) -> Document:
    meta = record.meta
    retired_by = meta.get("retired_by", optional=True)
    document = Document(
        doc_id=meta.data["doc_id"],
        category=categories[meta.data["category"]],
        title=meta.get("title"),
        audience=meta.data["audience"],
        owner=users[meta.data["owner"]],
        status=meta.data["status"],
        retired_at=meta.time("retired_at", optional=True),
        retired_by=users[retired_by] if retired_by else None,
        retirement_reason=meta.get("retirement_reason"),
        review_interval_days=meta.data.get("review_interval_days"),
        last_reviewed_at=meta.time("last_reviewed_at", optional=True),
    )
    document.skip_history_when_saving = True
    document.save()
    # created_at is automatic on insert; restore the exported time.
    document.created_at = meta.time("created_at")
    versions = _create_versions(document, record.versions, users)
    # The newest version may be a change announced for later: the one in force
    # now is current, and it waits (see services.document_changes_apply).
    now = timezone.now()
    newest = versions[-1]
    announced = newest if newest.effective_at and newest.effective_at > now else None
    current = version_in_force(document, now) or versions[0]
    majors = [v.number for v in versions if v.is_major and v.number <= current.number]
    document.current_version = current
    document.latest_major_number = majors[-1] if majors else 1
    Document.objects.filter(pk=document.pk).update(
        created_at=document.created_at,
        current_version=current,
        changed_at=current.in_force_from,
        latest_major_number=document.latest_major_number,
        pending_version=announced,
        pending_effective_at=announced and announced.effective_at,
    )
    # One "created" record, by whoever published v1 (the manager who created it).
    Document.history.bulk_history_create(
        [document],
        default_user=versions[0].published_by,
        default_change_reason=IMPORTED_REASON,
        default_date=document.created_at,
        custom_historical_attrs={"change_kind": ChangeKind.CREATED},
    )
    return document


def _create_versions(
    document: Document, records: list[Record], users: dict[str, User]
) -> list[Version]:
    glossary = glossary_term_ids()
    versions, previous_chain = [], ""
    for record in records:
        body = record.data["body"]
        version = Version(
            document=document,
            number=record.data["version"],
            title=record.data["title"],
            body=body,
            body_html=render_markdown(body, glossary=glossary),
            summary=record.data["summary"],
            significance=record.data["significance"],
            published_by=users[record.data["publisher"]],
            published_at=record.time("published"),
            effective_at=record.time("effective", optional=True),
        )
        integrity.seal(version, doc_id=document.doc_id, previous_chain=previous_chain)
        version.save(force_insert=True)
        previous_chain = version.chain_hash
        versions.append(version)
    return versions


def _create_acknowledgments(
    records: list[Record], users: dict[str, User], documents: dict[str, Document]
) -> None:
    Acknowledgment.objects.bulk_create(
        Acknowledgment(
            user=users[record.data["user"]],
            document=documents[record.data["document"]],
            number=record.data["number"],
            acknowledged_at=record.time("acknowledged_at"),
        )
        for record in records
    )


def _create_questions(
    records: list[Record], users: dict[str, User], documents: dict[str, Document]
) -> None:
    Question.objects.bulk_create(
        Question(
            document=documents[record.data["document"]],
            kind=record.data["kind"],
            text=record.get("text"),
            quote=record.get("quote"),
            asked_by=users[record.data["asked_by"]],
            asked_at=record.time("asked_at"),
            status=record.data["status"],
            answer=record.get("answer"),
            answered_by=users.get(record.data.get("answered_by")),
            answered_at=record.time("answered_at", optional=True),
            answered_in=record.data.get("answered_in"),
            closed_at=record.time("closed_at", optional=True),
        )
        for record in records
    )


def default_actor() -> User | None:
    """The first active manager (or superuser): who creates imported documents."""
    for user in User.objects.filter(is_active=True).order_by("pk"):
        if permissions.can_manage(user):
            return user
    return None


def markdown_title(text: str, fallback: str) -> str:
    """The first `# heading`, else the file name made readable."""
    for line in text.splitlines():
        match = HEADING.fullmatch(line.strip())
        if match:
            return match.group(1)
    return fallback.replace("-", " ").replace("_", " ").strip() or fallback


def import_markdown(
    directory: Path, *, category: Category, owner: User, actor: User, audience: str
) -> list[Document]:
    """Create a new document from each `.md` file of `directory` (by file name),
    through services.document_create, all in one transaction."""
    files = sorted(directory.glob("*.md"))
    if not files:
        raise TransferError(f"{directory}: no .md files to import")
    texts = [(path, read_text(path)) for path in files]
    for path, text in texts:
        try:
            check_markdown(text)
        except RenderingError as error:
            raise TransferError(f"{path}: {error}") from None
    documents = []
    with transaction.atomic():
        for path, text in texts:
            try:
                documents.append(
                    services.document_create(
                        actor=actor,
                        category=category,
                        title=markdown_title(text, path.stem),
                        audience=audience,
                        owner=owner,
                        body=text,
                    )
                )
            except (services.ServiceError, RenderingError) as error:
                raise TransferError(f"{path}: {error}") from None
    return documents
