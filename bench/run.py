"""`make bench`: the product served as in production, measured page by page.

Run (after `manage.py migrate` and `manage.py seed_bench`, which `make bench` does):

    .venv/bin/python bench/run.py [--duration 5] [--repeats 3] [--warmup 1]
        [--connections 8] [--workers N] [--threads 1] [--loadgen auto|wrk|python]
        [--output FILE] [--pages "document,search"]
        [--cold | --mixed [--write-every 1] | --topology [--redis-url URL]]

What is measured, and how:

1. The server. gunicorn serves `kb.wsgi` on 127.0.0.1 at a free port, configured as
   in production: DEBUG off, a random secret key for each run, static files
   collected (`collectstatic`, done here first) and served by WhiteNoise, warnings
   only in the logs. Only HTTPS is left out: the SSL redirect is off, since the
   load comes over loopback. 2 × CPU cores + 1 sync workers unless `--workers`
   says otherwise (`--threads` above 1 makes them gthread workers). The database is
   DATABASE_URL's, else db.sqlite3 in the project root.
2. Who reads what. Every page is read as `bench-reader` (both teams; the seeder
   leaves ~500 changes waiting in their digest), with a real session stored in the
   database: this process signs in with Django's test client, sharing the server's
   settings and secret key, and hands the session cookie to the load generator. The
   API is read with the reader's personal token instead (`Authorization: Bearer`,
   no cookie). The document is the first active one by ID (~20 versions). Pages:
   the document, its version 1, its history, the comparison v1 → current, browse,
   the reader's digest (first page), search (`--query`) and the API's document.
3. The ceiling. `/ceiling/` (served only with SAMEPAGE_BENCH_CEILING=1) renders a
   tiny template for the signed-in user: session, user, middleware and nothing
   else, the most any signed-in page can do with this server on this machine. A
   page's "ratio to ceiling" is its req/s over the ceiling's; it depends less on
   the machine than req/s does.
4. Load. wrk when it is installed, else a Python generator (one thread and one
   keep-alive connection each, every latency recorded, exact percentiles):
   `--connections` connections, each sending its next GET as soon as the previous
   answer has arrived, for `--duration` seconds. First every page must answer one
   GET with 200, then each gets a short warm-up run (every worker compiles its
   templates and opens its database connection). Then `--repeats` rounds, each
   round running every page once, every other round in the reverse order, so
   that drift in the machine spreads over all pages alike and no page always
   runs straight after the same one. Reported: the median over the rounds of
   req/s, p50 and p99. Latency is from sending a request to having read the
   whole answer. The load generator shares the machine's cores with the server,
   so compare pages and ratios within a report rather than req/s across
   machines.
5. Memory. After the last run, the peak resident set (VmHWM, /proc/PID/status) of
   each gunicorn worker and of the master: the most each process held at once;
   and what each worker holds then (VmRSS). With Redis as the cache
   (SAMEPAGE_CACHE_URL=redis://...), Redis's used_memory (INFO memory, the whole
   server) and the number of keys in its database (DBSIZE). Not measured where
   there is no /proc. MB and GB here are 2**20 and 2**30 bytes.
6. SQL queries. In this process, Django's test client GETs each page with the
   cache emptied (a first read: what the page costs to work out), then twice more,
   counting the last (what it costs when nothing changed: the digest records a
   first visit, so the second read is plain). CaptureQueriesContext counts;
   reading the session and its user counts too, as on the server (the ceiling's
   count is that floor).
7. Targets. ⚠ marks a page under 0.6 of the ceiling's req/s, a p99 of 100 ms or
   more, or a worker at 150 MB or more. Missing a target still exits 0: this is a
   measurement. Errors (a page not answering 200, gunicorn not starting) exit 1.

Other modes, one at a time:

- `--cold`: the server keeps nothing (SAMEPAGE_CACHE_URL=dummy://), so every
  request works its page out: what readers get right after a write. Targets: 0.3
  of the ceiling for the pages about one document, 0.2 for browse, digest and
  search.
- `--mixed`: the same pages while a writer publishes a version every
  `--write-every` seconds (bench/mixed.py); the Python load generator, which
  checks every answer of the document page and the API document for a version
  older than the newest committed before the request was sent (stale). The
  writer's document is the last active one by ID, so the other modes' document
  keeps its size from run to run. Targets: 0.4 of the ceiling, no stale answer.
- `--topology`: the document page only, served by one gunicorn with 4 workers
  (its own memory as the cache, then Redis) and by two gunicorns with 2 workers
  each sharing Redis, the connections split between their ports
  (bench/topology.py). All three run at once and are measured in turn, round by
  round, as pages are. Redis is `--redis-url`'s database, emptied (FLUSHDB, that
  database only) before the servers start. Target: two servers serve at least
  what one does with Redis.

Left behind: staticfiles/ (collected, ignored by git), and the reader's session is
deleted and the "bench" token revoked at the end.
"""

from __future__ import annotations

import argparse
import os
import platform
import secrets
import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager, nullcontext
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from urllib.parse import urlencode

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# Run as a script, Python puts bench/ first on the path; the project root is needed
# to import `bench` and `kb`.
sys.path.insert(0, str(PROJECT_ROOT))

from bench import loadgen, mixed, report, server  # noqa: E402

DEFAULT_READER = "bench-reader"
DEFAULT_QUERY = "refund policy"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/9"
TOPOLOGY_WORKERS = 4  # one server's; two servers get half each
WARMUP_S = 1.0
BODY_SHOWN = 300


class BenchError(RuntimeError):
    """The benchmark cannot run as asked; the message says why."""


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    # The API is read with the reader's token and no cookie, as an integration does.
    by_token: bool = False
    # How an answer shows the document's current version (the mixed run's check).
    shows_version: Callable[[bytes], int | None] | None = None
    # The page's target ratio to the ceiling with nothing kept (--cold).
    cold_min_ratio: float = report.COLD_MIN_RATIO


@dataclass(frozen=True)
class Credentials:
    client: object  # django.test.Client, signed in as the reader
    cookies: str  # the Cookie header of the reader's browser
    raw_token: str
    token: object  # docs_registry.models.ApiToken

    def headers_for(self, page: Page) -> dict[str, str]:
        if page.by_token:
            return {"Authorization": f"Bearer {self.raw_token}"}
        return {"Cookie": self.cookies}


# --- arguments and settings ---------------------------------------------------------


def default_workers() -> int:
    return 2 * (os.cpu_count() or 1) + 1


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Measure every page as served in production (see the module's "
        "docstring for the method) and print one Markdown table."
    )
    add = parser.add_argument
    add("--duration", type=float, default=5.0, help="seconds per run (default 5)")
    add("--repeats", type=int, default=3, help="runs per page (default 3)")
    add("--warmup", type=float, default=WARMUP_S, help="seconds per page (1)")
    add("--connections", type=int, default=8, help="concurrent connections (8)")
    add(
        "--workers",
        type=int,
        help="2 × cores + 1; --topology: one server's, halved for two (4)",
    )
    add("--threads", type=int, default=1, help="threads per worker (default 1)")
    add("--loadgen", choices=["auto", "wrk", "python"], default="auto")
    add("--reader", default=DEFAULT_READER, help="username the pages are read as")
    add("--query", default=DEFAULT_QUERY, help="words searched for")
    add("--ceiling-url", help="path to use as the ceiling instead of /ceiling/")
    add(
        "--pages",
        type=lambda text: [name.strip() for name in text.split(",") if name.strip()],
        help="only these pages, by name, comma-separated (the ceiling always runs)",
    )
    add("--output", type=Path, help="also write the report to this file")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "--cold", action="store_true", help="nothing kept: every request worked out"
    )
    mode.add_argument(
        "--mixed", action="store_true", help="while a writer publishes; stale counted"
    )
    mode.add_argument(
        "--topology",
        action="store_true",
        help="the document page: one server of 4 workers vs two of 2 (Redis)",
    )
    add("--write-every", type=float, default=1.0, help="--mixed: seconds (1)")
    add(
        "--redis-url",
        default=DEFAULT_REDIS_URL,
        help=f"--topology: the Redis database to use and empty ({DEFAULT_REDIS_URL})",
    )
    args = parser.parse_args(argv)
    if args.workers is None:
        args.workers = TOPOLOGY_WORKERS if args.topology else default_workers()
    if min(args.duration, args.repeats, args.connections, args.workers) <= 0:
        parser.error("--duration, --repeats, --connections and --workers must be > 0")
    if args.topology and args.workers % 2:
        parser.error(
            "--topology halves --workers between two servers: give an even number"
        )
    if args.warmup < 0:
        parser.error("--warmup must be >= 0")
    if args.write_every <= 0:
        parser.error("--write-every must be > 0")
    if args.mixed and args.loadgen == "wrk":
        parser.error("--mixed reads every answer: it needs --loadgen python")
    if args.mixed:
        args.loadgen = "python"  # wrk cannot check the answers it gets
    return args


def production_env() -> dict[str, str]:
    """The environment of both the server and this process (which signs in and
    counts queries with the same settings). DATABASE_URL passes through as is."""
    return {
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        # testserver: Django's test client, for the query counts.
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_LOG_LEVEL": "WARNING",
        "SAMEPAGE_BENCH_CEILING": "1",
    }


def setup_django() -> None:
    os.environ.update(production_env())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kb.settings")
    import django
    from django.core.management import call_command

    django.setup()
    # Production serves hashed, compressed static files from WhiteNoise's manifest;
    # without it every page with a stylesheet fails.
    call_command("collectstatic", interactive=False, verbosity=0)


# --- what is read, and as whom --------------------------------------------------------


def find_reader(username: str):
    from django.db import DatabaseError

    from docs_registry.models import User

    try:
        reader = User.objects.filter(username=username, is_active=True).first()
    except DatabaseError as error:
        raise BenchError(
            f"Cannot read the database ({error}): run `manage.py migrate` and "
            "`manage.py seed_bench` first."
        ) from error
    if reader is None:
        raise BenchError(
            f"No active user {username!r}: run `manage.py seed_bench` first "
            "(or name another user with --reader)."
        )
    return reader


def find_document(*, last: bool = False):
    """The first active document by ID (the last with `last`: the mixed run's)."""
    from docs_registry.models import Document

    documents = Document.objects.filter(
        status="active", current_version__isnull=False
    ).select_related("current_version")
    document = documents.order_by("-doc_id" if last else "doc_id").first()
    if document is None:
        raise BenchError("No active document: run `manage.py seed_bench` first.")
    return document


def ceiling_page(override: str | None) -> Page:
    from django.urls import NoReverseMatch, reverse

    if override:
        return Page(f"ceiling: {override}", override)
    try:
        return Page("ceiling", reverse("docs_registry:ceiling"))
    except NoReverseMatch:
        raise BenchError(
            "This version of the product has no ceiling page (URL name "
            "docs_registry:ceiling, /ceiling/, served with SAMEPAGE_BENCH_CEILING=1); "
            "give another page with --ceiling-url PATH to compare against."
        ) from None


def bench_pages(document, query: str, ceiling: Page) -> list[Page]:
    """The ceiling first, then the pages people read most."""
    from django.urls import reverse
    from django.utils import timezone

    doc_id, current = document.doc_id, document.current_version.number
    this_month = f"{timezone.localdate():%Y-%m}"

    def url(name: str, *args: object) -> str:
        return reverse(f"docs_registry:{name}", args=args)

    compare = urlencode({"from": 1, "to": current})
    a_list = report.COLD_LIST_MIN_RATIO
    return [
        ceiling,
        Page(
            "document",
            url("document", doc_id),
            shows_version=partial(mixed.version_in_html, doc_id=doc_id),
        ),
        Page("archived version v1", url("version", doc_id, 1)),
        Page("history", url("history", doc_id)),
        Page(f"compare v1→v{current}", f"{url('compare', doc_id)}?{compare}"),
        Page("browse", url("browse"), cold_min_ratio=a_list),
        Page("digest", url("digest"), cold_min_ratio=a_list),
        Page(
            "search",
            f"{url('search')}?{urlencode({'q': query})}",
            cold_min_ratio=a_list,
        ),
        Page(
            "API document",
            reverse("api:document", args=[doc_id]),
            by_token=True,
            shows_version=mixed.version_in_json,
        ),
        Page("goals", reverse("teamwork:goals")),
        Page("hand-offs", reverse("teamwork:handoffs")),
        # The month's pack: lists of changes, of who has not read them, of
        # questions, rules and reports; a list's target, as the digest's.
        Page(
            "meeting (this month)",
            reverse("teamwork:meeting", args=[this_month]),
            cold_min_ratio=a_list,
        ),
        # From the field: 500 exceptions and 5,000 field reports (seed_bench).
        Page("a customer's exceptions", reverse("field:exceptions") + "?customer=acme"),
        Page("field reports", reverse("field:reports")),
    ]


def chosen_pages(pages: list[Page], names: list[str] | None) -> list[Page]:
    """The ceiling and the pages named (all of them without names): a page's
    ratio needs the ceiling of the same run."""
    if not names:
        return pages
    known = [page.name for page in pages]
    unknown = [name for name in names if name not in known]
    if unknown:
        raise BenchError(
            f"no page named {', '.join(unknown)}; the pages are: {', '.join(known)}"
        )
    return [pages[0], *(page for page in pages[1:] if page.name in names)]


def sign_in(reader) -> Credentials:
    """A session in the database (the server accepts it: same secret key) and a
    personal API token, both the reader's. Pages are read with the cookies of a
    returning reader's browser: the session's and the CSRF token's its first
    page set (without it every page with a form would make and set a new one)."""
    from django.conf import settings
    from django.test import Client
    from django.urls import reverse

    from docs_registry.services.tokens import api_token_create

    client = Client()
    client.force_login(reader)
    client.get(reverse("docs_registry:home"))  # sets the CSRF cookie, as it would
    token, raw = api_token_create(user=reader, name="bench")
    names = (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME)
    cookies = "; ".join(f"{name}={client.cookies[name].value}" for name in names)
    return Credentials(client, cookies, raw, token)


def sign_out(credentials: Credentials, reader) -> None:
    from docs_registry.services.tokens import api_token_revoke

    credentials.client.logout()
    api_token_revoke(token=credentials.token, actor=reader)


# --- SQL queries, in this process -----------------------------------------------------


def fail_unless_ok(page: Page, status: int, body: bytes, where: str) -> None:
    if status != 200:
        shown = body[:BODY_SHOWN].decode(errors="replace")
        raise BenchError(
            f"{page.name} ({page.path}) answered {status} {where}, not 200:\n{shown}"
        )


def client_for(page: Page, credentials: Credentials):
    """A test client reading `page` as the reader, and the headers it sends."""
    from django.test import Client

    if page.by_token:
        return Client(), credentials.headers_for(page)
    return credentials.client, {}


def counted_read(client, page: Page, headers: dict) -> int:
    """The queries of one read, in this process."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(page.path, headers=headers)
    fail_unless_ok(page, response.status_code, response.content, "in process")
    return len(queries)


def first_read(
    page: Page, credentials: Credentials, watch: AbstractContextManager | None = None
) -> int:
    """The queries of a read with nothing kept (under `watch`, e.g. a profiler).
    The page is read once before the cache is emptied, so that the session's and
    the token's writes of a first visit are not counted: a returning reader's."""
    from docs_registry import caching

    client, headers = client_for(page, credentials)
    client.get(page.path, headers=headers)
    caching.empty()
    with watch or nullcontext():
        return counted_read(client, page, headers)


def count_queries(
    pages: list[Page], credentials: Credentials
) -> dict[str, tuple[int, int]]:
    """Queries per page: a first read with nothing cached, and a read again."""
    counts = {}
    for page in pages:
        first = first_read(page, credentials)
        client, headers = client_for(page, credentials)
        client.get(page.path, headers=headers)
        counts[page.name] = (first, counted_read(client, page, headers))
    return counts


# --- load, over HTTP -----------------------------------------------------------------


def check_pages(base_url: str, pages: list[Page], credentials: Credentials) -> None:
    for page in pages:
        headers = credentials.headers_for(page)
        status, body = loadgen.get_once(base_url + page.path, headers)
        fail_unless_ok(page, status, body, "over HTTP")


# How one page is loaded for `seconds`, over every base URL given (one a server).
PageLoad = Callable[[Page, list[str], float], loadgen.LoadResult]


def measure_in_rounds(
    loads: list[tuple[str, Callable[[float], loadgen.LoadResult]]],
    args: argparse.Namespace,
) -> list[list[loadgen.LoadResult]]:
    """The runs of each named load (given the seconds it runs): a warm-up run of
    each, then `repeats` rounds, each running every one once in turn, so that
    drift in the machine spreads over them alike; every other round in the
    reverse order, so that none always runs straight after the same other one
    (what a load leaves behind, the sockets it closed among them, falls on
    each alike)."""
    for name, load in loads if args.warmup else []:
        progress(f"warming up: {name}")
        load(args.warmup)
    runs: list[list[loadgen.LoadResult]] = [[] for _ in loads]
    for round_number in range(1, args.repeats + 1):
        in_turn = list(zip(runs, loads, strict=True))
        for runs_of, (name, load) in in_turn[:: 1 if round_number % 2 else -1]:
            progress(f"round {round_number}/{args.repeats}: {name}")
            runs_of.append(load(args.duration))
    return runs


def measure(
    base_urls: list[str],
    pages: list[Page],
    load: PageLoad,
    args: argparse.Namespace,
) -> dict[str, list[loadgen.LoadResult]]:
    """A warm-up run per page, then `repeats` rounds, each over every page."""
    loads = [(page.name, partial(load, page, base_urls)) for page in pages]
    runs = measure_in_rounds(loads, args)
    return {page.name: runs_of for page, runs_of in zip(pages, runs, strict=True)}


@dataclass(frozen=True)
class Memory:
    """What the servers' processes held (kB): see the module's docstring."""

    worker_peaks: list[int]
    master_peak: int | None
    worker_now: list[int]

    @classmethod
    def of(cls, masters: list[int]) -> Memory:
        peaks = [server.peak_rss_kb(pid) for pid in masters]
        return cls(
            [kb for pid in masters for kb in server.worker_peaks_kb(pid)],
            max((kb for kb in peaks if kb is not None), default=None),
            [kb for pid in masters for kb in server.worker_rss_kb(pid)],
        )

    def note(self) -> str:
        return report.format_memory(
            self.worker_peaks, self.master_peak, self.worker_now
        )


@contextmanager
def servers_running(
    env: dict[str, str],
    *,
    count: int,
    workers: int,
    threads: int,
    ready: Page,
    credentials: Credentials,
) -> Iterator[tuple[list[str], list[int]]]:
    """`count` gunicorns, answering: their base URLs and their masters' pids."""
    with ExitStack() as stack:
        base_urls, masters = [], []
        for _ in range(count):
            port = server.free_port()
            base_url = f"http://{server.HOST}:{port}"
            progress(f"starting gunicorn on {base_url} with {workers} workers")
            gunicorn = stack.enter_context(
                server.serving(
                    cwd=PROJECT_ROOT,
                    env=env,
                    port=port,
                    workers=workers,
                    threads=threads,
                    ready_url=base_url + ready.path,
                    ready_headers=credentials.headers_for(ready),
                )
            )
            base_urls.append(base_url)
            masters.append(gunicorn.pid)
        yield base_urls, masters


def page_load(
    credentials: Credentials,
    args: argparse.Namespace,
    writer: mixed.Writer | None = None,
) -> PageLoad:
    """The page loaded by the chosen generator, the connections split between the
    servers; with a `writer`, the answers of the pages that show the document's
    version are checked against what it had committed (the Python generator)."""

    def load(page: Page, base_urls: list[str], seconds: float) -> loadgen.LoadResult:
        generate = loadgen.GENERATORS[args.loadgen]
        if writer is not None and page.shows_version is not None:
            check = writer.check(page.shows_version)
            generate = partial(loadgen.run_python, check=check)
        urls = [base_url + page.path for base_url in base_urls]
        headers = credentials.headers_for(page)
        return loadgen.split_load(generate, urls, headers, args.connections, seconds)

    return load


def server_env(args: argparse.Namespace, cache_url: str | None = None) -> dict:
    """The server's environment: this process's, and the cache asked for."""
    env = dict(os.environ)
    if args.cold:
        cache_url = "dummy://"
    if cache_url:
        env["SAMEPAGE_CACHE_URL"] = cache_url
    return env


def cache_url_of(env: dict[str, str]) -> str:
    """The cache a server with `env` uses (as kb/settings.py reads it)."""
    return env.get("SAMEPAGE_CACHE_URL") or env.get("CACHE_URL") or "locmem://"


def serve_and_measure(
    pages: list[Page],
    credentials: Credentials,
    args: argparse.Namespace,
    *,
    env: dict[str, str],
    load: PageLoad,
) -> tuple[dict[str, list[loadgen.LoadResult]], Memory]:
    """The runs of every page, and the servers' memory after them."""
    with servers_running(
        env,
        count=1,
        workers=args.workers,
        threads=args.threads,
        ready=pages[0],
        credentials=credentials,
    ) as (base_urls, masters):
        for base_url in base_urls:
            check_pages(base_url, pages, credentials)
        runs = measure(base_urls, pages, load, args)
        return runs, Memory.of(masters)


def progress(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


# --- the report -------------------------------------------------------------------


def parse_meminfo_total_kb(meminfo_text: str) -> int | None:
    """`MemTotal:  24684092 kB` from /proc/meminfo."""
    for line in meminfo_text.splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1])
    return None


def parse_cpu_model(cpuinfo_text: str) -> str | None:
    for line in cpuinfo_text.splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return None


def _read(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""


def machine_note() -> str:
    import django

    total_kb = parse_meminfo_total_kb(_read("/proc/meminfo"))
    ram = "RAM unknown" if total_kb is None else f"{total_kb / 2**20:.1f} GB RAM"
    model = parse_cpu_model(_read("/proc/cpuinfo")) or platform.machine()
    return (
        f"- Machine: {os.cpu_count()} CPUs ({model}), {ram}; "
        f"Python {platform.python_version()}, Django {django.get_version()}"
    )


def database_note() -> str:
    from django.db import connection

    from docs_registry.models import Acknowledgment, Document, User, Version

    version = ".".join(str(part) for part in connection.get_database_version())
    sizes = ", ".join(
        f"{model.objects.count():,} {label}"
        for model, label in (
            (Document, "documents"),
            (Version, "versions"),
            (User, "users"),
            (Acknowledgment, "acknowledgments"),
        )
    )
    return f"- Database: {connection.display_name} {version}; {sizes}"


def cache_note(url: str) -> str:
    """The cache, named without any password its URL holds."""
    from urllib.parse import urlsplit

    scheme = url.partition("://")[0].lower()
    if scheme == "dummy":
        return "- Cache: none (dummy://): every request works its page out"
    if scheme in {"redis", "rediss"}:
        parts = urlsplit(url)
        where = f"{parts.hostname}:{parts.port or 6379}{parts.path or '/0'}"
        return f"- Cache: Redis at {where}, shared by every worker"
    return "- Cache: each worker's own memory (LocMem)"


def redis_notes(url: str) -> list[str]:
    """Redis's memory and keys after a run, when Redis is the cache."""
    if url.partition("://")[0].lower() not in {"redis", "rediss"}:
        return []
    try:
        return [report.format_redis(*server.redis_memory(url))]
    except server.ServerError as error:
        return [f"- Redis after the run: not measured ({error})"]


def conditions_notes(
    args: argparse.Namespace, document, reader, workers: int | str | None = None
) -> list[str]:
    import gunicorn

    worker_class = "gthread" if args.threads > 1 else "sync"
    generator = {
        "wrk": "wrk",
        "python": "Python (http.client, a thread per connection)",
    }[args.loadgen]
    return [
        f"- Load generator: {generator}; {args.connections} connections, "
        f"{args.duration:g} s × {args.repeats} runs per page (medians shown), "
        f"{args.warmup:g} s warm-up",
        f"- Server: gunicorn {gunicorn.__version__}, {workers or args.workers} "
        f"{worker_class} "
        f"workers × {args.threads} thread(s), DEBUG off, plain HTTP on loopback",
        f"- Read as {reader.username}, with the session and CSRF cookies of a "
        f"returning reader's browser; document {document.doc_id} "
        f"(v{document.current_version.number}); search for “{args.query}”; "
        "the API with a personal token, no cookie",
        database_note(),
        machine_note(),
    ]


def target_ratio(page: Page, args: argparse.Namespace) -> float:
    if args.cold:
        return page.cold_min_ratio
    return report.MIXED_MIN_RATIO if args.mixed else report.MIN_RATIO


def build_report(
    pages: list[Page],
    runs: dict[str, list[loadgen.LoadResult]],
    queries: dict[str, tuple[int, int]],
    notes: list[str],
    args: argparse.Namespace,
) -> str:
    rows = [
        report.PageResult(
            page.name,
            report.median_result(runs[page.name]),
            queries.get(page.name),
            min_ratio=target_ratio(page, args),
            checked=args.mixed and page.shows_version is not None,
        )
        for page in pages
    ]
    return report.format_report(rows, notes)


def writer_note(writer: mixed.Writer, document, args: argparse.Namespace) -> str:
    return (
        f"- Writer: a process of its own published {document.doc_id} through "
        f"document_publish, as its owner, every {args.write_every:g} s: "
        f"{writer.summary()}. Every answer of the pages marked in the last column "
        "was checked to show at least the version committed before it was asked for"
    )


# --- the whole run -------------------------------------------------------------------


def run(args: argparse.Namespace) -> str:
    args.loadgen = loadgen.choose(args.loadgen)
    setup_django()
    from django.db import connections

    reader = find_reader(args.reader)
    if args.topology:
        from bench import topology

        return topology.run(args, reader)
    document = find_document(last=args.mixed)
    pages = chosen_pages(
        bench_pages(document, args.query, ceiling_page(args.ceiling_url)), args.pages
    )
    env = server_env(args)
    notes = [cache_note(cache_url_of(env)), *conditions_notes(args, document, reader)]
    credentials = sign_in(reader)
    writer = None
    try:
        queries = count_queries(pages, credentials)
        # Hold no connection (nor SQLite lock) while the server is under load.
        connections.close_all()
        writing = mixed.writing(document, args.write_every) if args.mixed else None
        with writing or nullcontext() as writer:
            load = page_load(credentials, args, writer)
            runs, memory = serve_and_measure(
                pages, credentials, args, env=env, load=load
            )
    finally:
        sign_out(credentials, reader)
    notes = [memory.note(), *redis_notes(cache_url_of(env)), *notes]
    if writer is not None:
        notes.append(writer_note(writer, document, args))
    return build_report(pages, runs, queries, notes, args)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        text = run(args)
    except KeyboardInterrupt:
        print("bench: interrupted; gunicorn stopped", file=sys.stderr)
        return 130
    except (
        BenchError,
        loadgen.LoadError,
        server.ServerError,
        mixed.WriterError,
    ) as error:
        print(f"bench: error: {error}", file=sys.stderr)
        return 1
    print(text, end="")
    if args.output:
        args.output.write_text(text)
    return 0


if __name__ == "__main__":
    # Run as the module bench.run, not as __main__: bench/topology.py imports it,
    # and there must be one copy of its classes (BenchError above all).
    from bench import run as bench_run

    sys.exit(bench_run.main())
