"""The glossary: one set of terms both teams use."""

from __future__ import annotations

from django.db import transaction
from django.db.models.functions import Lower

from .. import permissions
from ..linting import words_of
from ..models import Audience, GlossaryTerm, User
from ..search import search_index_term
from .errors import ServiceError
from .history import save_with_history


def _check_wording(term: str, avoided: list[str], *, exclude_pk: int | None) -> None:
    others = GlossaryTerm.objects.exclude(pk=exclude_pk)
    if others.annotate(lower=Lower("term")).filter(lower=term.lower()).exists():
        raise ServiceError(f"“{term}” is already in the glossary.", code="duplicate")
    preferred = {words_of(other.term) for other in others.only("term")}
    preferred.add(words_of(term))
    for wording in avoided:
        if words_of(wording) in preferred:
            raise ServiceError(
                f"“{wording}” is a preferred term, so it cannot also be a word to "
                "avoid.",
                code="avoided_is_preferred",
            )
    avoided_elsewhere = {
        words_of(wording) for other in others.only("avoid") for wording in other.avoided
    }
    if words_of(term) in avoided_elsewhere:
        raise ServiceError(
            f"“{term}” is listed as a word to avoid under another term.",
            code="preferred_is_avoided",
        )


@transaction.atomic
def glossary_term_save(
    *,
    actor: User,
    term: GlossaryTerm | None,
    wording: str,
    definition: str,
    audience: str,
    avoid: str,
    owner: User | None,
    reason: str = "",
) -> GlossaryTerm:
    """Create (`term` None) or change a glossary term, recording who and why.

    Keeps the language unambiguous: terms are unique (any case), and no word is
    both a preferred term and a word to avoid. Raises PermissionDenied unless the
    actor is a manager or the term's owner, ServiceError for bad input.
    """
    permissions.require(
        permissions.can_edit_term(actor, term),
        "Only managers and the term's owner change it.",
    )
    wording = wording.strip()
    if not wording or not definition.strip():
        raise ServiceError("A term needs its wording and a definition.", code="empty")
    if audience not in Audience.values:
        raise ServiceError("Choose an audience.", code="invalid_audience")
    avoided = [line.strip() for line in avoid.splitlines() if line.strip()]
    _check_wording(wording, avoided, exclude_pk=term.pk if term else None)
    term = term or GlossaryTerm()
    term.term = wording
    term.definition = definition.strip()
    term.audience = audience
    term.avoid = "\n".join(avoided)
    term.owner = owner
    save_with_history(
        term,
        actor=actor,
        reason=reason.strip() or ("Added" if term.pk is None else "Changed"),
    )
    search_index_term(term)
    return term
