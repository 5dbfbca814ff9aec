"""Text is normalised once, where it is stored: the same words are stored the same
way whatever sent them (a browser's CRLF, an editor's trailing spaces, a BOM,
decomposed accents)."""

import pytest

from docs_registry import services
from docs_registry.models import Draft
from docs_registry.text import normalise_text

from .factories import make_document, publish

pytestmark = pytest.mark.django_db

MESSY = "\ufeff# Refunds  \r\n\r\nCafe\u0301 customers get 30 days.\t\r\nAsk support.\r"
CLEAN = "# Refunds\n\nCaf\u00e9 customers get 30 days.\nAsk support.\n"


def test_normalise_text_line_endings_spaces_bom_and_nfc():
    assert normalise_text(MESSY) == CLEAN


def test_normalise_text_is_idempotent_and_keeps_inner_spacing():
    text = "a  b\n\n    code block\n| x | y |\n"
    assert normalise_text(text) == text
    assert normalise_text(normalise_text(MESSY)) == normalise_text(MESSY)


def test_publish_stores_the_normalised_body_and_summary(document):
    version = publish(document, body=MESSY, summary="Refunds \r\nrewritten")
    version.refresh_from_db()
    assert version.body == CLEAN
    assert version.summary == "Refunds\nrewritten"


def test_document_create_stores_the_normalised_body(owner, manager, category):
    document = make_document(owner=owner, manager=manager, body=MESSY)
    assert document.current_version.body == CLEAN


def test_draft_save_stores_the_normalised_body(document):
    services.draft_save(
        document=document,
        actor=document.owner,
        title="Discount approval rules\r\n",
        body=MESSY,
        summary="",
        significance="minor",
        base_number=1,
    )
    draft = Draft.objects.get(document=document)
    assert draft.body == CLEAN
    assert draft.title == "Discount approval rules"


def test_publishing_a_saved_crlf_draft_removes_it(document):
    """The draft is matched against what was published: both are normalised."""
    services.draft_save(
        document=document,
        actor=document.owner,
        title=document.title,
        body=MESSY,
        summary="",
        significance="major",
        base_number=1,
    )
    publish(document, body=MESSY)
    assert not Draft.objects.filter(document=document).exists()
