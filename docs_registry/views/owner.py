"""The owner's dashboard, confirming a document accurate, and the managers'
report of documents overdue for review."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from field.selectors import field_reports_for_owner

from .. import permissions, selectors, services
from ..forms import ReviewConfirmForm
from ..selectors import reviews as review_selectors

REVIEWS_PAGE_SIZE = 50


@require_safe
def mine(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "docs_registry/mine.html",
        {
            "dashboard": review_selectors.owner_dashboard(request.user),
            "field_reports": field_reports_for_owner(request.user),
        },
    )


@require_POST
def confirm_review(request: HttpRequest, doc_id: str) -> HttpResponse:
    document = selectors.document_get(doc_id)
    permissions.require(
        permissions.can_publish(request.user, document),
        "Only the document's owner confirms it accurate.",
    )
    form = ReviewConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The note is too long; nothing was recorded.")
        return redirect(document)
    services.review_confirm(
        document=document, actor=request.user, note=form.cleaned_data["note"]
    )
    messages.success(request, f"Recorded: {document.doc_id} is confirmed accurate.")
    return redirect(document)


@require_safe
def reviews(request: HttpRequest) -> HttpResponse:
    permissions.require(
        permissions.can_see_reviews(request.user), "Only managers see this report."
    )
    documents = review_selectors.reviews_due()
    page = Paginator(documents, REVIEWS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "docs_registry/reviews.html", {"page": page, "query_string": ""}
    )
