"""Saving with an audit trail: who, why and (for documents) what kind of change."""

from __future__ import annotations

from django.db import models

from ..models import User


def save_with_history(
    instance: models.Model,
    *,
    actor: User | None,
    reason: str,
    kind: str | None = None,
) -> None:
    """Save and record who, why and what kind of change in simple-history. The
    library never clears these attributes, so a later save would silently reuse the
    old reason: clear them."""
    instance._history_user = actor
    instance._change_reason = reason
    if kind is not None:
        instance._change_kind = kind
    try:
        instance.save()
    finally:
        del instance._history_user
        del instance._change_reason
        if kind is not None:
            del instance._change_kind
