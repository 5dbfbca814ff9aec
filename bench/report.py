"""The benchmark's report: one Markdown table, pages against the ceiling, and the
conditions of the measurement as a list under it."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from bench.loadgen import LoadResult

# The targets (see the issue): a page keeps at least half the ceiling's throughput,
# answers 99 % of requests in under 100 ms, and a worker stays under 150 MB.
MIN_RATIO = 0.5
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


@dataclass(frozen=True)
class PageResult:
    name: str
    load: LoadResult
    # Queries of a first read (nothing cached) and of the same page read again.
    queries: tuple[int, int] | None = None


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
    )


def misses_ratio(ratio: float) -> bool:
    return ratio < MIN_RATIO


def misses_p99(p99_ms: float) -> bool:
    return p99_ms >= MAX_P99_MS


def _marked(text: str, missed: bool) -> str:
    return f"{text} {MISS}" if missed else text


def table_rows(rows: Sequence[PageResult]) -> list[tuple[str, ...]]:
    """The table's cells, the first row being the ceiling (ratio 1.00)."""
    ceiling = rows[0].load.requests_per_s
    cells = []
    for row in rows:
        ratio = row.load.requests_per_s / ceiling
        cells.append(
            (
                row.name,
                f"{row.load.requests_per_s:,.0f}",
                _marked(f"{ratio:.2f}", misses_ratio(ratio)),
                f"{row.load.p50_ms:.1f}",
                _marked(f"{row.load.p99_ms:.1f}", misses_p99(row.load.p99_ms)),
                "–" if row.queries is None else "{} / {}".format(*row.queries),
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


def format_table(rows: Sequence[PageResult]) -> str:
    return markdown_table(HEADERS, table_rows(rows))


def format_memory(worker_kb: Sequence[int], master_kb: int | None) -> str:
    """The line about memory: the peak resident size (VmHWM) of each worker."""
    if not worker_kb:
        return "- Worker peak memory: not measured (no gunicorn worker found)"
    in_mb = [kb / 1024 for kb in worker_kb]
    worst = max(in_mb)
    each = ", ".join(f"{mb:.1f}" for mb in in_mb)
    master = "" if master_kb is None else f"; master {master_kb / 1024:.1f} MB"
    return (
        f"- Worker peak memory (VmHWM): max "
        f"{_marked(f'{worst:.1f} MB', worst >= MAX_WORKER_MB)} "
        f"(target < {MAX_WORKER_MB:.0f} MB); each worker {each} MB{master}"
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


def legend() -> str:
    return (
        f"{MISS} misses a target: under {MIN_RATIO:.2f}× the ceiling's req/s, "
        f"p99 ≥ {MAX_P99_MS:.0f} ms, or a worker at {MAX_WORKER_MB:.0f} MB or more."
    )


def format_report(rows: Sequence[PageResult], notes: Sequence[str]) -> str:
    """The whole report: table, legend, failures, then the notes (each a Markdown
    list item) describing the conditions."""
    parts = [format_table(rows), "", legend(), "", *format_failures(rows), *notes]
    return "\n".join(parts) + "\n"
