"""The benchmark's report: one Markdown table, pages against the ceiling, and the
conditions of the measurement as a list under it."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from bench.loadgen import LoadResult

# The targets (README, "Speed"): a page keeps at least 0.6 of the ceiling's throughput,
# answers 99 % of requests in under 100 ms, and a worker stays under 150 MB. While a
# writer publishes every second, pages keep 0.4 of the ceiling and none is stale;
# with nothing kept (cold), the pages about one document keep 0.3, the lists 0.2.
MIN_RATIO = 0.6
MIXED_MIN_RATIO = 0.4
COLD_MIN_RATIO = 0.3
COLD_LIST_MIN_RATIO = 0.2
MAX_P99_MS = 100.0
MAX_WORKER_MB = 150.0
MISS = "⚠"

HEADERS = (
    "Page",
    "req/s",
    "ratio to ceiling",
    "p50 ms",
    "p99 ms",
    "SQL queries: first / again",
)
STALE_HEADER = "stale answers"


@dataclass(frozen=True)
class PageResult:
    name: str
    load: LoadResult
    # Queries of a first read (nothing cached) and of the same page read again.
    queries: tuple[int, int] | None = None
    # The page's own target for its ratio to the ceiling.
    min_ratio: float = MIN_RATIO
    # Whether each answer was checked for staleness (load.stale counts the stale).
    checked: bool = False


def median_result(runs: Sequence[LoadResult]) -> LoadResult:
    """The median of each figure over repeated runs; requests and failures are
    added up, so that a single failure in any run shows."""
    if not runs:
        raise ValueError("no runs")
    return LoadResult(
        requests_per_s=statistics.median(run.requests_per_s for run in runs),
        p50_ms=statistics.median(run.p50_ms for run in runs),
        p99_ms=statistics.median(run.p99_ms for run in runs),
        requests=sum(run.requests for run in runs),
        failures=sum(run.failures for run in runs),
        stale=sum(run.stale for run in runs),
    )


def misses_ratio(ratio: float, target: float = MIN_RATIO) -> bool:
    return ratio < target


def misses_p99(p99_ms: float) -> bool:
    return p99_ms >= MAX_P99_MS


def _marked(text: str, missed: bool) -> str:
    return f"{text} {MISS}" if missed else text


def _stale_cell(row: PageResult) -> str:
    if not row.checked:
        return "–"
    return _marked(f"{row.load.stale:,}", row.load.stale > 0)


def _ratio_cell(row: PageResult, ceiling: float) -> str:
    # A ceiling that answered nothing in the run (a very busy machine) gives no
    # ratio at all; its failures are listed under the table.
    if not ceiling:
        return _marked("–", True)
    ratio = row.load.requests_per_s / ceiling
    return _marked(f"{ratio:.2f}", misses_ratio(ratio, row.min_ratio))


def table_rows(
    rows: Sequence[PageResult], *, with_stale: bool = False
) -> list[tuple[str, ...]]:
    """The table's cells, the first row being the ceiling (ratio 1.00); with
    `with_stale`, a last column counts the stale answers of the checked pages."""
    ceiling = rows[0].load.requests_per_s
    cells = []
    for row in rows:
        cells.append(
            (
                row.name,
                f"{row.load.requests_per_s:,.0f}",
                _ratio_cell(row, ceiling),
                f"{row.load.p50_ms:.1f}",
                _marked(f"{row.load.p99_ms:.1f}", misses_p99(row.load.p99_ms)),
                "–" if row.queries is None else "{} / {}".format(*row.queries),
                *([_stale_cell(row)] if with_stale else []),
            )
        )
    return cells


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A Markdown table padded to line up in a terminal too; every column but the
    first is right-aligned (numbers)."""
    widths = [
        max(len(cell) for cell in column) for column in zip(headers, *rows, strict=True)
    ]

    def line(cells: Sequence[str]) -> str:
        padded = [cells[0].ljust(widths[0])]
        padded += [
            cell.rjust(width) for cell, width in zip(cells[1:], widths[1:], strict=True)
        ]
        return "| " + " | ".join(padded) + " |"

    rule = ["-" * widths[0]] + ["-" * (width - 1) + ":" for width in widths[1:]]
    return "\n".join(
        [line(headers), "| " + " | ".join(rule) + " |"] + [line(row) for row in rows]
    )


def format_table(rows: Sequence[PageResult], *, with_stale: bool = False) -> str:
    headers = (*HEADERS, STALE_HEADER) if with_stale else HEADERS
    return markdown_table(headers, table_rows(rows, with_stale=with_stale))


def _each_mb(kb: Sequence[int]) -> str:
    return ", ".join(f"{size / 1024:.1f}" for size in kb)


def format_memory(
    worker_kb: Sequence[int], master_kb: int | None, worker_rss_kb: Sequence[int] = ()
) -> str:
    """The line about memory: the peak resident size (VmHWM) of each worker, and
    what each holds at the end of the run (VmRSS) when that was read."""
    if not worker_kb:
        return "- Worker peak memory: not measured (no gunicorn worker found)"
    worst = max(worker_kb) / 1024
    master = "" if master_kb is None else f"; master {master_kb / 1024:.1f} MB"
    now = (
        f"; after the run (VmRSS) {_each_mb(worker_rss_kb)} MB" if worker_rss_kb else ""
    )
    return (
        f"- Worker peak memory (VmHWM): max "
        f"{_marked(f'{worst:.1f} MB', worst >= MAX_WORKER_MB)} "
        f"(target < {MAX_WORKER_MB:.0f} MB); each worker {_each_mb(worker_kb)} MB"
        f"{master}{now}"
    )


def format_redis(used_memory_human: str, keys: int, db: int) -> str:
    """The line about a Redis cache after the run (INFO memory and DBSIZE)."""
    return (
        f"- Redis after the run: used_memory {used_memory_human} (the whole "
        f"server), {keys:,} keys in db {db}"
    )


def format_failures(rows: Sequence[PageResult]) -> list[str]:
    """A warning line for each page that had failed requests: its figures count
    error responses too, so they cannot be trusted."""
    return [
        f"- {MISS} {row.name}: {row.load.failures} of {row.load.requests} requests "
        "failed (non-2xx/3xx answers or connection errors)"
        for row in rows
        if row.load.failures
    ]


def legend(rows: Sequence[PageResult] = ()) -> str:
    targets = sorted({row.min_ratio for row in rows[1:]} or {MIN_RATIO}, reverse=True)
    under = " or ".join(f"{target:.2f}" for target in targets)
    stale = ", a stale answer" if any(row.checked for row in rows) else ""
    return (
        f"{MISS} misses a target: under {under}× the ceiling's req/s (the page's "
        f"target), p99 ≥ {MAX_P99_MS:.0f} ms{stale}, or a worker at "
        f"{MAX_WORKER_MB:.0f} MB or more."
    )


def format_report(rows: Sequence[PageResult], notes: Sequence[str]) -> str:
    """The whole report: table, legend, failures, then the notes (each a Markdown
    list item) describing the conditions. Pages checked for staleness get a column
    counting the stale answers."""
    with_stale = any(row.checked for row in rows)
    parts = [
        format_table(rows, with_stale=with_stale),
        "",
        legend(rows),
        "",
        *format_failures(rows),
        *notes,
    ]
    return "\n".join(parts) + "\n"


TOPOLOGY_HEADERS = ("Servers", "cache", "req/s", "vs one server", "p50 ms", "p99 ms")


@dataclass(frozen=True)
class TopologyResult:
    servers: str  # e.g. "2 × 2 workers"
    cache: str
    load: LoadResult


def format_topology(rows: Sequence[TopologyResult]) -> str:
    """The document page under each arrangement of servers; the second row is the
    one the others are compared with (one server with Redis), and the last (two
    servers) is marked when it serves less than that."""
    reference = rows[1].load.requests_per_s if len(rows) > 1 else None
    cells = []
    for index, row in enumerate(rows):
        share = row.load.requests_per_s / reference if reference else 1.0
        missed = index == len(rows) - 1 and index > 1 and share < 1.0
        cells.append(
            (
                row.servers,
                row.cache,
                f"{row.load.requests_per_s:,.0f}",
                _marked(f"{share:.2f}", missed),
                f"{row.load.p50_ms:.1f}",
                _marked(f"{row.load.p99_ms:.1f}", misses_p99(row.load.p99_ms)),
            )
        )
    return markdown_table(TOPOLOGY_HEADERS, cells)


def format_topology_report(rows: Sequence[TopologyResult], notes: Sequence[str]) -> str:
    """The arrangements' table, its legend, failures, then the notes."""
    failures = [
        f"- {MISS} {row.servers}, {row.cache}: {row.load.failures} of "
        f"{row.load.requests} requests failed (non-2xx/3xx answers or connection "
        "errors)"
        for row in rows
        if row.load.failures
    ]
    legend = (
        "The document page. “vs one server”: req/s over those of one server with "
        f"Redis; {MISS} marks two servers serving less, or a p99 of "
        f"{MAX_P99_MS:.0f} ms or more. Two servers' p99 is the worse of theirs."
    )
    parts = [format_topology(rows), "", legend, "", *failures, *notes]
    return "\n".join(parts) + "\n"
