from django.http import HttpRequest


def query_without(request: HttpRequest, *names: str) -> str:
    """The current query string minus `names`, ready to take one more parameter
    (`?{{ query_string }}page=2`): links keep the filters they were reached with."""
    params = request.GET.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode() + "&" if params else ""
