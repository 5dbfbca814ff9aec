"""The read-only JSON API under /api/ (django-ninja): the same documents, versions
and rules as the pages, for integrations. Signed in by the session or by a personal
token (`Authorization: Bearer sp_…`, made on the profile page)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from functools import cache, wraps
from html import unescape
from typing import Annotated, Literal

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import EmptyPage, Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import URLPattern, re_path, reverse
from django.urls import path as url_path
from django.utils.html import strip_tags
from ninja import Field, NinjaAPI, Path, Query, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer, SessionAuth
from pydantic import WithJsonSchema

from . import permissions, selectors, services
from . import search as full_text
from .caching import revision
from .models import Document, User, Version
from .params import MomentError, moment_asked
from .selectors.glossary import glossary_applied

PAGE_SIZE = 50
# Ids are the database's 64-bit integers.
ID_MAX = 2**63 - 1
# The last page whose rows the database can still count up to.
PAGE_MAX = ID_MAX // PAGE_SIZE
# As much of a query as search reads (search.MAX_QUERY_LENGTH).
QUERY_MAX_LENGTH = full_text.MAX_QUERY_LENGTH
USERNAME_MAX_LENGTH = User._meta.get_field("username").max_length


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        return services.api_token_authenticate(token)


class ActiveSession(SessionAuth):
    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        user = request.user
        return user if user.is_authenticated and user.is_active else None


api = NinjaAPI(
    title="Samepage API",
    version="1",
    description="Read access to Samepage documents, their versions, both teams' "
    "goals and customer exceptions; two writes, each with a personal token: a "
    "goal's owner posts its readings, a manager approves an exception. Every "
    'error answers JSON {"detail": "..."}; every method but GET answers 405 with '
    "`Allow: GET`, except POST to the endpoints that take one.",
    # Token first: an integration's token wins over a browser session. No CSRF
    # check: sessions only read (GET); the endpoints that write take a token only
    # (WRITE_ENDPOINTS), and anything else is refused with 405.
    auth=[BearerToken(), ActiveSession(csrf=False)],
    # Ninja's interactive docs load scripts from a CDN, which our CSP refuses (and
    # its /api/docs would take the documents' address): /api/reference/ is a page
    # of our own, read from the same schema as /api/openapi.json.
    docs_url=None,
    urls_namespace="api",
)


# --- errors: always {"detail": "..."} -------------------------------------------


def _error(status: int, detail: str, **headers: str) -> JsonResponse:
    response = JsonResponse({"detail": detail}, status=status)
    for name, value in headers.items():
        response[name] = value
    return response


@api.exception_handler(AuthenticationError)
def _unauthorized(request, exc):
    return _error(
        401,
        "Sign in, or send a valid personal API token as "
        "'Authorization: Bearer <token>'.",
        **{"WWW-Authenticate": 'Bearer realm="samepage"'},
    )


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return _error(403, str(exc) or "You are not allowed to do that.")


@api.exception_handler(ValidationError)
def _bad_request(request, exc):
    problems = "; ".join(
        f"{error['loc'][-1]}: {error['msg']}" for error in exc.errors if error["loc"]
    )
    return _error(400, f"Invalid request. {problems}".strip())


@api.exception_handler(HttpError)
def _http_error(request, exc):
    return _error(exc.status_code, exc.message)


# --- schemas --------------------------------------------------------------------


class ErrorOut(Schema):
    detail: str


# What each kind of operation can answer besides 200 (405 is the same for all of
# them: see the API's description).
_READ = {
    400: ErrorOut,  # a parameter outside its constraints
    401: ErrorOut,  # not signed in, or no valid token
}
_ONE_DOCUMENT = {
    401: ErrorOut,
    403: ErrorOut,  # the document is not for the reader's team
    404: ErrorOut,  # no such document (or version)
}
_LIST = _READ | {404: ErrorOut}  # a page past the last, or an unknown owner

Page = Annotated[
    int, Query(ge=1, le=PAGE_MAX, description="1 is the first page; 50 a page.")
]
CategoryId = Annotated[int | None, Query(ge=1, le=ID_MAX)]
Owner = Annotated[
    str | None,
    Query(max_length=USERNAME_MAX_LENGTH, description="A username."),
]


class PersonOut(Schema):
    username: str
    name: str


class CategoryOut(Schema):
    id: int
    name: str
    prefix: str


class DocumentItemOut(Schema):
    doc_id: str
    title: str
    category: CategoryOut
    audience: str
    owner: PersonOut
    status: str
    version: int
    citation: str
    published_at: datetime
    url: str
    api_url: str


HTML_DESCRIPTION = (
    "The version as served on its page: sanitized HTML, with the first use of "
    'each glossary term as <abbr data-term="id" title="its current definition">.'
)


class AnnouncedOut(Schema):
    version: int
    effective_at: datetime
    citation: str
    api_url: str


class DocumentOut(DocumentItemOut):
    markdown: str
    html: str = Field(description=HTML_DESCRIPTION)
    summary: str
    significance: str
    created_at: datetime
    effective_at: datetime | None = Field(
        description="When this version came (or comes) into force, if later than "
        "its publication; null: in force from `published_at`."
    )
    announced: AnnouncedOut | None = Field(
        description="A change published to apply later, while it waits: the "
        "version above stays in force until `effective_at`."
    )


class VersionItemOut(Schema):
    doc_id: str
    number: int
    title: str
    summary: str
    significance: str
    publisher: PersonOut
    published_at: datetime
    citation: str
    url: str
    api_url: str


class VersionOut(VersionItemOut):
    markdown: str
    html: str = Field(description=HTML_DESCRIPTION)


class HitOut(Schema):
    kind: Literal["doc", "term"]
    doc_id: str
    title: str
    title_html: str
    snippet_html: str
    retired: bool
    url: str
    api_url: str | None


class HitPage(Schema):
    count: int
    next: str | None
    previous: str | None
    results: list[HitOut]


class DocumentPage(Schema):
    count: int
    next: str | None
    previous: str | None
    results: list[DocumentItemOut]


class VersionPage(Schema):
    count: int
    next: str | None
    previous: str | None
    results: list[VersionItemOut]


# --- helpers --------------------------------------------------------------------


def _person(user: User) -> dict:
    return {"username": user.username, "name": user.display_name}


def _document_item(
    request: HttpRequest, document: Document, version: Version | None = None
) -> dict:
    version = version or document.current_version
    return {
        "doc_id": document.doc_id,
        "title": document.title,
        "category": document.category,
        "audience": document.audience,
        "owner": _person(document.owner),
        "status": document.status,
        "version": version.number,
        "citation": f"{document.doc_id} v{version.number}",
        "published_at": version.published_at,
        "url": request.build_absolute_uri(document.get_absolute_url()),
        "api_url": request.build_absolute_uri(
            reverse("api:document", args=[document.doc_id])
        ),
    }


def _version_item(request: HttpRequest, document: Document, version: Version) -> dict:
    return {
        "doc_id": document.doc_id,
        "number": version.number,
        "title": version.title,
        "summary": version.summary,
        "significance": version.significance,
        "publisher": _person(version.published_by),
        "published_at": version.published_at,
        "citation": f"{document.doc_id} v{version.number}",
        "url": request.build_absolute_uri(
            reverse("docs_registry:version", args=[document.doc_id, version.number])
        ),
        "api_url": request.build_absolute_uri(
            reverse("api:version", args=[document.doc_id, version.number])
        ),
    }


def _hit(request: HttpRequest, hit: full_text.Hit) -> dict:
    is_document = hit.kind == full_text.DOC
    return {
        "kind": hit.kind,
        "doc_id": hit.doc_id,
        "title": unescape(strip_tags(hit.title)),
        "title_html": str(hit.title),
        "snippet_html": str(hit.snippet),
        "retired": hit.retired,
        "url": request.build_absolute_uri(hit.url),
        "api_url": (
            request.build_absolute_uri(reverse("api:document", args=[hit.doc_id]))
            if is_document
            else None
        ),
    }


def _paginate(request: HttpRequest, queryset, page: int, item) -> dict:
    """One page of `queryset` as {count, next, previous, results}."""
    paginator = Paginator(queryset, PAGE_SIZE)
    try:
        current = paginator.page(page)
    except EmptyPage:
        # A page that does not exist (yet), as a document that does not: 404.
        raise HttpError(
            404, f"page: there are {paginator.num_pages} page(s); {page} is not one."
        ) from None

    def link(number: int) -> str:
        params = request.GET.copy()
        params["page"] = str(number)
        return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")

    return {
        "count": paginator.count,
        "next": link(current.next_page_number()) if current.has_next() else None,
        "previous": (
            link(current.previous_page_number()) if current.has_previous() else None
        ),
        "results": [item(obj) for obj in current.object_list],
    }


def _readable(request: HttpRequest, doc_id: str) -> Document:
    document = selectors.document_get_kept(doc_id, revision(request))
    permissions.require(permissions.can_read(request.auth, document))
    return document


def _owner_id(username: str | None) -> int | None:
    if not username:
        return None
    owner = User.objects.filter(username=username).values_list("pk", flat=True)
    if not owner:
        raise HttpError(404, f"owner: no one has the username {username!r}.")
    return owner[0]


# A `+` sent unencoded in a query string arrives as a space.
_SPACED_OFFSET = re.compile(r" (\d{2}(:?\d{2})?)$")


def _parse_since(value: str) -> datetime:
    try:
        since = datetime.fromisoformat(_SPACED_OFFSET.sub(r"+\1", value.strip()))
    except ValueError:
        raise HttpError(
            400,
            "since: give an ISO 8601 time with its time zone, e.g. "
            "2026-01-31T09:00:00Z or 2026-01-31T09:00:00%2B01:00.",
        ) from None
    if since.tzinfo is None:
        raise HttpError(400, "since: add a time zone (Z or an offset such as +01:00).")
    return since


# --- endpoints ------------------------------------------------------------------


@api.get("/docs/", response={200: DocumentPage} | _LIST, url_name="documents")
def document_list(
    request,
    q: Annotated[str, Query(max_length=QUERY_MAX_LENGTH)] = "",
    audience: Literal["sales", "support", "both", ""] = "",
    category: CategoryId = None,
    owner: Owner = None,
    include_retired: bool = False,
    page: Page = 1,
):
    """Current documents, by ID; filters as on the Documents page. A team's
    audience (`sales`, `support`) includes documents for both teams."""
    documents = selectors.document_list(
        query=q.strip(),
        audience=audience,
        category_id=category,
        owner_id=_owner_id(owner),
        include_retired=include_retired,
    )
    return _paginate(request, documents, page, lambda d: _document_item(request, d))


AT_DESCRIPTION = (
    "The version in force at this moment instead of now: a date (2026-12-15: the "
    "end of that day in the site's time zone) or an ISO 8601 time "
    "(2026-12-15T09:00:00Z; without a zone, the site's). 404 before the document "
    "existed."
)


@api.get(
    "/docs/{doc_id}/",
    response={200: DocumentOut} | _ONE_DOCUMENT | {400: ErrorOut},
    url_name="document",
)
def document_detail(
    request,
    doc_id: str,
    at: Annotated[
        str | None,
        # Parsed by moment_asked, which also reads a "+" sent unencoded.
        WithJsonSchema(
            {
                "anyOf": [
                    {"type": "string", "format": "date"},
                    {"type": "string", "format": "date-time"},
                ]
            }
        ),
        Query(None, max_length=100, description=AT_DESCRIPTION),
    ] = None,
):
    """The version of a document in force now (or `at` a moment), its Markdown and
    HTML, and the change announced to apply later, if one waits."""
    document = _readable(request, doc_id)
    version = document.current_version
    if at is not None:
        version = _in_force_at(document, at)
    return _document_item(request, document, version) | {
        "markdown": version.body,
        "html": glossary_applied(version.body_html),
        "summary": version.summary,
        "significance": version.significance,
        "created_at": document.created_at,
        "effective_at": version.effective_at,
        "announced": _announced(request, document),
    }


def _announced(request: HttpRequest, document: Document) -> dict | None:
    pending = document.pending_version
    if pending is None:
        return None
    return {
        "version": pending.number,
        "effective_at": pending.effective_at,
        "citation": f"{document.doc_id} v{pending.number}",
        "api_url": request.build_absolute_uri(
            reverse("api:version", args=[document.doc_id, pending.number])
        ),
    }


def _in_force_at(document: Document, raw: str) -> Version:
    try:
        at = moment_asked(raw)
    except MomentError as problem:
        raise HttpError(400, f"at: {problem}") from None
    version = selectors.version_in_force(document, at)
    if version is None:
        raise HttpError(
            404, f"at: {document.doc_id} did not exist yet then ({at.isoformat()})."
        )
    return version


@api.get(
    "/docs/{doc_id}/versions/",
    response={200: VersionPage} | _ONE_DOCUMENT | _READ,
    url_name="versions",
)
def version_list(request, doc_id: str, page: Page = 1):
    """Every published version of a document, newest first."""
    document = _readable(request, doc_id)
    versions = (
        Version.objects.filter(document=document)
        .select_related("published_by")
        .defer("body", "body_html")
        .order_by("-number")
    )
    return _paginate(
        request, versions, page, lambda v: _version_item(request, document, v)
    )


@api.get(
    "/docs/{doc_id}/versions/{number}/",
    response={200: VersionOut} | _ONE_DOCUMENT | _READ,
    url_name="version",
)
def version_detail(request, doc_id: str, number: Annotated[int, Path(ge=1, le=ID_MAX)]):
    """One version exactly as it was published."""
    document = _readable(request, doc_id)
    version = selectors.version_get(document, number)
    return _version_item(request, document, version) | {
        "markdown": version.body,
        "html": glossary_applied(version.body_html),
    }


@api.get("/changes/", response={200: VersionPage} | _LIST, url_name="changes")
def changes(
    request,
    since: Annotated[
        str,
        # Parsed by _parse_since, which also reads a "+" sent unencoded.
        WithJsonSchema({"type": "string", "format": "date-time"}),
        Query(description="An RFC 3339 time with its zone: 2026-01-31T09:00:00Z."),
    ],
    page: Page = 1,
):
    """Versions published after `since`, oldest first: poll with the time of the
    last change seen."""
    after = _parse_since(since)
    versions = (
        Version.objects.filter(published_at__gt=after)
        .select_related("document", "published_by")
        .defer("body", "body_html")
        .order_by("published_at", "pk")
    )
    return _paginate(
        request, versions, page, lambda v: _version_item(request, v.document, v)
    )


@api.get("/search/", response={200: HitPage} | _LIST, url_name="search")
def search(
    request,
    q: Annotated[
        str,
        Query(
            max_length=QUERY_MAX_LENGTH,
            # A letter or a digit somewhere: the words searched for.
            pattern=r"[^\W_]",
            description="The words to search for.",
        ),
    ],
    audience: Literal["sales", "support", "both", ""] = "",
    category: CategoryId = None,
    owner: Owner = None,
    include_retired: bool = False,
    page: Page = 1,
):
    """Full-text search over current documents and the glossary, best first;
    filters as on /api/docs/. Titles and snippets come as HTML with the
    matching words in <mark>."""
    if not full_text.words(q):
        raise HttpError(400, "q: say what to search for (letters or digits).")
    results = full_text.SearchResults(
        q,
        full_text.Filters(
            audience=audience,
            category_id=category,
            owner_id=_owner_id(owner),
            include_retired=include_retired,
        ),
        every_hit_counted=True,  # the API's count is exact
    )
    results.expect(page, PAGE_SIZE)
    return _paginate(request, results, page, lambda hit: _hit(request, hit))


_READ_METHODS = ("GET",)
# The url names of the endpoints that write, answering POST alone. Each declares
# `auth=BearerToken()`: a browser session never writes, so no CSRF check is needed.
WRITE_ENDPOINTS: set[str] = set()

# Customer exceptions: their own module (field/api.py), under /api/exceptions/.
api.add_router("/exceptions/", "field.api.router")


# --- URLs -----------------------------------------------------------------------


def _api_view(view, methods: tuple[str, ...] = _READ_METHODS):
    """The API answers for itself: JSON 401 rather than the sign-in redirect of
    LoginRequiredMiddleware, and a JSON 405 for every method it does not take."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in methods:
            if methods == _READ_METHODS:
                return _error(405, "The API is read-only: use GET.", Allow="GET")
            return _error(405, f"Use {', '.join(methods)}.", Allow=", ".join(methods))
        return view(request, *args, **kwargs)

    return login_not_required(wrapper)


def _no_such_endpoint(request: HttpRequest) -> JsonResponse:
    return _error(404, "No such API endpoint.")


def _schema_view(view):
    """The schema answers whoever the endpoints answer: a signed-in person or a
    valid token (so a client can read it with the token it already has); anyone
    else gets the same JSON 401 as every endpoint."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not (request.user.is_authenticated and request.user.is_active):
            header = request.headers.get("Authorization", "")
            scheme, _, raw = header.partition(" ")
            user = BearerToken().authenticate(request, raw.strip())
            if scheme.lower() != "bearer" or user is None:
                return _unauthorized(request, None)
            request.user = user
        return view(request, *args, **kwargs)

    return _api_view(wrapper)


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    summary: str
    description: str
    parameters: list[dict]
    statuses: list[str]


@cache
def _endpoints() -> tuple[Endpoint, ...]:
    """Every endpoint as the OpenAPI schema describes it (built once: the schema
    is fixed by the code)."""
    schema = api.get_openapi_schema()
    return tuple(
        Endpoint(
            method=method.upper(),
            path=path,
            summary=operation.get("summary", ""),
            description=operation.get("description", ""),
            parameters=[
                {
                    "name": parameter["name"],
                    "where": parameter["in"],
                    "required": parameter.get("required", False),
                    "description": parameter.get("description", ""),
                }
                for parameter in operation.get("parameters", [])
            ],
            statuses=sorted(operation.get("responses", {})),
        )
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
    )


def _reference(request: HttpRequest) -> HttpResponse:
    """The API's reference for people: every endpoint, its parameters and answers."""
    return render(
        request,
        "docs_registry/api_reference.html",
        {"api": api, "endpoints": _endpoints()},
    )


def urls() -> tuple[list, str, str]:
    patterns, app_name, namespace = api.urls
    wrapped = [
        URLPattern(
            p.pattern,
            _schema_view(p.callback)
            if p.name == "openapi-json"
            else _api_view(
                p.callback, ("POST",) if p.name in WRITE_ENDPOINTS else _READ_METHODS
            ),
            p.default_args,
            p.name,
        )
        for p in patterns
    ]
    wrapped.append(url_path("reference/", _schema_view(_reference), name="reference"))
    # Last: any other address under /api/ answers in JSON too, not with a page.
    wrapped.append(re_path(r"", _api_view(_no_such_endpoint)))
    return wrapped, app_name, namespace
