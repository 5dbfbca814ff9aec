"""A large glossary against a large document: lint, first-use marking, preview and
publish, timed.

    .venv/bin/python bench/glossary.py [--terms 10000] [--kb 100] [--repeats 3]

The glossary has `--terms` terms of one to four words (some with punctuation, as
"C++" or "e-mail" have), each with a wording to avoid; the document is `--kb` KB of
Markdown prose (paragraphs, lists, a table, code) that uses terms and avoided
wordings throughout. Lint and marking are the pure functions (building the linter,
or rendering with and without the glossary: marking is the difference). Preview
and publish go through the pages, as the owner, on a temporary SQLite database
that is removed afterwards (everything runs in this process). Each figure is the
CPU time of this process, the best of `--repeats` runs, so that other work on a
busy machine counts less; the target is under 0.5 s each.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TARGET_S = 0.5

_SYLLABLES = "ka ri to mo na se lu vi pa do ge ha bi zu fe ro ti ne ly qua".split()


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4)))


def make_terms(count: int, *, seed: int = 7) -> list[tuple[str, str, str]]:
    """`count` distinct (term, definition, avoided wording) triples."""
    rng = random.Random(seed)  # noqa: S311 -- repeatable text, not secrets
    terms: dict[str, tuple[str, str, str]] = {}
    while len(terms) < count:
        words = [_word(rng) for _ in range(rng.choice((1, 1, 2, 2, 3, 4)))]
        if rng.random() < 0.05:
            words[-1] += rng.choice(("++", "-x", ".net"))
        term = " ".join(words).capitalize()
        avoided = f"{_word(rng)} {_word(rng)}"
        if term.casefold() not in terms:
            terms[term.casefold()] = (term, f"What {term} means.", avoided)
    return list(terms.values())


def make_body(terms: list[tuple[str, str, str]], kb: int, *, seed: int = 11) -> str:
    """About `kb` KB of Markdown that uses the terms and their avoided wordings."""
    rng = random.Random(seed)  # noqa: S311 -- repeatable text, not secrets
    blocks: list[str] = []
    size = 0
    while size < kb * 1024:
        sentences = []
        for _ in range(rng.randint(3, 6)):
            words = [_word(rng) for _ in range(rng.randint(6, 14))]
            term, _, avoided = rng.choice(terms)
            words.insert(rng.randrange(len(words)), term)
            if rng.random() < 0.2:
                words.insert(rng.randrange(len(words)), avoided)
            sentences.append(" ".join(words).capitalize() + ".")
        kind = rng.random()
        if kind < 0.1:
            block = "\n".join(f"- {sentence}" for sentence in sentences)
        elif kind < 0.15:
            block = "| a | b |\n|---|---|\n" + "\n".join(
                f"| {s[:30]} | {s[30:60]} |" for s in sentences
            )
        elif kind < 0.2:
            block = "```\n" + "\n".join(sentences) + "\n```"
        else:
            block = " ".join(sentences)
        blocks.append(block)
        size += len(block) + 2
    return "\n\n".join(blocks)


def best_of(repeats: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(repeats):
        started = time.process_time()
        work()
        times.append(time.process_time() - started)
    return min(times)


def pure_figures(terms, body: str, repeats: int) -> dict[str, float]:
    from docs_registry.linting import Linter
    from docs_registry.rendering import render_markdown

    rules = [(avoided, term) for term, _, avoided in terms]
    ids = {term: number for number, (term, _, _) in enumerate(terms, start=1)}
    plain = best_of(repeats, lambda: render_markdown(body))
    marked = best_of(repeats, lambda: render_markdown(body, glossary=ids))
    return {
        "lint (linter built, then the body linted)": best_of(
            repeats, lambda: Linter(rules).lint(body)
        ),
        "render without the glossary": plain,
        "render with first uses marked": marked,
        "marking alone (the difference)": max(marked - plain, 0.0),
    }


def _seed_database(terms) -> tuple[object, str]:
    from docs_registry.models import Category, GlossaryTerm, User
    from docs_registry.services import document_create

    owner = User.objects.create_user("bench-owner")
    manager = User.objects.create_user("bench-manager", is_manager=True)
    # Terms as rows only: the services' checks are not what is measured.
    GlossaryTerm.objects.bulk_create(
        GlossaryTerm(term=term, definition=definition, avoid=avoided)
        for term, definition, avoided in terms
    )
    category = Category.objects.create(name="Bench", prefix="BEN")
    document = document_create(
        actor=manager,
        category=category,
        title="A long document",
        audience="both",
        owner=owner,
        body="Short.",
    )
    return owner, document.doc_id


def page_figures(terms, body: str, repeats: int) -> dict[str, float]:
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", verbosity=0)
    owner, doc_id = _seed_database(terms)
    client = Client()
    client.force_login(owner)
    url = f"/docs/{doc_id}/edit/"

    def post(action: str, number: int) -> None:
        response = client.post(
            url,
            {
                "title": "A long document",
                "body": body,
                "summary": "Longer",
                "significance": "minor",
                "base_number": number,
                "action": action,
                "publish_anyway": "yes",
            },
        )
        expected = 200 if action == "preview" else 302
        if response.status_code != expected:
            sys.exit(f"{action} answered {response.status_code}")

    def glossary_page(query: str) -> None:
        response = client.get(f"/glossary/{query}")
        if response.status_code != 200:
            sys.exit(f"/glossary/{query} answered {response.status_code}")
        sizes[query] = len(response.content)

    sizes: dict[str, int] = {}
    numbers = iter(range(1, repeats + 1))
    figures = {
        "/glossary/ (first page)": best_of(repeats, lambda: glossary_page("")),
        "/glossary/?page=50": best_of(repeats, lambda: glossary_page("?page=50")),
        "/glossary/?q=ka (search, first page)": best_of(
            repeats, lambda: glossary_page("?q=ka")
        ),
        "preview (lint, render, mark, apply definitions)": best_of(
            repeats, lambda: post("preview", 1)
        ),
        "publish (lint, render, mark, store)": best_of(
            repeats, lambda: post("publish", next(numbers))
        ),
    }
    print(f"/glossary/ pages: {', '.join(f'{n:,} bytes' for n in sizes.values())}")
    return figures


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--terms", type=int, default=10_000)
    parser.add_argument("--kb", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-glossary-") as directory:
        os.environ.update(
            DJANGO_SETTINGS_MODULE="kb.settings",
            DJANGO_DEBUG="1",
            DJANGO_ALLOWED_HOSTS="testserver",
            DATABASE_URL=f"sqlite:///{Path(directory) / 'bench.sqlite3'}",
        )
        sys.path.insert(0, str(PROJECT_ROOT))
        import django

        django.setup()
        terms = make_terms(args.terms)
        body = make_body(terms, args.kb)
        print(f"{args.terms:,} terms, a body of {len(body.encode()):,} bytes")
        figures = pure_figures(terms, body, args.repeats)
        figures |= page_figures(terms, body, args.repeats)
    for name, seconds in figures.items():
        mark = "" if seconds < TARGET_S else "  ⚠ over the 0.5 s target"
        print(f"{name:<50} {seconds:7.3f} s{mark}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
