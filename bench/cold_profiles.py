"""`make profile`: where a cold page's time goes, page by page.

    .venv/bin/python bench/cold_profiles.py [--output-dir profiles] [--interval 0.0001]

In this process, with the production settings of `bench/run.py` and its pages,
read as the same reader: each page is read once with the cache emptied just before
(what a reader gets right after a write), under pyinstrument. Each profile is
saved as HTML (open it in a browser) and as text, `profiles/<page>.html` and
`.txt`. Then every page is read cold again `--repeats` times without the
profiler, the pages in turn round by round (so that drift in the machine spreads
over them alike), and one table lists for each page: the wall-clock ms (the best
read: a busy machine only ever adds time), the CPU ms this process spent on it
and those PostgreSQL's server process spent (medians), and their sum as a share
of the ceiling's, and its SQL queries.

That share comes close to a page's ratio to the ceiling as served cold
(`make bench BENCH_ARGS=--cold`), where the CPUs are the limit and every ms
either process spends is a ms no other request gets; it needs no server, but it
moves with the machine as much (see the README's figures). The database's CPU
is read from `/proc/<pid>/schedstat` of the server process that serves this
connection, where PostgreSQL runs on this machine; SQLite works in this process,
so its CPU is in this process's.
"""

from __future__ import annotations

import argparse
import gc
import re
import statistics
import sys
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from bench import report  # noqa: E402
from bench import run as bench  # noqa: E402

HEADERS = (
    "Page",
    "cold ms",
    "CPU ms",
    "database CPU ms",
    "CPU vs ceiling",
    "SQL queries",
    "profile",
)


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
        "--repeats",
        type=int,
        default=9,
        help="cold reads of each page timed, in turn (the best wall time shown, "
        "the median CPU)",
    )
    return parser.parse_args(argv)


class DatabaseClock:
    """The CPU seconds PostgreSQL's server process has spent on this process's
    connection, where that process is on this machine (its `/proc` readable);
    None where there is no such process to read (SQLite, or another machine)."""

    def __init__(self):
        from django.db import connection

        self.connection = connection

    def seconds(self) -> float | None:
        if self.connection.vendor != "postgresql":
            return None
        self.connection.ensure_connection()
        pid = self.connection.connection.info.backend_pid
        try:
            return schedstat_seconds(Path(f"/proc/{pid}/schedstat").read_text())
        except OSError:
            return None


def schedstat_seconds(text: str) -> float:
    """The time on a CPU that `/proc/<pid>/schedstat` gives (its first field, in
    nanoseconds), in seconds."""
    return int(text.split()[0]) / 1e9


class ColdRead:
    """What one cold read of a page cost: wall-clock seconds, this process's CPU
    seconds, and the database server's (None where it cannot be read)."""

    def __init__(self, clock: DatabaseClock):
        self.clock = clock
        self.wall = self.cpu = 0.0
        self.database: float | None = None

    def __enter__(self):
        self._database = self.clock.seconds()
        self._cpu, self._wall = time.process_time(), time.perf_counter()
        return self

    def __exit__(self, *exc_info):
        self.wall = time.perf_counter() - self._wall
        self.cpu = time.process_time() - self._cpu
        database = self.clock.seconds()
        if database is not None and self._database is not None:
            self.database = database - self._database


def profile_pages(
    pages, credentials, output_dir: Path, interval: float, repeats: int = 9
):
    """Each page read cold under the profiler (saved), then every page cold
    `repeats` times again, in turn: (name, best ms, CPU ms, database CPU ms,
    share of the ceiling's CPU, queries, profile's file name) rows; the first
    page is the ceiling."""
    from django.db import connection
    from pyinstrument import Profiler

    from docs_registry import caching

    # One connection all along (not closed between reads for its age), so its
    # server process is the one the clock reads.
    connection.close()
    connection.settings_dict["CONN_MAX_AGE"] = None
    output_dir.mkdir(parents=True, exist_ok=True)
    files, queries = {}, {}
    for page in pages:
        profiler = Profiler(interval=interval)
        queries[page.name] = bench.first_read(page, credentials, watch=profiler)
        html = output_dir / f"{slug(page.name)}.html"
        html.write_text(profiler.output_html())
        html.with_suffix(".txt").write_text(
            profiler.output_text(unicode=True, color=False)
        )
        files[page.name] = html.name
    # As a served worker does after start-up (kb/wsgi.py): what is loaded by now
    # is left out of the garbage collector's passes, which would otherwise walk
    # it in the middle of some reads.
    gc.collect()
    gc.freeze()
    clock = DatabaseClock()
    reads: dict[str, list[ColdRead]] = {page.name: [] for page in pages}
    clients = {page.name: bench.client_for(page, credentials) for page in pages}
    for _ in range(max(repeats, 1)):
        for page in pages:
            client, headers = clients[page.name]
            caching.empty()
            # As served: no query counted (that costs a little for each).
            with ColdRead(clock) as read:
                response = client.get(page.path, headers=headers)
            bench.fail_unless_ok(
                page, response.status_code, response.content, "in process"
            )
            reads[page.name].append(read)
    costs = {name: cold_cost(of_page) for name, of_page in reads.items()}
    ceiling = costs[pages[0].name]
    return [
        (
            page.name,
            f"{min(read.wall for read in reads[page.name]) * 1000:,.1f}",
            f"{costs[page.name].cpu * 1000:,.2f}",
            costs[page.name].database_text(),
            f"{ceiling.total / costs[page.name].total:.2f}",
            str(queries[page.name]),
            files[page.name],
        )
        for page in pages
    ]


class ColdCost:
    """A page's median CPU seconds, this process's and the database's."""

    def __init__(self, cpu: float, database: float | None):
        self.cpu, self.database = cpu, database

    @property
    def total(self) -> float:
        return self.cpu + (self.database or 0.0)

    def database_text(self) -> str:
        if self.database is None:
            return "–"
        return f"{self.database * 1000:,.2f}"


def cold_cost(reads: list[ColdRead]) -> ColdCost:
    databases = [read.database for read in reads]
    return ColdCost(
        statistics.median(read.cpu for read in reads),
        None if None in databases else statistics.median(databases),
    )


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
        f"(in {args.output_dir}), then {args.repeats} times more, the pages in "
        "turn: the best wall time, the median CPU of this process and of the "
        "database's server process (– where it cannot be read: SQLite works in "
        "this process), and their sum's share of the ceiling's",
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
