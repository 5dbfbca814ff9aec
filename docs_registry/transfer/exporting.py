"""Writing an export: reads only."""

from __future__ import annotations

import json
from pathlib import Path

from django.db import transaction

from ..models import (
    Acknowledgment,
    Category,
    Document,
    GlossaryTerm,
    Question,
    User,
    Version,
)
from .layout import DOCUMENTS, TransferError, dumps, utc_time


def _write(path: Path, text: str) -> None:
    path.write_bytes(text.encode("utf-8"))


def export_registry(directory: Path) -> dict[str, int]:
    """Write every document with every version, and the categories, people,
    glossary, acknowledgments and questions, into `directory`, which must be new
    or empty. Returns counts of what was written."""
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise TransferError(
            f"{directory} already exists and is not an empty folder: export into "
            "a new or empty folder, so no earlier export is mixed in."
        )
    directory.mkdir(parents=True, exist_ok=True)
    with transaction.atomic():  # one consistent view of the registry
        names = dict(User.objects.values_list("pk", "username"))
        _write(directory / "users.json", dumps(_users()))
        _write(directory / "categories.json", dumps(_categories()))
        _write(directory / "glossary.json", dumps(_glossary(names)))
        counts = _export_documents(directory / DOCUMENTS, names)
        _write(directory / "acknowledgments.json", dumps(_acknowledgments(names)))
        _write(directory / "questions.json", dumps(_questions(names)))
    return counts


def _users() -> list[dict]:
    return [
        {
            "username": user.username,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "teams": _teams(user),
            "manager": user.is_manager,
            "active": user.is_active,
        }
        for user in sorted(User.objects.all(), key=lambda u: u.username)
    ]


def _teams(user: User) -> list[str]:
    return [team for team in ("sales", "support") if getattr(user, f"in_{team}")]


def _categories() -> list[dict]:
    return [
        {
            "name": category.name,
            "prefix": category.prefix,
            "description": category.description,
            "last_number": category.last_number,
            "review_interval_days": category.review_interval_days,
        }
        for category in Category.objects.order_by("prefix")
    ]


def _glossary(names: dict[int, str]) -> list[dict]:
    return [
        {
            "term": term.term,
            "definition": term.definition,
            "audience": term.audience,
            "avoid": term.avoid,
            "owner": names.get(term.owner_id),
            "updated_at": utc_time(term.updated_at),
        }
        for term in sorted(
            GlossaryTerm.objects.all(), key=lambda t: (t.term.lower(), t.term)
        )
    ]


def _export_documents(root: Path, names: dict[int, str]) -> dict[str, int]:
    root.mkdir()
    counts = {"documents": 0, "versions": 0}
    documents = Document.objects.select_related("category").order_by("doc_id")
    for document in documents:
        folder = root / document.doc_id
        folder.mkdir()
        _write(folder / "document.json", dumps(_document_data(document, names)))
        for version in document.versions.order_by("number"):
            text = version_text(document, version, names)
            _write(folder / f"v{version.number:04d}.md", text)
            counts["versions"] += 1
        counts["documents"] += 1
    return counts


def _document_data(document: Document, names: dict[int, str]) -> dict:
    return {
        "doc_id": document.doc_id,
        "title": document.title,
        "category": document.category.prefix,
        "audience": document.audience,
        "owner": names[document.owner_id],
        "status": document.status,
        "retired_at": utc_time(document.retired_at),
        "retired_by": names.get(document.retired_by_id),
        "retirement_reason": document.retirement_reason,
        "review_interval_days": document.review_interval_days,
        "last_reviewed_at": utc_time(document.last_reviewed_at),
        "created_at": utc_time(document.created_at),
    }


def version_text(document: Document, version: Version, names: dict[int, str]) -> str:
    """A version as Markdown with its front matter."""
    values = {
        "id": document.doc_id,
        "version": version.number,
        "title": version.title,
        "category": document.category.prefix,
        "audience": document.audience,
        "owner": names[document.owner_id],
        "summary": version.summary,
        "significance": version.significance,
        "publisher": names[version.published_by_id],
        "published": utc_time(version.published_at),
    }
    if version.effective_at is not None:
        values["effective"] = utc_time(version.effective_at)
    lines = [f"{key}: {json.dumps(values[key], ensure_ascii=False)}" for key in values]
    return "---\n" + "\n".join(lines) + "\n---\n" + version.body


def _acknowledgments(names: dict[int, str]) -> list[dict]:
    rows = Acknowledgment.objects.values_list(
        "document__doc_id", "number", "user_id", "acknowledged_at"
    )
    records = [
        {
            "document": doc_id,
            "number": number,
            "user": names[user_id],
            "acknowledged_at": utc_time(moment),
        }
        for doc_id, number, user_id, moment in rows
    ]
    return sorted(records, key=lambda r: (r["document"], r["number"], r["user"]))


def _questions(names: dict[int, str]) -> list[dict]:
    records = [
        {
            "document": question.document.doc_id,
            "kind": question.kind,
            "text": question.text,
            "quote": question.quote,
            "asked_by": names[question.asked_by_id],
            "asked_at": utc_time(question.asked_at),
            "status": question.status,
            "answer": question.answer,
            "answered_by": names.get(question.answered_by_id),
            "answered_at": utc_time(question.answered_at),
            "answered_in": question.answered_in,
            "closed_at": utc_time(question.closed_at),
        }
        for question in Question.objects.select_related("document")
    ]
    return sorted(
        records,
        key=lambda r: (r["document"], r["asked_at"], r["asked_by"], r["text"]),
    )
