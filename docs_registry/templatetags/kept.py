"""`{% kept key %}…{% endkept %}`: the enclosed part rendered once and kept under
`key`, a key the view made with caching.page_key (templates hold no list of what a
part varies by). An empty key renders the part as it is, unkept.

`{% include_fixed "name.html" fact=value %}`: a part that follows from the code
alone (and the few `facts` given, its only context), rendered once per process."""

from functools import lru_cache
from pathlib import Path

from django import template
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.utils.autoreload import file_changed
from django.utils.safestring import SafeString

from ..addresses import url_setup
from ..caching import remember

register = template.Library()


class KeptNode(template.Node):
    def __init__(self, nodelist, key):
        self.nodelist = nodelist
        self.key = key

    def render(self, context):
        # A key may come lazy (views.common.lazy): built only when this part is
        # reached, so never inside a part found kept.
        key = str(self.key.resolve(context) or "")
        if not key:
            return self.nodelist.render(context)
        return remember(key, lambda: self.nodelist.render(context))


@register.tag
def kept(parser, token):
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("{% kept %} takes one key.")
    nodelist = parser.parse(("endkept",))
    parser.delete_first_token()
    return KeptNode(nodelist, parser.compile_filter(bits[1]))


@register.simple_tag
def include_fixed(template_name: str, **facts) -> SafeString:
    """`template_name` rendered with `facts` alone: the main navigation's links,
    whose addresses (up to seventeen) cost a third of a millisecond to reverse on
    every page worked out afresh. Nothing here is kept in the cache: a part that
    follows from the code cannot go stale while the code runs."""
    return _render_fixed(template_name, tuple(sorted(facts.items())), *url_setup())


@lru_cache(maxsize=32)
def _render_fixed(template_name: str, facts: tuple, *setup) -> SafeString:
    # `setup` (the URL prefix and configuration) is only part of the key.
    return render_to_string(template_name, dict(facts))


@receiver(file_changed)
def _template_edited(sender, file_path: Path, **kwargs) -> None:
    # The development server reloads templates without restarting.
    if file_path.suffix == ".html":
        _render_fixed.cache_clear()
