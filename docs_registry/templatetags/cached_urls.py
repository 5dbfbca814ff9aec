"""`{% url %}` with its answers remembered (a template builtin, see settings).

Reversing a URL walks the URL patterns each time: about 50 µs, and a page has a
dozen. The same name and arguments always give the same address (for one URL
configuration and script prefix, both part of the key), so each is worked out once
per process. The tag parses and behaves exactly like Django's own."""

from functools import lru_cache

from django.template import Library, defaulttags
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape

register = Library()


@lru_cache(maxsize=20_000)
def _reverse(prefix, urlconf, view_name, args, kwargs, current_app) -> str:
    return reverse(
        view_name, urlconf, args=args, kwargs=dict(kwargs), current_app=current_app
    )


class CachedURLNode(defaulttags.URLNode):
    def render(self, context):
        args = tuple(arg.resolve(context) for arg in self.args)
        kwargs = tuple(
            sorted((key, value.resolve(context)) for key, value in self.kwargs.items())
        )
        request = getattr(context, "request", None)
        current_app = getattr(request, "current_app", None)
        if current_app is None:
            current_app = getattr(
                getattr(request, "resolver_match", None), "namespace", None
            )
        try:
            url = _reverse(
                get_script_prefix(),
                get_urlconf(),
                self.view_name.resolve(context),
                args,
                kwargs,
                current_app,
            )
        except NoReverseMatch:
            if self.asvar is None:
                raise
            url = ""
        except TypeError:  # an argument that cannot be a key: reverse it plainly
            return super().render(context)
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser, token):
    node = defaulttags.url(parser, token)
    node.__class__ = CachedURLNode
    return node
