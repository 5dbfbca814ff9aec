from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject


def lazy(function, *args, **kwargs) -> SimpleLazyObject:
    """A value computed only when read: pages kept in the cache (see caching.py)
    never read it, so a cached page costs none of its queries."""
    return SimpleLazyObject(lambda: function(*args, **kwargs))


def query_without(request: HttpRequest, *names: str) -> str:
    """The current query string minus `names`, ready to take one more parameter
    (`?{{ query_string }}page=2`): links keep the filters they were reached with."""
    params = request.GET.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode() + "&" if params else ""
