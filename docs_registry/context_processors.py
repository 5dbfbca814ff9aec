from functools import cache

from .caching import page_key
from .selectors.digest import waiting_count


def page(request):
    """The key of the header kept for the signed-in person, and how many changes
    wait for them, for the navigation (read only when the header is not kept, and
    once however often the page shows it)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # Templates call a callable they find in the context.
    return {
        "header_key": cache(
            lambda: page_key(request, "header", personal=True, by_address=False)
        ),
        "waiting_changes": cache(lambda: waiting_count(request)),
    }
