"""`bench/run.py --topology`: the document page served by one app server or two.

Three arrangements: one gunicorn with 4 workers (`--workers`) keeping pages in each
worker's own memory (LocMem: the reference a single server has without Redis), the
same with Redis, and two gunicorns of 2 workers each (half as many) sharing Redis,
the load generator's connections split between their two ports (no balancer in
between; wrk's threads split too, see `loadgen.split_load`). All are started at
once (a server waiting for requests costs no CPU), then measured in turn as pages
are (`bench.measure_in_rounds`): a warm-up run each, then `--repeats` rounds, each
loading every arrangement once (every other round in the reverse order), so that
drift in the machine spreads over them alike (one arrangement after the other, a
drift of a few per cent between them read as one server outserving two). Medians shown.
Redis is `--redis-url`'s database, emptied (FLUSHDB: that database only) before
the servers start; the two arrangements with Redis share it, as servers behind one
address would (each keeps its pages under its own address). The servers' memory
and Redis's are read after the last round.
"""

from __future__ import annotations

import argparse
from contextlib import ExitStack
from dataclasses import dataclass
from functools import partial

from bench import report, server
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


def run(args: argparse.Namespace, reader) -> str:
    from django.db import connections

    document = bench.find_document()
    pages = bench.bench_pages(document, args.query, bench.ceiling_page(None))
    page = next(page for page in pages if page.name == "document")
    credentials = bench.sign_in(reader)
    chosen = arrangements(args.redis_url, args.workers)
    try:
        # Hold no connection (nor SQLite lock) while the servers are under load.
        connections.close_all()
        server.redis_empty(args.redis_url)
        with ExitStack() as stack:
            running, masters = [], []
            for arrangement in chosen:
                bench.progress(f"starting {arrangement.label}, {arrangement.cache}")
                env = bench.server_env(args, arrangement.cache_url or "locmem://")
                base_urls, its_masters = stack.enter_context(
                    bench.servers_running(
                        env,
                        count=arrangement.servers,
                        workers=arrangement.workers,
                        threads=args.threads,
                        ready=page,
                        credentials=credentials,
                    )
                )
                for base_url in base_urls:
                    bench.check_pages(base_url, [page], credentials)
                running.append((arrangement, base_urls))
                masters.append(its_masters)
            load = bench.page_load(credentials, args)
            loads = [
                (f"{arrangement.label}, {arrangement.cache}", partial(load, page, urls))
                for arrangement, urls in running
            ]
            runs = bench.measure_in_rounds(loads, args)
            memory_notes = [
                f"- {arrangement.label}, {arrangement.cache}: "
                f"{bench.Memory.of(its_masters).note().removeprefix('- ')}"
                for arrangement, its_masters in zip(chosen, masters, strict=True)
            ]
        # Both arrangements with Redis share its database.
        redis_notes = bench.redis_notes(args.redis_url)
    finally:
        bench.sign_out(credentials, reader)
    rows = [
        report.TopologyResult(
            arrangement.label, arrangement.cache, report.median_result(runs_of)
        )
        for arrangement, runs_of in zip(chosen, runs, strict=True)
    ]
    conditions = bench.conditions_notes(
        args,
        document,
        reader,
        workers=f"{args.workers} (one server) or {args.workers // 2} + "
        f"{args.workers // 2} (two)",
    )
    return report.format_topology_report(
        rows, [*memory_notes, *redis_notes, *conditions]
    )
