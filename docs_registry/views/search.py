"""`/search/?q=…`: full-text search over documents and the glossary."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from field.selectors import exception_search

from ..caching import page_key, remember
from ..forms import BrowseForm
from ..search import Filters, SearchResults, citation
from .common import lazy, query_without

SEARCH_PAGE_SIZE = 20


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    # The form is built and checked only when the page is not kept: what was
    # asked is kept with it (see caching.py), so a page read again builds none.
    form = lazy(BrowseForm, request.GET or None)

    def asked():
        query = form.filters().get("query", "")
        return query, citation(query)

    query, cited = remember(page_key(request, "search-asked"), asked)
    # An ID (`PRC-0007`) or a citation (`PRC-0007 v3`) opens what it names; when
    # that is missing the page says so above the results for the text.
    if cited is not None and cited.url is not None:
        return redirect(cited.url)

    def results_page():
        filters = form.filters()
        results = SearchResults(
            query,
            Filters(
                audience=filters.get("audience", ""),
                category_id=filters.get("category_id"),
                owner_id=filters.get("owner_id"),
                include_retired=filters.get("include_retired", False),
            ),
        )
        asked = request.GET.get("page")
        results.expect(_whole_number(asked), SEARCH_PAGE_SIZE)
        return Paginator(results, SEARCH_PAGE_SIZE).get_page(asked)

    today = timezone.localdate()
    exceptions = lazy(exception_search, query)
    return render(
        request,
        "docs_registry/search.html",
        {
            "form": form,
            "query": query,
            "cited": cited,
            "page": lazy(results_page),
            "page_query": lazy(query_without, request, "page"),
            "exceptions": exceptions,
            "today": today,
            # Whether a customer's exception is in force depends on the day.
            "page_key": page_key(request, "search", today),
        },
    )


def _whole_number(page) -> int:
    """The page `Paginator.get_page` gives for what was asked, if it exists: 1
    for anything but a whole number."""
    try:
        return max(int(page), 1)
    except (TypeError, ValueError):
        return 1
