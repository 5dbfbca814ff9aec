"""`bench/run.py --topology`: the document page served by one app server or two.

Three arrangements, one after the other, each started afresh: one gunicorn with 4
workers (`--workers`) keeping pages in each worker's own memory (LocMem: the
reference a single server has without Redis), the same with Redis, and two
gunicorns of 2 workers each (half as many) sharing Redis, the load generator's
connections split between their two ports (no balancer in between). Redis is
`--redis-url`'s database, emptied (FLUSHDB: that database only) before each
arrangement that uses it. Each arrangement gets the warm-up and `--repeats` runs
of `--duration` seconds (medians shown); the servers' memory and Redis's are read
after its last run.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass

from bench import loadgen, report, server
from bench import run as bench


@dataclass(frozen=True)
class Arrangement:
    servers: int
    workers: int  # each server's
    cache_url: str | None  # None: each worker's own memory

    @property
    def label(self) -> str:
        return f"{self.servers} × {self.workers} workers"

    @property
    def cache(self) -> str:
        return "Redis" if self.cache_url else "LocMem"


def arrangements(redis_url: str, workers: int) -> list[Arrangement]:
    """The reference first, then one server with Redis (what two are compared
    with), then two servers with Redis and half the workers each."""
    return [
        Arrangement(1, workers, None),
        Arrangement(1, workers, redis_url),
        Arrangement(2, workers // 2, redis_url),
    ]


def measure_arrangement(
    arrangement: Arrangement,
    page: bench.Page,
    credentials: bench.Credentials,
    args: argparse.Namespace,
) -> tuple[loadgen.LoadResult, list[str]]:
    """The page's median run under this arrangement, and notes on its memory."""
    if arrangement.cache_url:
        server.redis_empty(arrangement.cache_url)
    env = bench.server_env(args, arrangement.cache_url or "locmem://")
    with bench.servers_running(
        env,
        count=arrangement.servers,
        workers=arrangement.workers,
        threads=args.threads,
        ready=page,
        credentials=credentials,
    ) as (base_urls, masters):
        for base_url in base_urls:
            bench.check_pages(base_url, [page], credentials)
        load = bench.page_load(credentials, args)
        runs = bench.measure(base_urls, [page], load, args)
        memory = bench.Memory.of(masters)
    where = f"{arrangement.label}, {arrangement.cache}"
    notes = [f"- {where}: {memory.note().removeprefix('- ')}"]
    if arrangement.cache_url:
        notes += [
            f"- {where}: {note.removeprefix('- ')}"
            for note in bench.redis_notes(arrangement.cache_url)
        ]
    return report.median_result(runs[page.name]), notes


def run(args: argparse.Namespace, reader) -> str:
    from django.db import connections

    document = bench.find_document()
    pages = bench.bench_pages(document, args.query, bench.ceiling_page(None))
    page = next(page for page in pages if page.name == "document")
    credentials = bench.sign_in(reader)
    rows, memory_notes = [], []
    try:
        # Hold no connection (nor SQLite lock) while the servers are under load.
        connections.close_all()
        for arrangement in arrangements(args.redis_url, args.workers):
            bench.progress(f"{arrangement.label}, {arrangement.cache}")
            load, notes = measure_arrangement(arrangement, page, credentials, args)
            rows.append(
                report.TopologyResult(arrangement.label, arrangement.cache, load)
            )
            memory_notes += notes
    finally:
        bench.sign_out(credentials, reader)
    conditions = bench.conditions_notes(
        args,
        document,
        reader,
        workers=f"{args.workers} (one server) or {args.workers // 2} + "
        f"{args.workers // 2} (two)",
    )
    return report.format_topology_report(rows, [*memory_notes, *conditions])
