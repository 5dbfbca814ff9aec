"""Reads of the glossary."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from ..linting import Linter
from ..models import GlossaryTerm


def glossary_terms(query: str = "") -> QuerySet[GlossaryTerm]:
    terms = GlossaryTerm.objects.select_related("owner")
    if query:
        terms = terms.filter(
            Q(term__icontains=query)
            | Q(definition__icontains=query)
            | Q(avoid__icontains=query)
        )
    return terms


def glossary_linter() -> Linter:
    """A linter for every word the glossary says to avoid (one query)."""
    rules = [
        (avoided, term)
        for term, avoid in GlossaryTerm.objects.values_list("term", "avoid")
        for avoided in avoid.splitlines()
        if avoided.strip()
    ]
    return Linter(rules)


def glossary_definitions() -> dict[str, str]:
    """Term -> definition, for marking first uses in rendered documents."""
    return dict(GlossaryTerm.objects.values_list("term", "definition"))
