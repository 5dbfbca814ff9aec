"""Load generators: wrk when it is installed, else a small one in Python.

Both keep `connections` connections busy for `duration_s` seconds, one GET after
another, and report requests per second and the 50th and 99th latency percentiles.
The Python one can also check every answer's body (`ResponseCheck`), which wrk
cannot: the mixed run counts stale pages with it.
"""

from __future__ import annotations

import http.client
import math
import re
import shutil
import statistics
import subprocess
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from urllib.parse import urlsplit

WRK_THREADS = 2
# wrk's default (2 s) would drop slow responses from the latencies instead of
# counting them: a slow page must show as slow.
WRK_TIMEOUT = "30s"
PYTHON_TIMEOUT_S = 30.0

WRK_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


class LoadError(RuntimeError):
    """The load generator could not run or its output could not be read."""


@dataclass(frozen=True)
class LoadResult:
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    requests: int
    # Responses other than 2xx/3xx, and connections that failed (wrk counts both).
    failures: int = 0
    # Successful answers that failed the run's ResponseCheck (a stale page).
    stale: int = 0


LoadGenerator = Callable[[str, dict[str, str], int, float], LoadResult]
# Called just before each request is sent; what it returns is then given the body
# of a successful answer and says whether the answer holds (is fresh enough).
ResponseCheck = Callable[[], Callable[[bytes], bool]]


# --- pure helpers ---------------------------------------------------------------


def percentile(sorted_values: Sequence[float], percent: float) -> float:
    """The nearest-rank percentile of already sorted values: the smallest value
    that at least `percent` % of the values are less than or equal to."""
    if not sorted_values:
        raise ValueError("no values")
    if not 0 < percent <= 100:
        raise ValueError(f"percent must be in (0, 100], not {percent}")
    rank = math.ceil(percent * len(sorted_values) / 100)  # exact for whole percents
    return sorted_values[rank - 1]


def parse_wrk_time_ms(text: str) -> float:
    """wrk's time, e.g. `812.00us`, `1.23ms`, `2.01s`, in milliseconds."""
    match = re.fullmatch(r"\s*([0-9]+(?:\.[0-9]+)?)(us|ms|s|m|h)\s*", text)
    if match is None:
        raise LoadError(f"not a wrk time: {text!r}")
    number, unit = match.groups()
    return float(number) * WRK_UNITS_MS[unit]


def _wrk_failures(text: str) -> int:
    non_2xx_3xx = re.search(r"Non-2xx or 3xx responses:\s*(\d+)", text)
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text
    )
    counts = [non_2xx_3xx.group(1)] if non_2xx_3xx else []
    counts += socket_errors.groups() if socket_errors else []
    return sum(int(count) for count in counts)


def parse_wrk_output(text: str) -> LoadResult:
    """Requests/sec, the 50% and 99% latency lines (needs `--latency`), the
    request count and the failures from wrk's report."""
    rate = re.search(r"^Requests/sec:\s*([0-9.]+)", text, re.MULTILINE)
    p50 = re.search(r"^\s*50(?:\.0+)?%\s+(\S+)", text, re.MULTILINE)
    p99 = re.search(r"^\s*99(?:\.0+)?%\s+(\S+)", text, re.MULTILINE)
    count = re.search(r"^\s*(\d+) requests in ", text, re.MULTILINE)
    if not (rate and p50 and p99 and count):
        raise LoadError(f"cannot read wrk's output (was --latency given?):\n{text}")
    return LoadResult(
        requests_per_s=float(rate.group(1)),
        p50_ms=parse_wrk_time_ms(p50.group(1)),
        p99_ms=parse_wrk_time_ms(p99.group(1)),
        requests=int(count.group(1)),
        failures=_wrk_failures(text),
    )


def wrk_command(
    url: str,
    headers: dict[str, str],
    connections: int,
    duration_s: float,
    threads: int = WRK_THREADS,
) -> list[str]:
    """The wrk command line, with wrk found on PATH."""
    executable = shutil.which("wrk")
    if executable is None:
        raise LoadError("wrk is not installed (apt-get install -y wrk)")
    command = [
        executable,
        f"-t{min(threads, connections)}",
        f"-c{connections}",
        f"-d{max(1, math.ceil(duration_s))}s",  # wrk takes whole seconds only
        f"--timeout={WRK_TIMEOUT}",
        "--latency",
    ]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    return [*command, url]


# --- the generators ---------------------------------------------------------------


def get_once(url: str, headers: dict[str, str]) -> tuple[int, bytes]:
    """One GET on a fresh connection: the status and the body. Raises OSError when
    nothing answers."""
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    connection = http.client.HTTPConnection(
        parts.hostname, parts.port, timeout=PYTHON_TIMEOUT_S
    )
    try:
        connection.request("GET", target, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def run_wrk(
    url: str,
    headers: dict[str, str],
    connections: int,
    duration_s: float,
    threads: int = WRK_THREADS,
) -> LoadResult:
    command = wrk_command(url, headers, connections, duration_s, threads)
    # A fixed argument list of our own, no shell: nothing here is untrusted input.
    finished = subprocess.run(  # noqa: S603
        command,
        capture_output=True,
        text=True,
        check=False,
        timeout=duration_s + 60,
    )
    if finished.returncode != 0:
        raise LoadError(
            f"wrk failed ({finished.returncode}): {finished.stderr or finished.stdout}"
        )
    return parse_wrk_output(finished.stdout)


@dataclass
class _ConnectionLog:
    latencies_ms: list[float] = field(default_factory=list)
    failures: int = 0
    stale: int = 0


def _keep_busy(
    url: str,
    headers: dict[str, str],
    deadline: float,
    log: _ConnectionLog,
    check: ResponseCheck | None = None,
) -> None:
    """GET `url` on one keep-alive connection until the deadline. A connection the
    server closes (gunicorn's sync workers close after every response) is opened
    again by http.client on the next request; the latency includes that connect.
    With a `check`, every successful answer's body is checked once it is timed."""
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    connection = http.client.HTTPConnection(
        parts.hostname, parts.port, timeout=PYTHON_TIMEOUT_S
    )
    try:
        # Each connection asks once at least: on a loaded machine a thread may
        # first run after the deadline (a warm-up of 0.1 s once timed nothing).
        first = True
        while first or time.perf_counter() < deadline:
            first = False
            holds = check() if check else None
            started = time.perf_counter()
            try:
                connection.request("GET", target, headers=headers)
                response = connection.getresponse()
                body = response.read()
            except (OSError, http.client.HTTPException):
                log.failures += 1
                connection.close()
                continue
            log.latencies_ms.append((time.perf_counter() - started) * 1000)
            if not 200 <= response.status < 400:
                log.failures += 1
            elif holds is not None and not holds(body):
                log.stale += 1
    finally:
        connection.close()


def run_python(
    url: str,
    headers: dict[str, str],
    connections: int,
    duration_s: float,
    check: ResponseCheck | None = None,
) -> LoadResult:
    """One thread per connection; every latency is kept, so the percentiles are
    exact. The threads share one interpreter (and the machine with the server), so
    this generator saturates sooner than wrk: compare pages within one run."""
    logs = [_ConnectionLog() for _ in range(connections)]
    started = time.perf_counter()
    deadline = started + duration_s
    threads = [
        threading.Thread(
            target=_keep_busy, args=(url, headers, deadline, log, check), daemon=True
        )
        for log in logs
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    latencies = sorted(ms for log in logs for ms in log.latencies_ms)
    if not latencies:
        raise LoadError(f"no request to {url} succeeded in {duration_s:g} s")
    return LoadResult(
        requests_per_s=len(latencies) / elapsed,
        p50_ms=percentile(latencies, 50),
        p99_ms=percentile(latencies, 99),
        requests=len(latencies),
        failures=sum(log.failures for log in logs),
        stale=sum(log.stale for log in logs),
    )


def split_load(
    generate: LoadGenerator,
    urls: Sequence[str],
    headers: dict[str, str],
    connections: int,
    duration_s: float,
) -> LoadResult:
    """`connections` spread over several servers (one URL each, the same page), all
    loaded at once by one generator each: the requests per second add up; p50 is
    the mean of theirs and p99 the worst of theirs (wrk reports no raw latencies
    to merge), so a split run's p99 is never flattered."""
    shares = [
        connections // len(urls) + (i < connections % len(urls))
        for i in range(len(urls))
    ]
    if 0 in shares:
        raise LoadError(f"{connections} connections cannot load {len(urls)} servers")
    results: list[LoadResult | BaseException] = [None] * len(urls)  # type: ignore[list-item]
    if generate is run_wrk:
        # As many of wrk's threads in all as loading one server takes: they share
        # the machine's cores with the servers, and twice as many would leave
        # the servers less of them than one server gets.
        generate = partial(run_wrk, threads=max(1, WRK_THREADS // len(urls)))

    def load(index: int) -> None:
        try:
            results[index] = generate(urls[index], headers, shares[index], duration_s)
        except BaseException as error:  # noqa: BLE001 -- raised below, in our thread
            results[index] = error

    threads = [threading.Thread(target=load, args=(i,)) for i in range(len(urls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for outcome in results:
        if isinstance(outcome, BaseException):
            raise outcome
    return LoadResult(
        requests_per_s=sum(r.requests_per_s for r in results),
        p50_ms=statistics.mean(r.p50_ms for r in results),
        p99_ms=max(r.p99_ms for r in results),
        requests=sum(r.requests for r in results),
        failures=sum(r.failures for r in results),
        stale=sum(r.stale for r in results),
    )


GENERATORS: dict[str, LoadGenerator] = {"wrk": run_wrk, "python": run_python}


def choose(name: str) -> str:
    """`auto` is wrk when it is on PATH, else the Python generator."""
    if name == "auto":
        return "wrk" if shutil.which("wrk") else "python"
    if name == "wrk" and not shutil.which("wrk"):
        raise LoadError("--loadgen wrk, but wrk is not installed (apt-get install wrk)")
    return name
