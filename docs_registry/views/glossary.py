"""The glossary: the standard terms both teams use."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from .. import permissions, services
from ..forms import GlossaryTermForm
from ..models import GlossaryTerm
from ..selectors.glossary import GLOSSARY_PAGE_SIZE, glossary_letters, glossary_terms
from .common import query_without


@require_safe
def glossary(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    terms = glossary_terms(query)
    return render(
        request,
        "docs_registry/glossary.html",
        {
            "page": Paginator(terms, GLOSSARY_PAGE_SIZE).get_page(
                request.GET.get("page")
            ),
            "letters": glossary_letters(terms),
            "query": query,
            "page_query": query_without(request, "page"),
            "can_add": permissions.is_manager(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def term_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    term = get_object_or_404(GlossaryTerm, pk=pk) if pk else None
    permissions.require(
        permissions.can_edit_term(request.user, term),
        "Only managers and the term's owner change it.",
    )
    initial = {}
    if term is not None:
        initial = {
            "term": term.term,
            "definition": term.definition,
            "audience": term.audience,
            "avoid": term.avoid,
            "owner": term.owner,
        }
    form = GlossaryTermForm(request.POST or None, initial=initial)
    if form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.glossary_term_save(
                actor=request.user,
                term=term,
                wording=data["term"],
                definition=data["definition"],
                audience=data["audience"],
                avoid=data["avoid"],
                owner=data["owner"],
                reason=data["reason"],
            )
        except services.ServiceError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"Saved “{saved.term}”.")
            return redirect(reverse("docs_registry:glossary") + f"#{saved.anchor}")
    return render(
        request,
        "docs_registry/glossary_form.html",
        {"form": form, "term": term},
        status=400 if form.errors else 200,
    )
