import random
import time

from docs_registry.linting import Linter, mask_code

RULES = [
    ("Gold plan", "Premium Support"),
    ("VIP support", "Premium Support"),
    ("ticket", "case"),
    ("tickets", "cases"),
    ("refund", "credit"),
    ("e-mail", "email"),
    ("Kündigung", "cancellation"),
]


def found(text):
    return [(f.line, f.column, f.found, f.preferred) for f in Linter(RULES).lint(text)]


def test_whole_words_case_insensitive_with_line_and_preferred_term():
    text = "Open a Ticket today.\nThe GOLD PLAN covers it; no refunds."
    assert found(text) == [
        (1, 8, "Ticket", "case"),
        (2, 5, "GOLD PLAN", "Premium Support"),
    ]


def test_plurals_only_when_listed():
    assert found("two tickets, one ticket") == [
        (1, 5, "tickets", "cases"),
        (1, 18, "ticket", "case"),
    ]
    assert found("refunds") == []  # only "refund" is listed


def test_not_inside_other_words():
    assert found("ticketing, subticket, refunded") == []


def test_punctuation_around_words():
    assert found('"Ticket", (refund)! ticket.') == [
        (1, 2, "Ticket", "case"),
        (1, 12, "refund", "credit"),
        (1, 21, "ticket", "case"),
    ]


def test_phrases_across_line_breaks_and_spaces():
    assert found("the Gold\n   plan") == [(1, 5, "Gold\n   plan", "Premium Support")]


def test_hyphenated_and_unicode_words():
    assert found("Send an e-mail about the Kündigung.") == [
        (1, 9, "e-mail", "email"),
        (1, 26, "Kündigung", "cancellation"),
    ]
    assert found("Kündigungsfrist") == []


def test_code_is_left_alone():
    text = (
        "Use `ticket_id` and `` a ticket `` here.\n"
        "```\nticket = get_ticket()\n```\n"
        "\n    ticket in an indented block\n\n"
        "~~~python\nrefund()\n~~~\n"
        "But this ticket counts."
    )
    assert found(text) == [(11, 10, "ticket", "case")]


def test_list_items_are_not_code():
    assert found("- first\n\n    - a ticket in a nested list") == [
        (3, 9, "ticket", "case")
    ]


def test_mask_keeps_positions():
    text = "a `code` b\n```\nx\n```\n"
    masked = mask_code(text)
    assert len(masked) == len(text) and masked.count("\n") == text.count("\n")
    assert "code" not in masked and "a" in masked


def test_no_rules_no_findings():
    assert Linter([]).lint("ticket") == []


def test_a_200_kb_draft_against_500_terms_is_fast():
    rng = random.Random(7)
    vocabulary = [f"word{n}" for n in range(3000)]
    rules = [(f"avoid{n}", f"term{n}") for n in range(400)] + [
        (f"avoid{n} phrase", f"term{n}") for n in range(100)
    ]
    words = [rng.choice(vocabulary) for _ in range(26_000)]
    for position in range(0, len(words), 100):
        words[position] = f"avoid{position % 400}"
    text = "\n".join(" ".join(words[i : i + 12]) for i in range(0, len(words), 12))
    assert len(text.encode()) >= 200 * 1024 - 20_000
    linter = Linter(rules)
    started = time.perf_counter()
    findings = linter.lint(text)
    elapsed = time.perf_counter() - started
    assert len(findings) == len(range(0, len(words), 100))
    assert elapsed < 0.5  # the target is 100 ms; the figure is in the closing note
