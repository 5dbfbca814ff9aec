"""Goals on any page: `{% current_goals %}` (the home pages) and `|number`."""

from django import template
from django.utils import timezone

from docs_registry.caching import page_key
from docs_registry.views.common import lazy

from .. import selectors
from ..models import number_text

register = template.Library()


@register.filter
def number(value) -> str:
    return "" if value is None else number_text(value)


@register.filter
def acknowledged_of(acknowledged: dict, rule) -> int:
    """The reader's newest acknowledged version of the rule's document (0: none)."""
    return acknowledged.get(rule.version.document_id, 0)


@register.inclusion_tag("teamwork/_current_goals.html", takes_context=True)
def current_goals(context) -> dict:
    """Both teams' open goals of today, kept like a page of their own."""
    request = context["request"]
    today = timezone.localdate()
    return {
        "goals_key": page_key(request, "home-goals", today, by_address=False),
        "teams": lazy(selectors.current_goals, today),
    }
