"""Tamper evidence for published versions: pure functions, no queries.

Each version stores two SHA-256 hashes:

- `content_hash` over what was published: title, body, the HTML readers are
  served, change summary and significance. The stored HTML is included because
  pages show it, not the Markdown: a changed `body_html` would change what everyone
  reads while leaving `body` intact.
- `chain_hash` over the previous version's chain hash (of the same document; "" for
  v1), the document ID, the number, the publisher's user id, the publication time
  and the content hash, and for a version announced to apply later its effective
  time (appended only then: versions hashed before it existed keep their hashes).
  Removing, reordering or rewriting a version breaks the chain of every later
  version.

The publisher is identified by id, not username: a username can be changed in the
admin, which must not make history look tampered with; an id never changes.

Fields are hashed as a JSON array (unambiguous: no two different inputs encode to
the same bytes) whose first item names the scheme, so a later scheme can coexist.
A chain only proves that nothing changed since the last hash was computed: someone
who can rewrite the table can recompute every hash. Copying each document's latest
chain hash somewhere else (the output of `verify_history --heads`) anchors it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import NamedTuple

CONTENT_SCHEME = "samepage-content-v1"
CHAIN_SCHEME = "samepage-chain-v1"

# The tables no one may UPDATE or DELETE, with why (the migration installs the
# triggers; verify_history checks they are still in place).
APPEND_ONLY_TABLES = {
    "docs_registry_version": "published versions are never changed or deleted",
    "docs_registry_acknowledgment": "acknowledgments are never changed or deleted",
    "docs_registry_historicaldocument": "history records are never changed or deleted",
    "docs_registry_historicalcategory": "history records are never changed or deleted",
    "docs_registry_historicalglossaryterm": (
        "history records are never changed or deleted"
    ),
    "docs_registry_historicaluser": "history records are never changed or deleted",
    "docs_registry_historicalquestion": "history records are never changed or deleted",
}


def append_only_triggers(vendor: str) -> list[tuple[str, str]]:
    """(table, trigger name) of every trigger that keeps the record append-only on
    this database vendor ("sqlite" or "postgresql", which also has TRUNCATE)."""
    operations = ["update", "delete"]
    if vendor == "postgresql":
        operations.append("truncate")  # fires no row trigger there
    return [
        (table, f"{table}_no_{operation}")
        for table in APPEND_ONLY_TABLES
        for operation in operations
    ]


def _sha256(*fields) -> str:
    encoded = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


def utc_timestamp(moment: datetime) -> str:
    """ISO 8601 in UTC with microseconds, e.g. 2026-11-25T11:51:00.000000+00:00:
    the same instant always gives the same text, whatever the time zone setting."""
    if moment.tzinfo is None:
        raise ValueError("A publication time must be timezone-aware.")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def content_hash(
    *, title: str, body: str, body_html: str, summary: str, significance: str
) -> str:
    return _sha256(CONTENT_SCHEME, title, body, body_html, summary, significance)


def chain_hash(
    *,
    previous_chain: str,
    doc_id: str,
    number: int,
    publisher_id: int,
    published_at: datetime,
    content_hash: str,
    effective_at: datetime | None = None,
) -> str:
    fields = [
        CHAIN_SCHEME,
        previous_chain,
        doc_id,
        number,
        publisher_id,
        utc_timestamp(published_at),
        content_hash,
    ]
    if effective_at is not None:
        fields.append(utc_timestamp(effective_at))
    return _sha256(*fields)


class VersionRecord(NamedTuple):
    """The columns of a version that its hashes cover, plus the hashes."""

    number: int
    title: str
    body: str
    body_html: str
    summary: str
    significance: str
    published_by_id: int
    published_at: datetime
    content_hash: str
    chain_hash: str
    effective_at: datetime | None = None


def seal(version, *, doc_id: str, previous_chain: str) -> None:
    """Set both hashes of a new, unsaved version (a Version or anything with the
    attributes of VersionRecord)."""
    version.content_hash = _content_of(version)
    version.chain_hash = _chain_of(version, doc_id=doc_id, previous=previous_chain)


def _content_of(version) -> str:
    return content_hash(
        title=version.title,
        body=version.body,
        body_html=version.body_html,
        summary=version.summary,
        significance=version.significance,
    )


def _chain_of(version, *, doc_id: str, previous: str) -> str:
    return chain_hash(
        previous_chain=previous,
        doc_id=doc_id,
        number=version.number,
        publisher_id=version.published_by_id,
        published_at=version.published_at,
        content_hash=version.content_hash,
        effective_at=getattr(version, "effective_at", None),
    )


def verify(
    *, doc_id: str, current_number: int | None, versions: Iterable[VersionRecord]
) -> list[str]:
    """What is wrong with one document's versions, given in number order: each
    finding names the document and, where it applies, the version. Empty when the
    versions are 1..N without gaps, every hash recomputes, and the document's
    current version is N (`current_number` is None when it points nowhere valid)."""
    findings = []
    previous: VersionRecord | None = None
    for version in versions:
        findings += _check_number(doc_id, version.number, previous)
        findings += _check_hashes(doc_id, version, previous)
        previous = version
    latest = previous.number if previous else None
    if latest is None:
        findings.append(f"{doc_id}: has no versions")
    elif current_number is None:
        findings.append(
            f"{doc_id}: its current version is not one of its versions "
            f"(the latest is v{latest})"
        )
    elif current_number != latest:
        findings.append(
            f"{doc_id}: its current version is v{current_number}, "
            f"but the latest is v{latest}"
        )
    return findings


def _check_number(
    doc_id: str, number: int, previous: VersionRecord | None
) -> list[str]:
    expected = previous.number + 1 if previous else 1
    if number == expected:
        return []
    if number < expected:
        return [f"{doc_id} v{number}: out of order or duplicated"]
    if number == expected + 1:
        return [f"{doc_id}: version {expected} is missing"]
    return [f"{doc_id}: versions {expected} to {number - 1} are missing"]


def _check_hashes(
    doc_id: str, version: VersionRecord, previous: VersionRecord | None
) -> list[str]:
    findings = []
    if _content_of(version) != version.content_hash:
        findings.append(f"{doc_id} v{version.number}: content does not match its hash")
    previous_chain = previous.chain_hash if previous else ""
    if _chain_of(version, doc_id=doc_id, previous=previous_chain) != (
        version.chain_hash
    ):
        findings.append(f"{doc_id} v{version.number}: chain broken")
    return findings
