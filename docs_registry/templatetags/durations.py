"""Durations in words for people: "15 minutes", not "PT15M"."""

from datetime import timedelta

from django.template import Library
from django.utils import timezone
from django.utils.timesince import timeuntil

register = Library()


@register.filter
def in_words(value: timedelta | None) -> str:
    if not value:
        return ""
    now = timezone.now()
    return timeuntil(now + value, now)
