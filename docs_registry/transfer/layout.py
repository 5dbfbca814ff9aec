"""What an export looks like on disk: file names, the front matter keys, the
JSON format; and the error every problem is reported with."""

from __future__ import annotations

import json
import re
from datetime import datetime

from .. import integrity

DOCUMENTS = "documents"
FRONT_MATTER_KEYS = (
    "id",
    "version",
    "title",
    "category",
    "audience",
    "owner",
    "summary",
    "significance",
    "publisher",
    "published",
)
# Written only when set: a version announced to apply later (its effective time).
OPTIONAL_FRONT_MATTER_KEYS = ("effective",)
DOC_ID = re.compile(r"([A-Z]{2,5})-(\d{4,})")


class TransferError(Exception):
    """An export or import refused; the message names the file (and line)."""


def utc_time(moment: datetime | None) -> str | None:
    return integrity.utc_timestamp(moment) if moment else None


def dumps(data) -> str:
    """JSON as exports write it: the same data always gives the same bytes."""
    return json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
