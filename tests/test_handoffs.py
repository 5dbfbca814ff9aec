"""Hand-off rules: written as ```handoff blocks in documents, refused at publish
when malformed (naming the line), drawn as cards, and gathered on /handoffs/."""

import pytest

from docs_registry import services
from docs_registry.handoff_blocks import handoff_problems, handoff_rules
from docs_registry.models import Version
from docs_registry.rendering import render_markdown
from teamwork.models import HandoffRule

from .factories import make_document, publish
from .html import parse
from .querycount import cold_and_warm
from .steps import SQLiteSteps

pytestmark = pytest.mark.django_db

RULE = """```handoff
direction: support-to-sales
when: An existing customer asks to add seats
do: Tag the ticket seat-limit
say: I've passed this to your account manager.
to: The account's AE
within: 2 business days
```"""


def body(*blocks: str) -> str:
    return "# Hand-offs\n\nIntro line.\n\n" + "\n\n".join(blocks) + "\n"


# Parsing ---------------------------------------------------------------------------


def test_a_block_is_read_as_a_rule():
    [rule] = handoff_rules(body(RULE))
    assert rule.direction_label == "Support → Sales"
    assert (rule.when, rule.to, rule.within) == (
        "An existing customer asks to add seats",
        "The account's AE",
        "2 business days",
    )
    assert rule.line == 5
    assert handoff_problems(body(RULE)) == []


@pytest.mark.parametrize(
    ("block", "line", "says"),
    [
        (
            RULE.replace("support-to-sales", "sideways"),
            5,
            "direction “sideways” is unknown",
        ),
        (
            RULE.replace("when: An existing customer asks to add seats\n", ""),
            5,
            "no “when:” line",
        ),
        (
            RULE.replace("within:", "by:"),
            11,
            "“by: 2 business days” is not one of the lines",
        ),
        (RULE.replace("do: Tag", "say: twice\ndo: Tag"), 10, "“say:” is given twice"),
        (RULE.removesuffix("```"), 5, "never closed"),
    ],
)
def test_a_malformed_block_names_its_line(block, line, says):
    problems = handoff_problems(body(block))
    assert any(p.line == line and says in p.message for p in problems), problems
    assert handoff_rules(body(block)) == []


def test_a_block_inside_another_code_block_is_an_example_not_a_rule():
    text = body("````markdown\n" + RULE.replace("sales", "nowhere") + "\n````")
    assert handoff_rules(text) == [] and handoff_problems(text) == []


# Rendering -------------------------------------------------------------------------


def test_a_rule_renders_as_a_card():
    card = parse(render_markdown(body(RULE))).one("dl")
    assert card.attrs["class"] == "handoff handoff-support-to-sales"
    assert [dt.text for dt in card.select("dt")] == [
        "Hand-off",
        "When",
        "Do",
        "To",
        "Say",
        "Within",
    ]
    assert "Support → Sales" in card.text


def test_a_cards_text_is_escaped():
    html = render_markdown(body(RULE.replace("Tag the ticket", "<script>x()</script>")))
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_authors_cannot_borrow_the_cards_class_for_anything_else():
    html = render_markdown('<dl class="evil">x</dl> <p class="handoff">y</p>')
    assert "evil" not in html and 'class="handoff"' not in html


def test_a_malformed_block_stays_a_code_block():
    html = render_markdown(body(RULE.replace("support-to-sales", "sideways")))
    assert "<dl" not in html and "<pre><code>direction: sideways" in html


# Publishing ------------------------------------------------------------------------


def test_publishing_a_malformed_block_is_refused_naming_the_line(document):
    with pytest.raises(services.HandoffBlockError) as refused:
        publish(document, body=body(RULE.replace("support-to-sales", "sideways")))
    assert "Line 5: the direction “sideways” is unknown" in refused.value.message
    assert Version.objects.filter(document=document).count() == 1


def test_the_preview_lists_the_problems_and_publish_refuses(client, document):
    client.force_login(document.owner)
    bad = body(RULE.replace("when:", "whence:"))
    form = {
        "title": document.title,
        "body": bad,
        "summary": "Rules",
        "significance": "major",
        "base_number": 1,
    }
    preview = client.post(
        f"/docs/{document.doc_id}/edit/", form | {"action": "preview"}
    )
    problems = parse(preview).one("div", cls="lint-findings").text
    assert "Line 5: the handoff block has no “when:” line" in problems
    assert "Line 7: “whence: An existing" in problems
    published = client.post(
        f"/docs/{document.doc_id}/edit/", form | {"action": "publish"}
    )
    assert published.status_code == 400
    assert (
        "A hand-off block is malformed (Line 5"
        in parse(published).one("div", cls="errors").text
    )
    assert Version.objects.filter(document=document).count() == 1


def test_rules_are_extracted_at_publish_and_remember_since_when_they_read_so(document):
    publish(document, body=body(RULE))
    publish(document, body=body(RULE, RULE.replace("seats", "users")))
    publish(document, body=body(RULE, RULE.replace("seats", "admins")))
    current = HandoffRule.objects.filter(version__number=4).order_by("position")
    assert [r.since_number for r in current] == [2, 4]
    assert HandoffRule.objects.count() == 1 + 2 + 2


# The matrix ------------------------------------------------------------------------


@pytest.fixture
def rules(document, owner, manager):
    other = make_document(owner=owner, manager=manager, title="Signature hand-off")
    publish(
        other,
        body=body(
            RULE.replace("support-to-sales", "sales-to-support").replace(
                "add seats", "sign"
            )
        ),
    )
    publish(document, body=body(RULE))
    return document, other


def test_the_matrix_puts_each_rule_in_its_direction_with_its_source(
    client, rules, support_staff
):
    client.force_login(support_staff)
    page = parse(client.get("/handoffs/"))
    to_support, to_sales = page.select("section", cls="team-column")
    assert (
        "Sales → Support" in to_support.text
        and "customer asks to sign" in to_support.text
    )
    assert "add seats" in to_sales.text
    link = to_sales.one("p", cls="meta-line").one("a")
    assert link.attrs["href"] == "/docs/PRC-0001/v2/" and link.text == "PRC-0001 v2"


def test_the_matrix_is_searchable(client, rules, support_staff):
    client.force_login(support_staff)
    page = parse(client.get("/handoffs/?q=seats AE"))
    assert len(page.select("article", cls="handoff-rule")) == 1
    assert "No rule matches" in parse(client.get("/handoffs/?q=zebra")).one("main").text


def test_a_rule_changed_since_the_readers_acknowledgment_is_marked(
    client, rules, support_staff
):
    document, _ = rules
    services.acknowledgment_record(user=support_staff, document=document, number=1)
    client.force_login(support_staff)
    marked = parse(client.get("/handoffs/?q=seats")).one("article", cls="handoff-rule")
    assert "Changed since you acknowledged v1" in marked.text
    services.acknowledgment_record(user=support_staff, document=document, number=2)
    read = parse(client.get("/handoffs/?q=seats")).one("article", cls="handoff-rule")
    assert "unread" not in read.classes and "Changed since" not in read.text


def test_a_retired_documents_rules_leave_the_matrix(client, rules, manager):
    document, _ = rules
    services.document_retire(document=document, actor=manager, reason="Merged")
    client.force_login(manager)
    assert "add seats" not in parse(client.get("/handoffs/")).one("main").text


def test_the_matrix_costs_the_same_with_2_or_20_rules(
    client, rules, owner, manager, support_staff
):
    client.force_login(support_staff)
    small = cold_and_warm(client, "/handoffs/")
    # Cold: the rules, then their versions and documents (selectors.current_rules).
    assert small == (6, 3), small
    for n in range(9):
        extra = make_document(owner=owner, manager=manager, title=f"More {n}")
        publish(extra, body=body(RULE, RULE.replace("seats", f"seats {n}")))
    assert cold_and_warm(client, "/handoffs/") == small


def test_the_current_rules_cost_sqlite_as_much_whatever_the_documents(
    rules, owner, manager
):
    """Each rule is asked whether its version is an active document's current
    one, in the index on current versions: the work follows the rules, not the
    documents (165 steps of SQLite's virtual machine either way). Listing the
    active documents' current versions first took 160, then 1,373 with 200 more
    documents."""
    from django.db import connection

    from docs_registry.models import Document
    from teamwork.selectors import current_rules

    if connection.vendor != "sqlite":
        pytest.skip("counts the steps of SQLite's virtual machine")

    def steps() -> int:
        with SQLiteSteps(connection) as counted:
            found = current_rules()
        assert len(found) == 2  # the fixture's rules
        return counted.count

    few = steps()
    template = make_document(owner=owner, manager=manager, title="Without rules")
    Document.objects.bulk_create(
        Document(
            doc_id=f"PRC-{9000 + n}",
            title=f"Without rules {n}",
            category_id=template.category_id,
            owner=owner,
            audience=template.audience,
        )
        for n in range(200)
    )
    assert steps() == few
