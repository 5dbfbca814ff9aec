"""The same output as `{% url %}`, `{% static %}` and `|date`, at a fraction of
their cost, for the pages read most (each is written a dozen times whenever a
page is worked out afresh, after any write):

- `{% address "docs_registry:document" document.doc_id %}`: `{% url %}` with
  positional arguments, through addresses.address (about 40 µs → 10 µs);
- `{% asset "css/app.css" %}`: `{% static %}`, looked up once per process (the
  manifest of hashed names is fixed for it: 60 µs → 1 µs);
- `{{ moment|day }}`: `|date:"j M Y"` (params.day_text), in the site's time zone;
- `{{ moment|moment }}`: `|date:"c"`, the ISO 8601 form of a `<time datetime>`;
- `{{ text|clip:160 }}`: `|truncatechars:160`, which walks every character in
  Python even when the text is short enough to show whole (50 rows of the field
  reports: 0.9 ms → 5 µs);
- `{% csrf_input %}`: `{% csrf_token %}`, written once per request and shared by
  the page's forms (a document page has four: 11 µs each).
"""

import unicodedata
from datetime import date, datetime
from functools import lru_cache

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.defaultfilters import stringfilter, truncatechars
from django.template.defaulttags import CsrfTokenNode
from django.templatetags.static import static

from ..addresses import address_in
from ..params import day_text

register = template.Library()


@register.simple_tag(name="address", takes_context=True)
def address(context, viewname: str, *args) -> str:
    # simple_tag escapes what it returns, as `{% url %}` does.
    return address_in(context.get("request"), viewname, *args)


class CsrfInputNode(template.Node):
    def render(self, context):
        request = context.get("request")
        if request is None:
            return CsrfTokenNode().render(context)
        # Written again if the secret changed since (a sign-in rotates it).
        secret, written = getattr(request, "_samepage_csrf_input", (None, None))
        if written is None or secret != request.META.get("CSRF_COOKIE"):
            # Django's own input, with its token (masked afresh for the request).
            written = CsrfTokenNode().render(context)
            if written:
                request._samepage_csrf_input = (request.META["CSRF_COOKIE"], written)
        return written


@register.tag
def csrf_input(parser, token):
    if len(token.split_contents()) != 1:
        raise template.TemplateSyntaxError("{% csrf_input %} takes nothing.")
    return CsrfInputNode()


@register.simple_tag
def asset(path: str) -> str:
    return _asset(path)


@lru_cache(maxsize=64)
def _asset(path: str) -> str:
    return static(path)


@receiver(setting_changed)
def _forget_assets(*, setting, **kwargs) -> None:
    if setting in ("STATIC_URL", "STORAGES"):
        _asset.cache_clear()


@register.filter(expects_localtime=True)
def day(value: date | datetime | None) -> str:
    return day_text(value) if value else ""


@register.filter(expects_localtime=True)
def day_time(value: datetime | None) -> str:
    """`|date:"j M Y, H:i"` (1 Jan 2027, 09:05) at a tenth of its cost: each
    document page's header writes one."""
    if not value:
        return ""
    return f"{day_text(value)}, {value.hour:02}:{value.minute:02}"


@register.filter(expects_localtime=True)
def moment(value: datetime | None) -> str:
    return value.isoformat() if value else ""


@register.filter(is_safe=True)
@stringfilter
def clip(value: str, length: int) -> str:
    """`|truncatechars`: its text is the value in NFC, cut to `length`
    characters (not counting combining marks) with an ellipsis. No more
    characters than it holds can count, so a text that short is shown whole."""
    text = unicodedata.normalize("NFC", value)
    if isinstance(length, int) and 0 < length and len(text) <= length:
        return text
    return truncatechars(value, length)
