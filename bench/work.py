"""`make bench`, part two: how long the renderer and the glossary linter take on
the largest body, on this machine. The test suite bounds their work by counting
steps (tests/steps.py); the seconds are measured here, where a busy machine only
makes a figure slower, never a build red.

    .venv/bin/python bench/work.py [--repeats 5]
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kb.settings")

import django  # noqa: E402

django.setup()

from docs_registry.linting import Linter  # noqa: E402
from docs_registry.rendering import MAX_BODY_BYTES, render_markdown  # noqa: E402

PARAGRAPH = (
    "Customers on the **annual plan** get a 10% discount; see the "
    "[price list](/docs/PRC-0001/) or ask `support`. Refunds follow the "
    "policy in SUP-0012 v3.\n\n"
)


def largest_body() -> str:
    return (PARAGRAPH * (MAX_BODY_BYTES // len(PARAGRAPH) + 1))[:MAX_BODY_BYTES]


def draft_and_rules(terms: int) -> tuple[str, list[tuple[str, str]]]:
    rng = random.Random(7)  # noqa: S311 -- sample text, not a secret
    vocabulary = [f"word{n}" for n in range(3000)]
    words = [rng.choice(vocabulary) for _ in range(26_000)]
    for position in range(0, len(words), 100):
        words[position] = f"avoid{position % terms}"
    text = "\n".join(" ".join(words[i : i + 12]) for i in range(0, len(words), 12))
    return text, [(f"avoid{n}", f"term{n}") for n in range(terms)]


def median_seconds(function, repeats: int) -> float:
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        function()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    repeats = parser.parse_args().repeats
    body = largest_body()
    print(
        f"render_markdown, {len(body) // 1024} KB of prose: "
        f"{median_seconds(lambda: render_markdown(body), repeats):.3f} s (median)"
    )
    for terms in (500, 10_000):
        text, rules = draft_and_rules(terms)
        linter = Linter(rules)
        seconds = median_seconds(
            lambda linter=linter, text=text: linter.lint(text), repeats
        )
        print(
            f"lint, {len(text) // 1024} KB against {terms:,} terms: "
            f"{seconds:.3f} s (median)"
        )


if __name__ == "__main__":
    main()
