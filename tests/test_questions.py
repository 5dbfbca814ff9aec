"""Questions: staff ask, the owner answers, everyone reads the answer."""

import re

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from docs_registry import services
from docs_registry.models import DigestState, Question
from docs_registry.selectors import questions as question_selectors

from .factories import days_ago, make_document, make_user, publish
from .querycount import cold_and_warm

pytestmark = pytest.mark.django_db

PAGE = "/docs/PRC-0001/"


def ask(document, actor, text="Does the 10% include VAT?", **extra) -> Question:
    return services.question_ask(
        document=document,
        actor=actor,
        kind=extra.pop("kind", "question"),
        text=text,
        quote=extra.pop("quote", ""),
    )


def answer(question, actor=None, text="Yes, VAT included.", answered_in=None):
    return services.question_answer(
        question=question,
        actor=actor or question.document.owner,
        answer=text,
        answered_in=answered_in,
    )


# Services ------------------------------------------------------------------------


def test_ask_answer_and_close_keep_the_row(document, sales_staff):
    question = ask(document, sales_staff, quote="  Up to 10%  ", kind="report")
    assert (question.status, question.quote, question.kind) == (
        "open",
        "Up to 10%",
        "report",
    )
    answered = answer(question, answered_in=1)
    assert answered.status == "answered"
    assert answered.answered_by == document.owner
    assert answered.answered_in == 1
    closed = services.question_close(question=question, actor=sales_staff)
    assert closed.status == "closed" and closed.closed_at is not None
    assert Question.objects.get(pk=question.pk).answer == "Yes, VAT included."


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"text": "   "}, "empty_question"),
        ({"text": "x" * 5001}, "question_too_long"),
        ({"kind": "rant"}, "invalid_kind"),
    ],
)
def test_bad_questions_are_refused(document, sales_staff, fields, code):
    with pytest.raises(services.ServiceError) as error:
        ask(document, sales_staff, **fields)
    assert error.value.code == code
    assert not Question.objects.exists()


def test_retired_document_takes_no_questions(document, manager, sales_staff):
    services.document_retire(document=document, actor=manager, reason="Replaced")
    with pytest.raises(services.ServiceError) as error:
        ask(document, sales_staff)
    assert error.value.code == "retired_document"


def test_only_the_owner_answers(document, sales_staff, manager):
    question = ask(document, sales_staff)
    for outsider in (sales_staff, manager):
        with pytest.raises(PermissionDenied):
            answer(question, actor=outsider)
    question.refresh_from_db()
    assert question.status == "open"


@pytest.mark.parametrize(("number", "code"), [(3, "unknown_version"), (None, None)])
def test_answer_links_only_an_existing_version(document, sales_staff, number, code):
    publish(document, body="Now 12%.")
    question = ask(document, sales_staff)
    if code is None:
        assert answer(question, answered_in=2).answered_in == 2
        return
    with pytest.raises(services.ServiceError) as error:
        answer(question, answered_in=number)
    assert error.value.code == code


def test_empty_answer_and_closed_questions_are_refused(document, sales_staff):
    question = ask(document, sales_staff)
    with pytest.raises(services.ServiceError) as error:
        answer(question, text="  ")
    assert error.value.code == "empty_answer"
    services.question_close(question=question, actor=document.owner)
    with pytest.raises(services.ServiceError) as error:
        answer(question)
    assert error.value.code == "closed"
    with pytest.raises(services.ServiceError) as error:
        services.question_close(question=question, actor=document.owner)
    assert error.value.code == "already_closed"


def test_who_closes(document, sales_staff, support_staff, manager):
    for closer in (sales_staff, document.owner, manager):
        question = ask(document, sales_staff)
        services.question_close(question=question, actor=closer)
    question = ask(document, sales_staff)
    with pytest.raises(PermissionDenied):
        services.question_close(question=question, actor=support_staff)


def test_open_questions_move_with_the_document(document, manager, sales_staff):
    question = ask(document, sales_staff)
    new_owner = make_user("new-owner", in_sales=True)
    services.ownership_transfer(
        document=document, actor=manager, new_owner=new_owner, reason="Holiday"
    )
    assert list(question_selectors.open_questions_for_owner(new_owner)) == [question]
    assert not question_selectors.open_questions_for_owner(document.owner).exists()
    with pytest.raises(PermissionDenied):
        answer(question, actor=document.owner)  # the previous owner
    assert answer(question, actor=new_owner).answered_by == new_owner


def test_open_question_counts(document, owner, manager, sales_staff):
    other = make_document(owner=owner, manager=manager)
    ask(document, sales_staff)
    ask(document, sales_staff)
    answer(ask(other, sales_staff))
    assert question_selectors.open_question_counts([document, other]) == {
        document.pk: 2
    }


# Pages ---------------------------------------------------------------------------


def test_staff_asks_from_the_document_page(client, document, sales_staff):
    client.force_login(sales_staff)
    response = client.post(
        f"{PAGE}questions/",
        {"kind": "question", "text": "Is VAT in?", "quote": "Up to 10%"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == f"{PAGE}#questions"
    html = response.content.decode()
    assert "Sent to Sales Lead" in html
    assert "Your open questions" in html and "Is VAT in?" in html


def test_empty_question_is_refused_and_what_was_typed_is_kept(
    client, document, sales_staff
):
    client.force_login(sales_staff)
    response = client.post(
        f"{PAGE}questions/", {"kind": "report", "text": " ", "quote": "Up to 10%"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Write your question." in html
    assert "Up to 10%</textarea>" in html
    assert not Question.objects.exists()


def test_question_on_a_retired_document_says_so(client, document, manager, sales_staff):
    services.document_retire(document=document, actor=manager, reason="Replaced")
    client.force_login(sales_staff)
    response = client.post(
        f"{PAGE}questions/", {"kind": "question", "text": "Still valid?"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "PRC-0001 is retired and takes no new questions. Ask about" in html
    assert "Still valid?</textarea>" in html


def test_question_on_an_unknown_document_is_404(client, sales_staff):
    client.force_login(sales_staff)
    response = client.post("/docs/PRC-9999/questions/", {"text": "?"})
    assert response.status_code == 404


def test_owner_answers_from_the_answer_page(client, document, sales_staff):
    question = ask(document, sales_staff, text="What about <b>bundles</b>?")
    publish(document, body="Bundles: 5%.")
    url = f"/questions/{question.pk}/answer/"
    client.force_login(document.owner)
    page = client.get(url).content.decode()
    assert "What about &lt;b&gt;bundles&lt;/b&gt;?" in page
    response = client.post(url, {"answer": "5%, see v2.", "answered_in": "2"})
    assert response.status_code == 302
    assert response["Location"] == f"{PAGE}#questions"
    client.force_login(make_user("reader", in_support=True))
    html = client.get(PAGE).content.decode()
    assert "5%, see v2." in html
    assert f'href="{PAGE}v2/">answered in v2</a>' in html


def test_answer_naming_a_missing_version_keeps_the_answer(
    client, document, sales_staff
):
    question = ask(document, sales_staff)
    client.force_login(document.owner)
    response = client.post(
        f"/questions/{question.pk}/answer/",
        {"answer": "Carefully written answer", "answered_in": "7"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "has no version 7" in html
    assert "Carefully written answer</textarea>" in html
    question.refresh_from_db()
    assert question.status == "open"


@pytest.mark.parametrize("who", ["asker", "manager", "other"])
def test_only_the_owner_may_open_or_post_the_answer_page(
    client, document, sales_staff, manager, support_staff, who
):
    question = ask(document, sales_staff)
    person = {"asker": sales_staff, "manager": manager, "other": support_staff}[who]
    client.force_login(person)
    url = f"/questions/{question.pk}/answer/"
    assert client.get(url).status_code == 403
    assert client.post(url, {"answer": "Mine"}).status_code == 403
    question.refresh_from_db()
    assert question.status == "open"


def test_close_page_permissions(client, document, sales_staff, support_staff):
    question = ask(document, sales_staff)
    url = f"/questions/{question.pk}/close/"
    client.force_login(support_staff)
    assert client.post(url).status_code == 403
    client.force_login(sales_staff)
    response = client.post(url)
    assert response["Location"] == f"{PAGE}#questions"
    question.refresh_from_db()
    assert question.status == "closed"
    assert client.post("/questions/999999/close/").status_code == 404


def test_faq_shows_only_answered_questions_to_others(
    client, document, sales_staff, support_staff
):
    answer(ask(document, sales_staff, text="Answered one"), text="The answer")
    ask(document, sales_staff, text="Still open one")
    closed = ask(document, sales_staff, text="Closed one")
    services.question_close(question=closed, actor=sales_staff)
    client.force_login(support_staff)
    html = client.get(PAGE).content.decode()
    assert "Answered one" in html and "The answer" in html
    assert "Still open one" not in html and "Closed one" not in html
    assert "open question" not in html
    client.force_login(sales_staff)
    html = client.get(PAGE).content.decode()
    assert "Still open one" in html
    client.force_login(document.owner)
    html = client.get(PAGE).content.decode()
    assert "1 open question waiting for your answer" in html
    assert "Still open one" in html and "/questions/" in html


def test_new_owner_sees_the_open_questions_on_the_page(
    client, document, manager, sales_staff
):
    ask(document, sales_staff, text="Who approves 15%?")
    new_owner = make_user("new-owner", in_sales=True)
    services.ownership_transfer(
        document=document, actor=manager, new_owner=new_owner, reason="Moved teams"
    )
    client.force_login(new_owner)
    html = client.get(PAGE).content.decode()
    assert "1 open question waiting for your answer" in html
    assert "Who approves 15%?" in html
    client.force_login(document.owner)  # the previous owner, no longer
    assert "Who approves 15%?" not in client.get(PAGE).content.decode()


def test_answers_are_escaped_plain_text(client, document, sales_staff):
    question = ask(document, sales_staff, text="<script>alert(1)</script>")
    answer(question, text="<img src=x onerror=alert(1)>\nSecond line")
    client.force_login(sales_staff)
    html = client.get(PAGE).content.decode()
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;<br>Second line" in html


# The managers' report ------------------------------------------------------------


def test_report_lists_overdue_questions_oldest_first(
    client, document, manager, sales_staff
):
    with days_ago(9):
        ask(document, sales_staff, text="Nine days old")
    with days_ago(5):
        ask(document, sales_staff, text="Five days old")
        answer(ask(document, sales_staff, text="Answered long ago"))
    ask(document, sales_staff, text="Fresh today")
    client.force_login(manager)
    html = client.get("/questions/").content.decode()
    assert "longer than 3 days" in html
    assert html.index("Nine days old") < html.index("Five days old")
    assert "Fresh today" not in html and "Answered long ago" not in html
    html = client.get("/questions/?show=open").content.decode()
    assert "Fresh today" in html and "Nine days old" in html
    assert client.get("/questions/?show=nonsense").status_code == 400


def test_overdue_days_come_from_the_setting(
    client, document, manager, sales_staff, settings
):
    settings.SAMEPAGE_QUESTION_OVERDUE_DAYS = 10
    with days_ago(5):
        ask(document, sales_staff, text="Five days old")
    client.force_login(manager)
    assert "Five days old" not in client.get("/questions/").content.decode()


def test_report_is_for_managers_only(client, document, owner, sales_staff):
    for person in (owner, sales_staff):
        client.force_login(person)
        assert client.get("/questions/").status_code == 403


def test_report_paginates(client, document, manager, sales_staff):
    with days_ago(5):
        for n in range(55):
            ask(document, sales_staff, text=f"Question {n}")
    client.force_login(manager)
    html = client.get("/questions/").content.decode()
    assert "55 questions" in html and "Page 1 of 2" in html
    assert "Question 54" not in html
    assert "Question 54" in client.get("/questions/?page=2").content.decode()


# The digest ----------------------------------------------------------------------


def test_digest_shows_the_answer_to_the_asker_until_marked_as_seen(
    client, document, sales_staff, support_staff
):
    client.force_login(sales_staff)
    answer(ask(document, sales_staff, text="VAT?"), text="Included", answered_in=1)
    html = client.get("/digest/").content.decode()
    assert "Answers to your questions" in html and "Included" in html
    assert "answered in v1" in html
    assert "Answers to your questions" in client.get("/digest/").content.decode()
    shown_at = re.search(r'name="shown_at" value="([^"]+)"', html).group(1)
    client.post("/digest/seen/", {"shown_at": shown_at})
    assert "Answers to your questions" not in client.get("/digest/").content.decode()
    client.force_login(support_staff)
    assert "Included" not in client.get("/digest/").content.decode()


# Query counts --------------------------------------------------------------------


def make_questions(document, asker, count: int) -> None:
    for n in range(count):
        question = ask(document, asker, text=f"Question {n}", quote="Up to 10%")
        if n % 2:
            answer(question, answered_in=1)


@pytest.mark.parametrize("role", ["owner", "asker"])
def test_document_page_costs_the_same_with_1_or_30_questions(
    client, document, sales_staff, role
):
    client.force_login(document.owner if role == "owner" else sales_staff)
    make_questions(document, sales_staff, 1)
    with_one = cold_and_warm(client, PAGE)
    # (cold, warm): the owner's page holds forms and is not kept.
    assert with_one == {"owner": (8, 6), "asker": (6, 3)}[role]
    make_questions(document, make_user("asker-2", in_sales=True), 29)
    assert cold_and_warm(client, PAGE) == with_one


@pytest.mark.parametrize("url", ["/questions/", "/questions/?show=open"])
def test_report_costs_the_same_with_1_or_30_questions(
    client, document, owner, manager, sales_staff, url
):
    client.force_login(manager)
    with days_ago(5):
        make_questions(document, sales_staff, 2)
    few = cold_and_warm(client, url)
    assert few == (5, 5)  # cold, warm: the report is not kept
    other = make_document(owner=make_user("owner-2"), manager=manager)
    with days_ago(5):
        make_questions(other, make_user("asker-2", in_sales=True), 30)
    assert cold_and_warm(client, url) == few


def digest_queries(client, user) -> int:
    """The personal digest's queries on a visit that shows answers."""
    client.get("/digest/")  # warm-up
    DigestState.objects.filter(user=user).update(seen_at=None)
    cache.clear()  # the uncached digest: what it costs must not grow either
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/digest/")
    assert "Answers to your questions" in response.content.decode()
    return len(queries)


def test_digest_costs_the_same_with_1_or_30_answers(
    client, document, owner, manager, sales_staff
):
    client.force_login(sales_staff)
    make_questions(document, sales_staff, 2)
    few = digest_queries(client, sales_staff)
    # Cold: reading the digest writes nothing (whether there are answers,
    # glossary changes, new exceptions, goals or meeting decisions: 1, then the
    # answers: 1; a sales reader's lists the week's field reports too; the
    # stored comparison: 1; the entries' versions, listed and compared: 1).
    assert few == 9
    make_questions(make_document(owner=owner, manager=manager), sales_staff, 60)
    assert digest_queries(client, sales_staff) == few
