"""Managers' reports: acknowledgment coverage and the change history of everything."""

from typing import NamedTuple

from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from .. import permissions
from ..caching import page_key
from ..csv_export import csv_response
from ..forms import ChangeHistoryForm, CoverageFilterForm
from ..models import User
from ..selectors import changes as change_selectors
from ..selectors import coverage as coverage_selectors
from .common import lazy, query_without

COVERAGE_PAGE_SIZE = 50
CHANGES_PAGE_SIZE = 100
CSV_BATCH = 500


def _require_manager(request: HttpRequest) -> None:
    permissions.require(
        permissions.is_manager(request.user), "Only managers see this report."
    )


@require_safe
def coverage(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    form = CoverageFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return render(
            request, "docs_registry/coverage.html", {"form": form}, status=400
        )
    data = form.cleaned_data if form.is_bound else {}
    category = data.get("category")
    filters = {
        "team": data.get("team", ""),
        "category_id": category.pk if category else None,
    }
    if request.GET.get("format") == "csv":
        return _coverage_csv(coverage_selectors.coverage_report(**filters))
    # Read only when the kept page is missing: the report orders every document
    # by its kept counts (tens of ms with 10,000), so it is worked out once after
    # each write (an acknowledgment moves the pages' counter its key carries),
    # not for each manager and page.
    page = lazy(
        lambda: Paginator(
            coverage_selectors.coverage_report(**filters), COVERAGE_PAGE_SIZE
        ).get_page(request.GET.get("page"))
    )
    context = {
        "form": form,
        "page": page,
        "query_string": query_without(request, "page"),
        "page_key": page_key(request, "coverage"),
    }
    return render(request, "docs_registry/coverage.html", context)


def _coverage_csv(report) -> HttpResponse:
    return csv_response(
        f"coverage-{timezone.localdate().isoformat()}.csv",
        [
            "document",
            "title",
            "owner",
            "audience",
            "version",
            "acknowledged",
            "audience size",
            "percent",
        ],
        (
            [
                row.document.doc_id,
                row.document.title,
                row.document.owner.username,
                row.document.audience,
                row.required_number,
                row.acknowledged,
                row.audience_size,
                row.percent,
            ]
            for row in report
        ),
    )


@require_safe
def person_coverage(request: HttpRequest, username: str) -> HttpResponse:
    _require_manager(request)
    person = get_object_or_404(User, username=username)
    documents = coverage_selectors.unacknowledged_documents(person)
    page = Paginator(documents, COVERAGE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "docs_registry/person_coverage.html",
        {"person": person, "page": page, "query_string": ""},
    )


@require_safe
def change_history(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    form = ChangeHistoryForm(request.GET)
    if not form.is_valid():
        return render(request, "docs_registry/changes.html", {"form": form}, status=400)
    rows = change_selectors.change_rows(form.filters())
    if request.GET.get("format") == "csv":
        return csv_response(
            f"changes-{timezone.localdate().isoformat()}.csv",
            [
                "when",
                "kind",
                "document",
                "title",
                "who",
                "version",
                "summary or reason",
                "fields changed",
            ],
            _change_csv_rows(rows),
        )
    # Read only when the kept page is missing (its key carries the pages'
    # counter, which every write moves, and the address with the filters): the
    # changes are a union over every version and history record, 0.2 s of
    # PostgreSQL's time with the bench's 200,000 versions.
    shown = lazy(_changes_page, rows, request.GET.get("page"))
    context = {
        "form": form,
        "page": lazy(lambda: shown.page),
        "changes": lazy(lambda: shown.changes),
        "query_string": query_without(request, "page"),
        "page_key": page_key(request, "changes"),
    }
    return render(request, "docs_registry/changes.html", context)


class _ChangesPage(NamedTuple):
    page: Page
    changes: list[change_selectors.Change]


def _changes_page(rows, number) -> _ChangesPage:
    page = Paginator(rows, CHANGES_PAGE_SIZE).get_page(number)
    return _ChangesPage(page, change_selectors.hydrate(list(page.object_list)))


def _change_csv_rows(rows):
    """Stream in batches: each batch is hydrated in a fixed number of queries."""
    batch = []
    for row in rows.iterator(chunk_size=CSV_BATCH):
        batch.append(row)
        if len(batch) == CSV_BATCH:
            yield from _csv_lines(batch)
            batch = []
    yield from _csv_lines(batch)


def _csv_lines(batch):
    for change in change_selectors.hydrate(batch):
        yield [
            change.when.isoformat(),
            change.kind_label,
            change.document.doc_id,
            change.document.title,
            change.who.username if change.who else "",
            change.version_number or "",
            change.summary,
            "; ".join(f"{field}: {old} -> {new}" for field, old, new in change.changes),
        ]
