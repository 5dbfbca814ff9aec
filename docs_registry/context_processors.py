from functools import cache

from .selectors.digest import waiting_count


def waiting_changes(request):
    """How many changes wait for the signed-in person, for the navigation: read
    only when a template shows it, once however often it does (cached across
    requests too: see waiting_count)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # Templates call a callable they find in the context.
    return {"waiting_changes": cache(lambda: waiting_count(user))}
