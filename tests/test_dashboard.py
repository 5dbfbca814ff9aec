"""The owner's dashboard (/mine/): open questions, reviews due, coverage and drafts,
for the documents the signed-in user owns and no one else's."""

from dataclasses import dataclass

import pytest
from django.utils import timezone

from docs_registry import services
from docs_registry.models import Question

from .factories import days_ago, make_document, make_user
from .html import main
from .test_queries import count_queries

pytestmark = pytest.mark.django_db


def ask(document, asker, text: str) -> Question:
    return Question.objects.create(
        document=document, text=text, asked_by=asker, asked_at=timezone.now()
    )


def start_draft(document, title: str):
    return services.draft_save(
        document=document,
        actor=document.owner,
        title=title,
        body="Work in progress",
        summary="",
        significance="major",
        base_number=document.current_version.number,
    )


@dataclass
class Board:
    """What each section of /mine/ lists, read from the page."""

    open_questions: list[str]  # the questions' text
    reviews_due: list[str]  # document IDs
    coverage: list[str]  # document IDs
    drafts: list[str]  # "PRC-0001 Draft title"


def dashboard(client, user) -> tuple[Board, str]:
    client.force_login(user)
    response = client.get("/mine/")
    assert response.status_code == 200
    page = main(response)

    def cells(section: str, index: int) -> list[str]:
        tables = page.one("section", id=section).select("table")
        rows = tables[0].one("tbody").select("tr") if tables else []
        return [row.select("td")[index].text for row in rows]

    board = Board(
        open_questions=[
            cell.partition(": ")[2] for cell in cells("questions", index=1)
        ],
        reviews_due=cells("reviews", index=0),
        coverage=cells("coverage", index=0),
        drafts=[a.text for a in page.one("section", id="drafts").select("a")],
    )
    return board, response.content.decode()


def make_world(owner, manager, category, sales_staff, *, documents: int):
    """`documents` stale documents for `owner`, each with an open question and a
    draft."""
    for n in range(documents):
        with days_ago(120):
            document = make_document(
                owner=owner, manager=manager, category=category, title=f"Doc {n}"
            )
        ask(document, sales_staff, f"Question {n}?")
        start_draft(document, f"Draft {n}")


def test_each_section_shows_the_owners_documents(
    client, owner, manager, category, sales_staff
):
    make_world(owner, manager, category, sales_staff, documents=1)
    board, page = dashboard(client, owner)
    assert board.open_questions == ["Question 0?"]
    assert board.reviews_due == ["PRC-0001"]
    assert board.coverage == ["PRC-0001"]
    assert board.drafts == ["PRC-0001 Draft 0"]
    assert "Question 0?" in page
    assert "Draft 0" in page
    assert "/docs/PRC-0001/edit/" in page
    assert "/docs/PRC-0001/#review" in page
    assert "/docs/PRC-0001/#coverage" in page


def test_answered_questions_and_reviewed_documents_leave_the_dashboard(
    client, owner, manager, category, sales_staff
):
    make_world(owner, manager, category, sales_staff, documents=1)
    Question.objects.update(status=Question.Status.ANSWERED)
    services.review_confirm(document=owner.owned_documents.get(), actor=owner)
    board, page = dashboard(client, owner)
    assert board.open_questions == [] and board.reviews_due == []
    assert "No open questions" in page and "No reviews due" in page


def test_only_the_users_own_documents(client, owner, manager, category, sales_staff):
    make_world(owner, manager, category, sales_staff, documents=2)
    board, page = dashboard(client, sales_staff)
    assert board.open_questions == []
    assert board.reviews_due == []
    assert board.coverage == []
    assert board.drafts == []
    assert "PRC-0001" not in page
    other = make_user("support-lead", in_support=True)
    with days_ago(120):
        make_document(owner=other, manager=manager, category=category)
    board, _ = dashboard(client, owner)
    assert "PRC-0003" not in board.reviews_due
    assert "PRC-0003" not in board.coverage


def test_a_transferred_document_moves_to_the_new_owners_dashboard(
    client, owner, manager, category, sales_staff
):
    make_world(owner, manager, category, sales_staff, documents=1)
    services.ownership_transfer(
        document=owner.owned_documents.get(),
        actor=manager,
        new_owner=sales_staff,
        reason="On leave",
    )
    board, _ = dashboard(client, owner)
    assert board.open_questions == [] and board.drafts == []
    board, _ = dashboard(client, sales_staff)
    assert len(board.open_questions) == 1 and len(board.reviews_due) == 1


def test_everyone_signed_in_has_a_dashboard_and_a_nav_link(client, sales_staff):
    _, page = dashboard(client, sales_staff)
    assert 'href="/mine/"' in page
    assert 'href="/reviews/"' not in page


def test_managers_get_the_reviews_link(client, manager):
    _, page = dashboard(client, manager)
    assert 'href="/reviews/"' in page


def test_the_dashboard_costs_the_same_with_1_or_10_documents(
    client, owner, manager, category, sales_staff
):
    make_world(owner, manager, category, sales_staff, documents=1)
    client.force_login(owner)
    one = count_queries(client, "/mine/")
    make_world(owner, manager, category, sales_staff, documents=9)
    board, _ = dashboard(client, owner)
    assert len(board.reviews_due) == 10 and len(board.drafts) == 10
    assert count_queries(client, "/mine/") == one
