from functools import cache

from .selectors.digest import pending_count


def waiting_changes(request):
    """How many changes wait for the signed-in person: the navigation shows it (one
    query, made only when a template reads it, and once however often it does)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # Templates call a callable they find in the context.
    return {"waiting_changes": cache(lambda: pending_count(user))}
