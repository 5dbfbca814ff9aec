from .selectors.digest import pending_count


def waiting_changes(request):
    """How many changes wait for the signed-in person: every page shows it in the
    navigation (one query)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"waiting_changes": pending_count(user)}
