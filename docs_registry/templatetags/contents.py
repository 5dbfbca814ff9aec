"""Reading aids over stored HTML and summaries: a table of contents, the body
without a heading that repeats the title, summaries as plain text (rendering.py
does the work; nothing here renders Markdown)."""

from django.template import Library
from django.utils.safestring import mark_safe

from ..rendering import plain_text, table_of_contents, without_title_heading

register = Library()
register.filter("table_of_contents", table_of_contents)
register.filter("plain_text", plain_text)


@register.filter
def without_title(body_html: str, title: str) -> str:
    """Stored, sanitized HTML stays safe once its first heading is cut off."""
    return mark_safe(without_title_heading(body_html, title))  # noqa: S308
