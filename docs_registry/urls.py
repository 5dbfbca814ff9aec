from django.urls import path, register_converter

from .views import (
    ceiling,
    digest,
    glossary,
    owner,
    people,
    profile,
    questions,
    reports,
    search,
)
from .views import documents as views


class DocIdConverter:
    """`PRC-0007`; any case is accepted and the page answers with the canonical ID."""

    regex = r"[A-Za-z]{2,5}-[0-9]{4,}"

    def to_python(self, value: str) -> str:
        return value.upper()

    def to_url(self, value: str) -> str:
        return value


register_converter(DocIdConverter, "docid")

app_name = "docs_registry"
urlpatterns = [
    path("", digest.home, name="home"),
    path("digest/", digest.digest, name="digest"),
    path("digest/acknowledge/", digest.acknowledge_all, name="acknowledge_all"),
    path("digest/seen/", digest.mark_seen, name="digest_seen"),
    path("history/", reports.change_history, name="changes"),
    path("glossary/", glossary.glossary, name="glossary"),
    path("glossary/new/", glossary.term_edit, name="term_new"),
    path("glossary/<int:pk>/edit/", glossary.term_edit, name="term_edit"),
    path("coverage/", reports.coverage, name="coverage"),
    path("coverage/people/<str:username>/", reports.person_coverage, name="person"),
    path("search/", search.search, name="search"),
    path("docs/", views.browse, name="browse"),
    path("docs/new/", views.document_create, name="create"),
    path("docs/<docid:doc_id>/", views.document_detail, name="document"),
    path("docs/<docid:doc_id>/v<int:number>/", views.version_detail, name="version"),
    path("docs/<docid:doc_id>/history/", views.history, name="history"),
    path("docs/<docid:doc_id>/compare/", views.compare, name="compare"),
    path("docs/<docid:doc_id>/edit/", views.edit, name="edit"),
    path("docs/<docid:doc_id>/edit/preview/", views.edit_preview, name="edit_preview"),
    path("docs/<docid:doc_id>/transfer/", views.transfer, name="transfer"),
    path("docs/<docid:doc_id>/retire/", views.retire, name="retire"),
    path("docs/<docid:doc_id>/details/", views.details, name="details"),
    path("docs/<docid:doc_id>/acknowledge/", digest.acknowledge, name="acknowledge"),
    path("docs/<docid:doc_id>/questions/", questions.ask, name="ask"),
    path("questions/", questions.report, name="questions"),
    path("questions/<int:pk>/answer/", questions.answer, name="question_answer"),
    path("questions/<int:pk>/close/", questions.close, name="question_close"),
    path("docs/<docid:doc_id>/confirm/", owner.confirm_review, name="confirm_review"),
    path("mine/", owner.mine, name="mine"),
    path("profile/", profile.profile, name="profile"),
    path("people/locked/", people.locked, name="locked"),
    path("reviews/", owner.reviews, name="reviews"),
    path("ceiling/", ceiling.ceiling, name="ceiling"),
]
