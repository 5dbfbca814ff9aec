"""Where an exception stands on a day, for templates."""

from django import template

from ..models import STANDING_LABELS

register = template.Library()


@register.filter
def standing(exception, today) -> str:
    return exception.standing(today)


@register.filter
def standing_label(value: str) -> str:
    return STANDING_LABELS.get(value, value)
