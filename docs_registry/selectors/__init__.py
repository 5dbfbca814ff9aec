"""Every non-trivial read: one queryset per page, related rows joined."""

from .documents import (
    SORTS,
    HistoryEntry,
    document_get,
    document_get_kept,
    document_history,
    document_list,
    document_owners,
    document_rows,
    draft_for,
    owner_choices,
    version_get,
    version_in_force,
    version_withdrawn,
)

__all__ = [
    "SORTS",
    "HistoryEntry",
    "document_get",
    "document_get_kept",
    "document_history",
    "document_list",
    "document_rows",
    "draft_for",
    "document_owners",
    "owner_choices",
    "version_get",
    "version_in_force",
    "version_withdrawn",
]
