"""Error answers: JSON under /api/, where clients parse every response, and the
product's pages everywhere else. Nothing about the failure itself is shown."""

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views import defaults

from .. import permissions
from ..models import Document
from ..selectors.documents import document_get

API_PREFIX = "/api/"


def is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


def _json(status: int, detail: str) -> JsonResponse:
    return JsonResponse({"detail": detail}, status=status)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api(request):
        return _json(400, "Bad request.")
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api(request):
        return _json(403, "You are not allowed to do that.")
    context = {"exception": str(exception), "document": _document_in(request)}
    return render(request, "403.html", context, status=403)


def _document_in(request: HttpRequest) -> Document | None:
    """The document the refused address names, when the person may read it: the
    page then names its owner, who can help, and links back to it."""
    match = request.resolver_match
    doc_id = match.kwargs.get("doc_id") if match else None
    if not doc_id or not request.user.is_authenticated:
        return None
    try:
        document = document_get(doc_id)
    except Http404:
        return None
    return document if permissions.can_read(request.user, document) else None


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api(request):
        return _json(404, "Not found.")
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if is_api(request):
        return _json(500, "Server error")
    return defaults.server_error(request)


READ_ONLY = "Samepage is read-only right now"


def read_only(request: HttpRequest) -> HttpResponse:
    """503 for a write the database refused; Retry-After tells clients to wait."""
    if is_api(request):
        response = _json(503, f"{READ_ONLY}: reading works, changes cannot be saved.")
    else:
        response = render(request, "503.html", {"heading": READ_ONLY}, status=503)
    response["Retry-After"] = "300"
    return response
