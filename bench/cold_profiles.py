"""`make profile`: where a cold page's time goes, page by page.

    .venv/bin/python bench/cold_profiles.py [--output-dir profiles] [--interval 0.0001]

In this process, with the production settings of `bench/run.py` and its pages,
read as the same reader: each page is read once with the cache emptied just before
(what a reader gets right after a write), under pyinstrument. Each profile is
saved as HTML (open it in a browser) and as text, `profiles/<page>.html` and
`.txt`. Then each page is read cold `--repeats` times more without the profiler,
timed (wall clock: the best of them, since a busy machine only ever adds time)
and its SQL queries counted; one table lists them.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from bench import report  # noqa: E402
from bench import run as bench  # noqa: E402

HEADERS = ("Page", "cold ms", "SQL queries", "profile")


def slug(name: str) -> str:
    """A file name for a page: `compare v1→v20` is `compare-v1-v20`."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output-dir", type=Path, default=PROJECT_ROOT / "profiles")
    parser.add_argument("--reader", default=bench.DEFAULT_READER)
    parser.add_argument("--query", default=bench.DEFAULT_QUERY)
    parser.add_argument(
        "--interval", type=float, default=0.001, help="seconds between samples"
    )
    parser.add_argument(
        "--repeats", type=int, default=5, help="cold reads timed; the best is shown"
    )
    return parser.parse_args(argv)


class Stopwatch:
    """The wall-clock milliseconds of a `with` block."""

    milliseconds = 0.0

    def __enter__(self):
        self._started = time.perf_counter()
        return self

    def __exit__(self, *exc_info):
        self.milliseconds = (time.perf_counter() - self._started) * 1000


def profile_pages(
    pages, credentials, output_dir: Path, interval: float, repeats: int = 5
):
    """Each page read cold under the profiler (saved), then cold `repeats` times
    again, timed: (name, best ms, queries, profile's file name) rows."""
    from pyinstrument import Profiler

    output_dir.mkdir(parents=True, exist_ok=True)
    rows = []
    for page in pages:
        profiler = Profiler(interval=interval)
        bench.first_read(page, credentials, watch=profiler)
        html = output_dir / f"{slug(page.name)}.html"
        html.write_text(profiler.output_html())
        html.with_suffix(".txt").write_text(
            profiler.output_text(unicode=True, color=False)
        )
        times = []
        for _ in range(max(repeats, 1)):
            stopwatch = Stopwatch()
            queries = bench.first_read(page, credentials, watch=stopwatch)
            times.append(stopwatch.milliseconds)
        milliseconds = f"{min(times):,.1f}"
        rows.append((page.name, milliseconds, str(queries), html.name))
    return rows


def run(args: argparse.Namespace) -> str:
    bench.setup_django()
    reader = bench.find_reader(args.reader)
    document = bench.find_document()
    pages = bench.bench_pages(document, args.query, bench.ceiling_page(None))
    credentials = bench.sign_in(reader)
    try:
        rows = profile_pages(
            pages, credentials, args.output_dir, args.interval, args.repeats
        )
    finally:
        bench.sign_out(credentials, reader)
    notes = [
        f"- Each page read in process with the cache emptied first: once profiled "
        f"(in {args.output_dir}), then the best of {args.repeats} reads",
        f"- Read as {reader.username}; document {document.doc_id} "
        f"(v{document.current_version.number})",
        bench.database_note(),
        bench.machine_note(),
    ]
    return "\n".join([report.markdown_table(HEADERS, rows), "", *notes]) + "\n"


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        text = run(args)
    except bench.BenchError as error:
        print(f"profile: error: {error}", file=sys.stderr)
        return 1
    print(text, end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
