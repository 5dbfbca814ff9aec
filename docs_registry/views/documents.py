"""Thin views: parse the request, check permission, call a selector or a service,
render. Business rules live in services.py, permissions in permissions.py."""

import logging
from dataclasses import dataclass

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import DatabaseError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from field.selectors import active_exceptions_for

from .. import permissions, selectors, services
from ..caching import (
    ask_document_readings,
    cache_key,
    document_readings,
    page_key,
    remember,
    revision,
)
from ..diffing import Comparison, compare_versions, diff_versions
from ..forms import (
    BrowseForm,
    DetailsForm,
    DocumentCreateForm,
    EditForm,
    PreviewForm,
    ReasonForm,
    TransferForm,
)
from ..handoff_blocks import handoff_problems
from ..models import Document, Draft, Version
from ..params import MomentError, day_label, moment_asked
from ..rendering import RenderingError, render_markdown
from ..selectors.coverage import document_coverage
from ..selectors.digest import Readings
from ..selectors.documents import compared_versions, compared_versions_asked
from ..selectors.glossary import glossary_linter, glossary_term_ids
from ..selectors.reviews import review_status
from .common import lazy, query_without
from .questions import question_context

logger = logging.getLogger(__name__)

BROWSE_PAGE_SIZE = 50
HISTORY_PAGE_SIZE = 50


def _readable_document(request: HttpRequest, doc_id: str) -> Document:
    document = selectors.document_get(doc_id)
    permissions.require(permissions.can_read(request.user, document))
    return document


def _shown_document(request: HttpRequest, doc_id: str) -> Document:
    """`_readable_document` for pages that only show it: kept under the revision
    (see caching.py). Pages that change a document read it afresh."""
    document = selectors.document_get_kept(doc_id, revision(request))
    permissions.require(permissions.can_read(request.user, document))
    return document


def _document_context(
    request: HttpRequest, kind: str, document: Document, **extra
) -> dict:
    """What every page about one document needs, its buttons included, and the key
    its page is kept under (`kind` names the page)."""
    return {
        "document": document,
        # Lazy, like every key of a part inside another kept part: a page found
        # kept whole never builds them (19 µs a key).
        "page_key": lazy(page_key, request, kind, document=document),
        # Printed copies name where the current version lives.
        "current_url": lazy(request.build_absolute_uri, document.get_absolute_url()),
        "can_publish": permissions.can_publish(request.user, document),
        "can_manage": permissions.can_manage(request.user),
    } | extra


@require_safe
def browse(request: HttpRequest) -> HttpResponse:
    # Everything below the heading is kept (see caching.py): the form is built and
    # checked only when it is not.
    form = lazy(BrowseForm, request.GET or None)

    def browse_page():
        documents = selectors.document_rows(**form.filters())
        return Paginator(documents, BROWSE_PAGE_SIZE).get_page(request.GET.get("page"))

    return render(
        request,
        "docs_registry/browse.html",
        {
            "form": form,
            "page": lazy(browse_page),
            "is_manager": permissions.is_manager(request.user),
            "sort": lazy(lambda: form.filters().get("sort", "id")),
            "filter_query": lazy(query_without, request, "sort", "page"),
            "page_query": lazy(query_without, request, "page"),
            "page_key": page_key(request, "browse"),
        },
    )


@require_safe
def document_detail(request: HttpRequest, doc_id: str) -> HttpResponse:
    ask_document_readings(request, doc_id)  # read with the counters, just below
    document = _shown_document(request, doc_id)
    if "at" in request.GET:
        return _in_force_at(request, document, request.GET["at"])
    context = _document_context(
        request, "document-top", document, version=document.current_version
    )
    context["review"] = review = review_status(document)
    # The reader's whole page (theirs alone: acknowledgments, questions), and the
    # body shown to every reader; both show whether a review is due.
    today = timezone.localdate()
    # Exceptions in force depend on the day as well as on what was written.
    context["reader_key"] = page_key(
        request, "document", review.is_due, today, document=document, personal=True
    )
    context["exceptions_key"] = lazy(
        page_key,
        request,
        "document-exceptions",
        today,
        document=document,
        by_address=False,
    )
    context["exceptions"] = lazy(active_exceptions_for, document, today)
    context["today"] = today
    context["body_key"] = lazy(
        page_key, request, "document-body", review.is_due, document=document
    )
    if permissions.can_acknowledge(request.user, document):
        readings = _readings(request, document)
        _note_shown(request, document, readings)
        context["acknowledged"] = readings.acknowledged
    if permissions.can_see_coverage(request.user, document):
        context["coverage"], context["missing"] = document_coverage(document)
    context |= question_context(request, document)
    return render(request, "docs_registry/document.html", context)


def _in_force_at(request: HttpRequest, document: Document, raw: str) -> HttpResponse:
    """`?at=`: the version that was (or, as announced, will be) in force then; 400
    for a moment that cannot be read, 404 for one before the document existed."""
    context = _document_context(request, "in-force", document)
    try:
        at = moment_asked(raw)
    except MomentError as problem:
        return _no_version_at(request, context, str(problem), status=400)
    version = remember(
        cache_key("in-force", document.pk, at, revision(request)),
        lambda: selectors.version_in_force(document, at),
    )
    if version is None:
        problem = (
            f"{document.doc_id} did not exist yet then: its v1 was published on "
            f"{day_label(document.created_at)}."
        )
        return _no_version_at(request, context, problem, status=404)
    context |= {"version": version, "at": at, "at_day": len(raw.strip()) == 10}
    return render(request, "docs_registry/version.html", context)


def _no_version_at(request, context, problem: str, *, status: int) -> HttpResponse:
    context |= {"version": context["document"].current_version, "at_problem": problem}
    return render(request, "docs_registry/version.html", context, status=status)


def _readings(request: HttpRequest, document: Document) -> Readings:
    """What the reader acknowledged and was shown of `document`, read with the
    request's counters (a page read again reads no kept value for them)."""
    return Readings(*document_readings(request, document.doc_id))


def _note_shown(request: HttpRequest, document: Document, readings: Readings) -> None:
    """Reading the current version counts as seeing its minor changes (see
    services.version_shown_record); a version already known writes nothing."""
    current = document.current_version.number
    if readings.known >= current:
        return
    try:
        with transaction.atomic():
            services.version_shown_record(
                user=request.user, document=document, number=current
            )
    except DatabaseError:
        # A read must not fail because it could not be noted (a read-only
        # database): the change simply stays in the digest.
        logger.warning("Could not record that %s was shown", document.doc_id)


@require_safe
def version_detail(request: HttpRequest, doc_id: str, number: int) -> HttpResponse:
    document = _shown_document(request, doc_id)
    version = remember(
        cache_key("version", document.pk, number, revision(request)),
        lambda: selectors.version_get(document, number),
    )
    return render(
        request,
        "docs_registry/version.html",
        _document_context(
            request,
            "version",
            document,
            version=version,
            withdrawn=lazy(selectors.version_withdrawn, version),
        ),
    )


@require_safe
def history(request: HttpRequest, doc_id: str) -> HttpResponse:
    document = _shown_document(request, doc_id)

    def history_page():
        entries = selectors.document_history(document)
        return Paginator(entries, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))

    page = lazy(history_page)
    return render(
        request,
        "docs_registry/history.html",
        _document_context(request, "history", document, page=page, query_string=""),
    )


@require_safe
def compare(request: HttpRequest, doc_id: str) -> HttpResponse:
    document = _shown_document(request, doc_id)
    # A change announced for later can be compared before it applies.
    newest = document.newest_version.number
    source = request.GET.get("view") == "source"
    context = _document_context(request, "compare", document, source=source)
    try:
        first, second = _compare_numbers(request.GET, current=newest)
    except _CompareProblem as problem:
        context["problem"] = problem
        return render(
            request, "docs_registry/compare.html", context, status=problem.status
        )
    # Read only when the kept page is missing (its key covers the numbers).
    compared = lazy(_compared, request, document, first, second, source=source)
    context |= {
        "low": min(first, second),
        "high": max(first, second),
        "compared": compared,
        "old": lazy(lambda: compared.old),
        "new": lazy(lambda: compared.new),
    }
    return render(request, "docs_registry/compare.html", context)


@dataclass(frozen=True)
class _Compared:
    old: Version
    new: Version
    between: list[Version]
    earlier: int  # summaries left out of `between`, which lists the newest
    comparison: Comparison


def _compared(
    request: HttpRequest, document: Document, first: int, second: int, *, source: bool
) -> _Compared:
    # Kept as rows: pickling the versions with their publishers took an eighth
    # of a comparison worked out afresh.
    asked = compared_versions_asked(document, first, second)
    rows = remember(
        cache_key("compare", document.pk, first, second, revision(request)),
        asked.rows,
    )
    old, new, between = compared_versions(asked.objects(rows), first, second)
    return _Compared(
        old,
        new,
        between,
        earlier=abs(second - first) - len(between),
        comparison=(diff_versions if source else compare_versions)(
            # Stored only towards the current version or a change announced
            # (see StoredComparison).
            old,
            new,
            store=new.pk in (document.current_version_id, document.pending_version_id),
        ),
    )


class _CompareProblem(Exception):
    """Why two versions cannot be compared, said on the comparison page."""

    def __init__(self, message: str, *, status: int):
        super().__init__(message)
        self.message = message
        self.status = status


# Longer than any version number can be: out of range without asking the
# database (and without turning thousands of digits into an integer).
_MAX_DIGITS = 9


def _compare_numbers(query, *, current: int) -> tuple[int, int]:
    """The two version numbers asked for ("3" or "v3"; by default the latest
    change), in either order, or `_CompareProblem`: 400 for what is not a version
    number or the same version twice, 404 for a version that does not exist."""
    numbers = []
    for name, default in (("from", max(current - 1, 1)), ("to", current)):
        raw = query.get(name, "").strip()
        digits = raw.removeprefix("v").removeprefix("V")
        if not raw:
            numbers.append(default)
        elif not (digits.isascii() and digits.isdigit()):
            raise _CompareProblem(f"“{raw[:40]}” is not a version number.", status=400)
        elif len(digits) > _MAX_DIGITS or not 1 <= int(digits) <= current:
            raise _CompareProblem(
                f"There is no version {raw[:40]}: the versions are v1 to v{current}.",
                status=404,
            )
        else:
            numbers.append(int(digits))
    if numbers[0] == numbers[1]:
        raise _CompareProblem(
            f"These are the same version (v{numbers[0]}): there is nothing to compare.",
            status=400,
        )
    return numbers[0], numbers[1]


EDIT_ACTIONS = ("preview", "save", "publish")


@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, doc_id: str) -> HttpResponse:
    document = _editable_document(request, doc_id)
    draft = selectors.draft_for(document, request.user)
    if request.method == "GET":
        return _render_edit(
            request, document, EditForm(initial=_edit_initial(document, draft)), draft
        )
    action = request.POST.get("action")
    if action == "discard":
        services.draft_discard(document=document, actor=request.user)
        messages.success(request, "Draft discarded.")
        return redirect("docs_registry:edit", doc_id=document.doc_id)
    if action == "rebase" and draft is not None:
        services.draft_rebase(document=document, actor=request.user)
        messages.success(
            request, f"Your draft is now based on v{document.newest_version.number}."
        )
        return redirect("docs_registry:edit", doc_id=document.doc_id)
    form = EditForm(request.POST)
    if action not in EDIT_ACTIONS or not form.is_valid():
        return _render_edit(request, document, form, draft, status=400)
    draft = services.draft_save(
        document=document, actor=request.user, **form.text_fields()
    )
    if action == "save":
        messages.success(request, "Draft saved. Only you can see it.")
        return redirect("docs_registry:edit", doc_id=document.doc_id)
    if action == "preview":
        return _render_edit(
            request, document, form, draft, **_preview(form.cleaned_data["body"])
        )
    return _publish(request, document, form, draft)


@require_POST
def edit_preview(request: HttpRequest, doc_id: str) -> HttpResponse:
    """The live preview beside the editor (static/js/editor.js): the same preview
    as the Preview button's, as a fragment of HTML, and nothing saved."""
    _editable_document(request, doc_id)
    form = PreviewForm(request.POST)
    if not form.is_valid():
        return render(
            request, "docs_registry/edit_preview.html", {"form": form}, status=400
        )
    return render(
        request, "docs_registry/edit_preview.html", _preview(form.cleaned_data["body"])
    )


def _editable_document(request: HttpRequest, doc_id: str) -> Document:
    document = _readable_document(request, doc_id)
    permissions.require(
        permissions.can_publish(request.user, document),
        "Only the document's owner edits it.",
    )
    return document


def _preview(body: str) -> dict:
    """A draft's body rendered as publishing would render it, with the words the
    glossary says to avoid marked in it and listed by line, and the hand-off
    blocks publishing would refuse."""
    linter = glossary_linter()
    return {
        "preview": render_markdown(body, glossary=glossary_term_ids(), avoided=linter),
        "findings": linter.lint(body),
        "handoff_problems": handoff_problems(body),
    }


def _publish(request, document, form, draft) -> HttpResponse:
    if not form.require_summary():
        return _render_edit(request, document, form, draft, status=400)
    try:
        version = services.document_publish(
            document=document,
            actor=request.user,
            publish_anyway=request.POST.get("publish_anyway") == "yes",
            effective_at=form.effective_at(),
            **form.text_fields(),
        )
    except services.HandoffBlockError as error:
        form.add_error(None, error.message)
        return _render_edit(
            request, document, form, draft, status=400, handoff_problems=error.problems
        )
    except services.LintFindingsError as error:
        form.add_error(None, error.message)
        return _render_edit(
            request,
            document,
            form,
            draft,
            status=400,
            findings=error.findings,
            offer_anyway=not error.blocking,
        )
    except (services.ServiceError, RenderingError) as error:
        form.add_error(None, error.message)
        return _render_edit(request, document, form, draft, status=409)
    if version.effective_at is not None:
        messages.success(
            request,
            f"Published {document.doc_id} v{version.number}, in force from "
            f"{day_label(version.effective_at)}. Until then "
            f"v{document.current_version.number} stays in force.",
        )
    else:
        messages.success(request, f"Published {document.doc_id} v{version.number}.")
    return redirect(document)


def _edit_initial(document: Document, draft: Draft | None) -> dict:
    if draft is not None:
        return {
            "title": draft.title,
            "body": draft.body,
            "summary": draft.summary,
            "significance": draft.significance,
            "base_number": draft.base_number,
        }
    current = document.newest_version
    return {
        "title": current.title,
        "body": current.body,
        "significance": Version.Significance.MAJOR,
        "base_number": current.number,
    }


def _stale_base(form: EditForm, document: Document) -> int | None:
    """The version the text on screen was started from, if it is no longer current."""
    try:
        base = int(form["base_number"].value())
    except (TypeError, ValueError):
        return None
    return base if base != document.newest_version.number else None


def _render_edit(request, document, form, draft, *, status=200, **extra):
    return render(
        request,
        "docs_registry/edit.html",
        {
            "document": document,
            "form": form,
            "draft": draft,
            "stale_base": _stale_base(form, document),
        }
        | extra,
        status=status,
    )


# Manager pages --------------------------------------------------------------------


def _require_manager(request: HttpRequest) -> None:
    permissions.require(
        permissions.can_manage(request.user), "Only managers can do this."
    )


@require_http_methods(["GET", "POST"])
def document_create(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    form = DocumentCreateForm(request.POST or None)
    if form.is_valid():
        try:
            document = services.document_create(actor=request.user, **form.cleaned_data)
        except (services.ServiceError, RenderingError) as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                f"Created {document.doc_id} v1, owned by {document.owner}.",
            )
            return redirect(document)
    return render(
        request,
        "docs_registry/document_form.html",
        {"form": form, "heading": "New document", "submit": "Create document"},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def transfer(request: HttpRequest, doc_id: str) -> HttpResponse:
    document = _readable_document(request, doc_id)
    _require_manager(request)
    form = TransferForm(request.POST or None)
    draft = Draft.objects.filter(document=document).select_related("author").first()
    if form.is_valid():
        try:
            services.ownership_transfer(
                document=document,
                actor=request.user,
                new_owner=form.cleaned_data["new_owner"],
                reason=form.cleaned_data["reason"],
            )
        except services.ServiceError as error:
            form.add_error(None, error.message)
        else:
            note = (
                " The previous owner's unpublished draft was discarded."
                if draft
                else ""
            )
            messages.success(
                request,
                f"{form.cleaned_data['new_owner']} now owns {document.doc_id}.{note}",
            )
            return redirect(document)
    return _manage_page(
        request, document, form, "Transfer ownership", "Transfer", draft=draft
    )


@require_http_methods(["GET", "POST"])
def retire(request: HttpRequest, doc_id: str) -> HttpResponse:
    document = _readable_document(request, doc_id)
    _require_manager(request)
    form = ReasonForm(request.POST or None)
    if form.is_valid():
        try:
            services.document_retire(
                document=document,
                actor=request.user,
                reason=form.cleaned_data["reason"],
            )
        except services.ServiceError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request, f"{document.doc_id} is retired. It stays readable."
            )
            return redirect(document)
    return _manage_page(request, document, form, "Retire document", "Retire")


@require_http_methods(["GET", "POST"])
def details(request: HttpRequest, doc_id: str) -> HttpResponse:
    document = _readable_document(request, doc_id)
    _require_manager(request)
    initial = {
        "title": document.title,
        "category": document.category,
        "audience": document.audience,
        "review_interval_days": document.review_interval_days,
    }
    form = DetailsForm(request.POST or None, initial=initial)
    if form.is_valid():
        try:
            services.document_update_details(
                document=document, actor=request.user, **form.cleaned_data
            )
        except services.ServiceError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"Saved the details of {document.doc_id}.")
            return redirect(document)
    return _manage_page(request, document, form, "Change details", "Save details")


def _manage_page(request, document, form, heading, submit, **extra) -> HttpResponse:
    return render(
        request,
        "docs_registry/manage_form.html",
        {"document": document, "form": form, "heading": heading, "submit": submit}
        | extra,
        status=400 if form.errors else 200,
    )
