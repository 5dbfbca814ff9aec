"""Reads of the glossary."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import CharField, Count, DateTimeField, Q, QuerySet
from django.db.models.functions import Left, Lower, Upper
from django.utils.safestring import SafeString

from ..linting import Linter
from ..models import GlossaryTerm, User
from ..prepared import Asked, Param, any_of, numbered, prepared
from ..rendering import apply_glossary, glossary_marks

GLOSSARY_PAGE_SIZE = 100
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def glossary_terms(query: str = "") -> QuerySet[GlossaryTerm]:
    """Terms A to Z (any case), each with its `initial` for the A–Z index."""
    terms = GlossaryTerm.objects.select_related("owner").annotate(
        initial=Upper(Left("term", 1))
    )
    if query:
        terms = terms.filter(
            Q(term__icontains=query)
            | Q(definition__icontains=query)
            | Q(avoid__icontains=query)
        )
    return terms


@dataclass(frozen=True)
class Letter:
    letter: str
    page: int | None  # where its first term is; None when no term starts with it


def glossary_letters(terms: QuerySet[GlossaryTerm]) -> list[Letter]:
    """The A–Z index of `terms` (one query). Positions are counted by the database
    with the same comparison as the list's order, whatever its collation."""
    lowered = terms.annotate(lower=Lower("term"))
    counts = lowered.aggregate(
        **{f"before_{c}": Count("pk", filter=Q(lower__lt=c.lower())) for c in LETTERS},
        **{
            f"has_{c}": Count("pk", filter=Q(lower__startswith=c.lower()))
            for c in LETTERS
        },
    )
    return [
        Letter(
            letter=c,
            page=counts[f"before_{c}"] // GLOSSARY_PAGE_SIZE + 1
            if counts[f"has_{c}"]
            else None,
        )
        for c in LETTERS
    ]


def glossary_linter() -> Linter:
    """A linter for every word the glossary says to avoid (one query)."""
    rules = [
        (avoided, term)
        for term, avoid in GlossaryTerm.objects.exclude(avoid="").values_list(
            "term", "avoid"
        )
        for avoided in avoid.splitlines()
        if avoided.strip()
    ]
    return Linter(rules)


def glossary_term_ids() -> dict[str, int]:
    """Term -> id, for marking first uses when a document is rendered (one query)."""
    return dict(GlossaryTerm.objects.values_list("term", "pk"))


def glossary_applied(body_html: str) -> SafeString:
    """Stored HTML with the current definitions of the terms it marks: read when
    a page is served (and kept with it), so a changed definition shows in every
    document at once. One query, and none for HTML that marks no term."""
    marked = glossary_marks(body_html)
    definitions = (
        dict(GlossaryTerm.objects.filter(pk__in=marked).values_list("pk", "definition"))
        if marked
        else {}
    )
    return apply_glossary(body_html, definitions)


GLOSSARY_CHANGES_SHOWN = 50


def glossary_changes(*, audiences: list[str], since, until=None) -> list:
    """Glossary changes for these audiences since a moment (all of them when
    `since` is None) and up to `until` if given, newest first: they reach the
    digest like document changes, and the monthly meeting's page."""
    return glossary_changes_asked(
        audiences=audiences, since=since, until=until
    ).objects()


def glossary_changes_asked(*, audiences: list[str], since, until=None) -> Asked:
    """`glossary_changes` as a query to run or keep as rows."""
    if not audiences:
        return Asked(None, {})
    values = numbered("audience", audiences)
    if since is not None:
        values["since"] = since
    if until is not None:
        values["until"] = until
    shape = (len(audiences), since is not None, until is not None)
    return Asked(prepared(_glossary_records, *shape), values)


# Prepared once for each number of audiences and each pair of bounds given.
def _glossary_records(audiences: int, has_since: bool, has_until: bool) -> QuerySet:
    records = GlossaryTerm.history.filter(
        any_of("audience", "audience", audiences, CharField())
    )
    if has_since:
        records = records.filter(history_date__gt=Param("since", DateTimeField()))
    if has_until:
        records = records.filter(history_date__lte=Param("until", DateTimeField()))
    return (
        records.select_related("history_user")
        .defer(*User.fields_not_shown("history_user"))
        .order_by("-history_date", "-history_id")[:GLOSSARY_CHANGES_SHOWN]
    )
