"""The benchmark's ceiling: the least a signed-in page can cost on this server
(session, user, middleware, one tiny template). `make bench` reports every page's
throughput as a share of this one's. Served only with SAMEPAGE_BENCH_CEILING on."""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe


@require_safe
def ceiling(request: HttpRequest) -> HttpResponse:
    if not settings.SAMEPAGE_BENCH_CEILING:
        raise Http404
    return render(request, "docs_registry/ceiling.html")
