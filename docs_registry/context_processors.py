from functools import cache

from django.utils.functional import SimpleLazyObject

from .caching import page_state
from .selectors.digest import waiting_count


def page(request):
    """`page_state` for cached fragments ({% cache %} keys), and how many changes
    wait for the signed-in person, for the navigation. Both are read only when a
    template uses them (the count once however often it does)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # Templates call a callable they find in the context.
    return {
        "page_state": SimpleLazyObject(lambda: page_state(request)),
        "waiting_changes": cache(lambda: waiting_count(user, page_state(request))),
    }
