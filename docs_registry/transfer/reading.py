"""Reading an export's files, with where each item was read (`file:line`)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from .layout import (
    DOC_ID,
    DOCUMENTS,
    FRONT_MATTER_KEYS,
    OPTIONAL_FRONT_MATTER_KEYS,
    TransferError,
)

FRONT_MATTER_LINE = re.compile(r"([a-z_]+): (.+)")
VERSION_FILE = re.compile(r"v(\d{4,})\.md")


@dataclass
class Record:
    """One item of an export file and where it was read (`file:line`)."""

    data: dict
    where: str

    def get(self, key: str, kind: type | tuple = str, *, optional: bool = False):
        value = self.data.get(key)
        if value is None and optional:
            return None
        if key not in self.data or not isinstance(value, kind):
            raise TransferError(f"{self.where}: '{key}' is missing or not valid")
        return value

    def time(self, key: str, *, optional: bool = False) -> datetime | None:
        value = self.get(key, optional=optional)
        if value is None:
            return None
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            moment = None
        if moment is None or moment.tzinfo is None:
            raise TransferError(
                f"{self.where}: '{key}' is not an ISO 8601 time with a UTC offset"
            )
        return moment


@dataclass
class DocumentRecord:
    meta: Record
    versions: list[Record] = field(default_factory=list)


@dataclass
class Export:
    users: list[Record]
    categories: list[Record]
    glossary: list[Record]
    documents: list[DocumentRecord]
    acknowledgments: list[Record]
    questions: list[Record]


def read_text(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise TransferError(f"{path}: missing") from None
    except UnicodeDecodeError as error:
        raise TransferError(f"{path}: not UTF-8 ({error.reason})") from None


def _load_json(path: Path):
    text = read_text(path)
    try:
        return json.loads(text), text
    except json.JSONDecodeError as error:
        raise TransferError(
            f"{path}:{error.lineno}: invalid JSON: {error.msg} (column {error.colno})"
        ) from None


def load_list(path: Path) -> list[Record]:
    """A JSON list of objects, each with the line it starts on (as written by an
    export; a hand-edited file may give only the file's first line)."""
    data, text = _load_json(path)
    if not isinstance(data, list):
        raise TransferError(f"{path}:1: expected a JSON list")
    starts = [n for n, line in enumerate(text.split("\n"), 1) if line == "  {"]
    records = []
    for index, item in enumerate(data):
        line = starts[index] if len(starts) == len(data) else 1
        if not isinstance(item, dict):
            raise TransferError(f"{path}:{line}: expected a JSON object")
        records.append(Record(item, f"{path}:{line}"))
    return records


def parse_version(path: Path) -> Record:
    """A version file: its front matter values, plus the body as `body`."""
    lines = read_text(path).split("\n")
    if lines[0] != "---":
        raise TransferError(f"{path}:1: expected '---' opening the front matter")
    values: dict = {}
    for number, line in enumerate(lines[1:], start=2):
        if line == "---":
            break
        key, value = _front_matter_line(line, f"{path}:{number}")
        if key in values:
            raise TransferError(f"{path}:{number}: '{key}' given twice")
        values[key] = value
    else:
        raise TransferError(f"{path}: the front matter has no closing '---' line")
    missing = [key for key in FRONT_MATTER_KEYS if key not in values]
    if missing:
        raise TransferError(f"{path}: the front matter lacks {', '.join(missing)}")
    values["body"] = "\n".join(lines[number:])
    return Record(values, f"{path}:{number + 1}")


def _front_matter_line(line: str, where: str) -> tuple[str, object]:
    match = FRONT_MATTER_LINE.fullmatch(line)
    if not match:
        raise TransferError(f"{where}: expected 'key: value', got {line[:60]!r}")
    key, raw = match.groups()
    if key not in FRONT_MATTER_KEYS + OPTIONAL_FRONT_MATTER_KEYS:
        raise TransferError(f"{where}: unknown key '{key}'")
    try:
        return key, json.loads(raw)
    except json.JSONDecodeError:
        raise TransferError(
            f"{where}: the value of '{key}' is not a JSON literal "
            '(strings are quoted: title: "Discount rules")'
        ) from None


def read_export(directory: Path) -> Export:
    root = directory / DOCUMENTS
    if not root.is_dir():
        raise TransferError(f"{root}: missing; is {directory} an export?")
    documents = [
        _read_document(folder) for folder in sorted(root.iterdir()) if folder.is_dir()
    ]
    return Export(
        users=load_list(directory / "users.json"),
        categories=load_list(directory / "categories.json"),
        glossary=load_list(directory / "glossary.json"),
        documents=documents,
        acknowledgments=load_list(directory / "acknowledgments.json"),
        questions=load_list(directory / "questions.json"),
    )


def _read_document(folder: Path) -> DocumentRecord:
    data, _ = _load_json(folder / "document.json")
    if not isinstance(data, dict):
        raise TransferError(f"{folder / 'document.json'}:1: expected a JSON object")
    meta = Record(data, f"{folder / 'document.json'}:1")
    if meta.get("doc_id") != folder.name or not DOC_ID.fullmatch(folder.name):
        raise TransferError(f"{meta.where}: doc_id does not match its folder")
    record = DocumentRecord(meta)
    files = sorted(p for p in folder.iterdir() if VERSION_FILE.fullmatch(p.name))
    for expected, path in enumerate(files, start=1):
        version = parse_version(path)
        number = int(VERSION_FILE.fullmatch(path.name).group(1))
        if number != expected or version.get("version", int) != number:
            raise TransferError(
                f"{path}:1: expected version {expected}: versions run 1..N "
                "without gaps and match their file names"
            )
        if version.get("id") != folder.name:
            raise TransferError(f"{path}:2: id is not {folder.name}")
        record.versions.append(version)
    if not record.versions:
        raise TransferError(f"{folder}: a document needs at least v0001.md")
    return record
