import random

from docs_registry.linting import Linter, mask_code

from .steps import StepCounter

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


def draft(words_count: int) -> str:
    """Prose of `words_count` words with an avoided word every 100 words."""
    rng = random.Random(7)
    vocabulary = [f"word{n}" for n in range(3000)]
    words = [rng.choice(vocabulary) for _ in range(words_count)]
    for position in range(0, len(words), 100):
        words[position] = f"avoid{position % 400}"
    return "\n".join(" ".join(words[i : i + 12]) for i in range(0, len(words), 12))


def terms(count: int) -> list[tuple[str, str]]:
    """`count` rules, a fifth of them two-word phrases."""
    single = count * 4 // 5
    return [(f"avoid{n}", f"term{n}") for n in range(single)] + [
        (f"avoid{n} phrase", f"term{n}") for n in range(count - single)
    ]


def test_a_200_kb_draft_against_500_terms_finds_every_avoided_word():
    text = draft(26_000)
    assert len(text.encode()) >= 200 * 1024 - 20_000
    assert len(Linter(terms(500)).lint(text)) == len(range(0, 26_000, 100))


def lint_steps(rules: list[tuple[str, str]], text: str) -> int:
    linter = Linter(rules)
    with StepCounter() as steps:
        linter.lint(text)
    return steps.count


def test_lint_work_grows_linearly_with_the_draft():
    rules = terms(500)
    small, large = lint_steps(rules, draft(3_000)), lint_steps(rules, draft(6_000))
    assert large <= 2.1 * small


def test_lint_work_does_not_grow_with_the_number_of_terms():
    text = draft(3_000)
    assert lint_steps(terms(2_000), text) <= 1.1 * lint_steps(terms(500), text)
