"""`{% kept key %}…{% endkept %}`: the enclosed part rendered once and kept under
`key`, a key the view made with caching.page_key (templates hold no list of what a
part varies by). An empty key renders the part as it is, unkept."""

from django import template

from ..caching import remember

register = template.Library()


class KeptNode(template.Node):
    def __init__(self, nodelist, key):
        self.nodelist = nodelist
        self.key = key

    def render(self, context):
        key = self.key.resolve(context)
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
