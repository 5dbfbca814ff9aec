"""The benchmark driver's parsing, arithmetic, report and Python load generator."""

import re
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bench import loadgen, report, run, server
from bench.loadgen import LoadError, LoadResult
from bench.report import MISS, PageResult
from kb.settings import env_bool, env_list

# Real wrk 4.1.0 output (`--latency`), with both kinds of failure lines; wrk prints
# "Socket errors" and "Non-2xx or 3xx responses" only when they are not zero.
WRK_OUTPUT = """\
Running 5s test @ http://127.0.0.1:8000/docs/KB-0001/
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     5.21ms    2.10ms    1.62s    98.75%
    Req/Sec   780.12     60.33     0.90k    70.00%
  Latency Distribution
     50%    4.85ms
     75%    6.01ms
     90%    7.52ms
     99%    1.50s
  7812 requests in 5.01s, 41.23MB read
  Socket errors: connect 0, read 3, write 1, timeout 2
  Non-2xx or 3xx responses: 4
Requests/sec:   1559.28
Transfer/sec:      8.23MB
"""

LATENCY_DISTRIBUTION = ("Latency Distribution", "50%", "75%", "90%", "99%")


def without(text: str, *fragments: str) -> str:
    return "".join(
        line
        for line in text.splitlines(keepends=True)
        if not any(fragment in line for fragment in fragments)
    )


def result(rps: float, p50: float = 1.0, p99: float = 5.0, **kwargs) -> LoadResult:
    return LoadResult(rps, p50_ms=p50, p99_ms=p99, requests=100, **kwargs)


def cells(table: str) -> list[tuple[str, ...]]:
    """The table's body rows (after the header and the rule), cell by cell."""
    lines = table.splitlines()[2:]
    return [tuple(c.strip() for c in line.strip("| ").split(" | ")) for line in lines]


@pytest.fixture
def wrk_on_path(monkeypatch):
    monkeypatch.setattr(
        loadgen.shutil, "which", lambda name: "/usr/bin/wrk" if name == "wrk" else None
    )


@pytest.fixture
def no_wrk(monkeypatch):
    monkeypatch.setattr(loadgen.shutil, "which", lambda name: None)


# --- loadgen.percentile ------------------------------------------------------------


@pytest.mark.parametrize(
    ("percent", "expected"),
    [(1, 10), (25, 10), (26, 20), (50, 20), (75, 30), (76, 40), (99, 40), (100, 40)],
)
def test_percentile_is_the_nearest_rank(percent, expected):
    assert loadgen.percentile([10, 20, 30, 40], percent) == expected


def test_percentile_p50_and_p99_of_a_thousand():
    values = list(range(1, 1001))
    assert loadgen.percentile(values, 50) == 500
    assert loadgen.percentile(values, 99) == 990


def test_percentile_of_one_value_is_that_value():
    assert loadgen.percentile([7.5], 50) == 7.5
    assert loadgen.percentile([7.5], 99) == 7.5


def test_percentile_of_1_to_100_is_the_percent_itself():
    values = list(range(1, 101))
    assert [loadgen.percentile(values, p) for p in range(1, 101)] == values


def test_percentile_of_nothing_raises():
    with pytest.raises(ValueError, match="no values"):
        loadgen.percentile([], 50)


@pytest.mark.parametrize("percent", [0, -1, 100.5, 101])
def test_percentile_outside_0_to_100_raises(percent):
    with pytest.raises(ValueError, match="percent must be in"):
        loadgen.percentile([1, 2, 3], percent)


# --- loadgen.parse_wrk_time_ms ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "ms"),
    [
        ("812.00us", 0.812),
        ("1.23ms", 1.23),
        ("2.01s", 2010.0),
        ("1.50m", 90_000.0),
        ("2.00h", 7_200_000.0),
        ("  4.85ms ", 4.85),
        ("3ms", 3.0),
    ],
)
def test_wrk_time_in_every_unit_is_read_as_ms(text, ms):
    assert loadgen.parse_wrk_time_ms(text) == pytest.approx(ms, rel=1e-12)


@pytest.mark.parametrize("text", ["12ns", "12", "ms", "", "1.2 ms", "-1ms", "1.2d"])
def test_wrk_time_without_a_known_unit_raises(text):
    with pytest.raises(LoadError, match="not a wrk time"):
        loadgen.parse_wrk_time_ms(text)


def test_wrk_time_with_a_malformed_number_raises_load_error():
    with pytest.raises(LoadError):
        loadgen.parse_wrk_time_ms("1.2.3ms")


# --- loadgen.parse_wrk_output -------------------------------------------------------


def test_wrk_output_gives_rate_percentiles_count_and_failures():
    assert loadgen.parse_wrk_output(WRK_OUTPUT) == LoadResult(
        requests_per_s=1559.28,
        p50_ms=4.85,
        p99_ms=1500.0,
        requests=7812,
        # 4 non-2xx/3xx answers + socket errors: 0 connect, 3 read, 1 write, 2 timeout.
        failures=10,
    )


def test_wrk_output_without_failure_lines_has_no_failures():
    clean = without(WRK_OUTPUT, "Socket errors", "Non-2xx")
    assert loadgen.parse_wrk_output(clean).failures == 0


def test_wrk_non_2xx_alone_counts_as_failures():
    only_status = without(WRK_OUTPUT, "Socket errors")
    assert loadgen.parse_wrk_output(only_status).failures == 4


def test_wrk_socket_errors_alone_count_as_failures():
    only_socket = without(WRK_OUTPUT, "Non-2xx")
    assert loadgen.parse_wrk_output(only_socket).failures == 6


def test_wrk_thread_stats_latency_is_not_taken_for_a_percentile():
    # The Thread Stats line's "Latency 5.21ms" is the mean, not the median.
    assert loadgen.parse_wrk_output(WRK_OUTPUT).p50_ms == 4.85


@pytest.mark.parametrize(
    "missing",
    [("Requests/sec",), ("requests in",), ("99%",), ("50%",), LATENCY_DISTRIBUTION],
    ids=["rate", "count", "p99", "p50", "no --latency"],
)
def test_wrk_output_missing_a_figure_raises(missing):
    with pytest.raises(LoadError, match="cannot read wrk's output"):
        loadgen.parse_wrk_output(without(WRK_OUTPUT, *missing))


def test_wrk_empty_output_raises():
    with pytest.raises(LoadError):
        loadgen.parse_wrk_output("")


# --- loadgen.wrk_command and choose ---------------------------------------------------


def test_wrk_command_keeps_slow_answers_and_asks_for_latencies(wrk_on_path):
    headers = {"Cookie": "sessionid=abc", "X-Extra": "1"}
    assert loadgen.wrk_command("http://127.0.0.1:9/d/", headers, 8, 5.0) == [
        "/usr/bin/wrk",
        "-t2",
        "-c8",
        "-d5s",
        "--timeout=30s",
        "--latency",
        "-H",
        "Cookie: sessionid=abc",
        "-H",
        "X-Extra: 1",
        "http://127.0.0.1:9/d/",
    ]


def test_wrk_command_has_no_more_threads_than_connections(wrk_on_path):
    command = loadgen.wrk_command("http://127.0.0.1:9/", {}, 1, 1.0)
    assert command[1:4] == ["-t1", "-c1", "-d1s"]


def test_wrk_command_duration_is_whole_seconds(wrk_on_path):
    command = loadgen.wrk_command("http://127.0.0.1:9/", {}, 8, 2.5)
    assert re.fullmatch(r"-d[1-9][0-9]*s", command[3])


def test_wrk_command_without_wrk_raises(no_wrk):
    with pytest.raises(LoadError, match="wrk is not installed"):
        loadgen.wrk_command("http://127.0.0.1:9/", {}, 8, 5.0)


def test_choose_auto_is_wrk_when_installed(wrk_on_path):
    assert loadgen.choose("auto") == "wrk"


def test_choose_auto_is_python_without_wrk(no_wrk):
    assert loadgen.choose("auto") == "python"
    assert loadgen.choose("python") == "python"


def test_choose_wrk_without_wrk_raises(no_wrk):
    with pytest.raises(LoadError, match="wrk is not installed"):
        loadgen.choose("wrk")


# --- loadgen.run_python, against a real HTTP server -----------------------------------


@contextmanager
def answering(status: int) -> Iterator[tuple[str, list[str]]]:
    """An HTTP/1.1 keep-alive server on loopback answering every GET with `status`;
    yields its URL and the Cookie header of every request it received."""
    cookies: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):
            cookies.append(self.headers.get("Cookie", ""))
            body = b"answer"
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/page?q=1", cookies
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def test_python_generator_measures_a_real_server():
    with answering(200) as (url, cookies):
        measured = loadgen.run_python(url, {"Cookie": "sessionid=abc"}, 2, 0.5)
    assert measured.requests > 0
    assert measured.failures == 0
    assert 0 < measured.p50_ms <= measured.p99_ms
    # Over at least the 0.5 s asked for, and (on loopback) well under 2 s.
    assert measured.requests / 2.0 < measured.requests_per_s <= measured.requests / 0.5
    assert len(cookies) == measured.requests
    assert set(cookies) == {"sessionid=abc"}


def test_python_generator_counts_error_answers_as_failures():
    with answering(500) as (url, _):
        measured = loadgen.run_python(url, {}, 2, 0.5)
    assert measured.requests > 0
    assert measured.failures == measured.requests


def test_python_generator_with_nothing_listening_raises():
    url = f"http://127.0.0.1:{server.free_port()}/"
    with pytest.raises(LoadError, match="no request to .* succeeded"):
        loadgen.run_python(url, {}, 1, 0.2)


def test_get_once_returns_status_and_body():
    with answering(404) as (url, _):
        assert loadgen.get_once(url, {}) == (404, b"answer")


# --- report.median_result -----------------------------------------------------------


def test_median_result_takes_medians_and_adds_counts():
    runs = [
        LoadResult(100.0, 1.0, 10.0, requests=1000, failures=2),
        LoadResult(300.0, 3.0, 30.0, requests=3000, failures=1),
        LoadResult(200.0, 2.0, 90.0, requests=2000, failures=0),
    ]
    assert report.median_result(runs) == LoadResult(
        requests_per_s=200.0, p50_ms=2.0, p99_ms=30.0, requests=6000, failures=3
    )


def test_median_result_of_two_runs_is_their_mean():
    runs = [LoadResult(100.0, 1.0, 10.0, 10), LoadResult(200.0, 2.0, 20.0, 20)]
    assert report.median_result(runs) == LoadResult(150.0, 1.5, 15.0, 30, 0)


def test_median_result_of_no_runs_raises():
    with pytest.raises(ValueError, match="no runs"):
        report.median_result([])


# --- report targets and table -------------------------------------------------------


@pytest.mark.parametrize(
    ("ratio", "missed"), [(0.0, True), (0.499, True), (0.5, False), (1.0, False)]
)
def test_ratio_under_half_misses(ratio, missed):
    assert report.misses_ratio(ratio) is missed


@pytest.mark.parametrize(
    ("p99", "missed"), [(1.0, False), (99.99, False), (100.0, True), (250.0, True)]
)
def test_p99_of_100_ms_or_more_misses(p99, missed):
    assert report.misses_p99(p99) is missed


def test_table_has_ceiling_first_at_ratio_one_and_marks_misses():
    rows = [
        PageResult("ceiling", result(2000.0, 1.0, 3.0), queries=(2, 2)),
        PageResult("document", result(1200.0, 4.0, 40.0), queries=(7, 3)),
        PageResult("digest", result(900.0, 8.0, 60.0), queries=(12, 3)),
        PageResult("search", result(1500.0, 30.0, 120.0)),
    ]
    assert cells(report.format_table(rows)) == [
        ("ceiling", "2,000", "1.00", "1.0", "3.0", "2 / 2"),
        ("document", "1,200", "0.60", "4.0", "40.0", "7 / 3"),
        ("digest", "900", f"0.45 {MISS}", "8.0", "60.0", "12 / 3"),
        ("search", "1,500", "0.75", "30.0", f"120.0 {MISS}", "–"),
    ]


def test_table_marks_at_the_targets_exact_boundaries():
    rows = [
        PageResult("ceiling", result(2000.0)),
        PageResult("half", result(1000.0, p99=99.9)),
        PageResult("p99 100", result(1999.0, p99=100.0)),
    ]
    assert [(row[2], row[4]) for row in cells(report.format_table(rows))] == [
        ("1.00", "5.0"),
        ("0.50", "99.9"),
        ("1.00", f"100.0 {MISS}"),
    ]


def test_table_is_markdown_lined_up_with_numbers_right_aligned():
    rows = [
        PageResult("ceiling", result(2000.0, 1.0, 3.0), queries=(2, 2)),
        PageResult("digest", result(900.0, 8.0, 60.0), queries=(12, 3)),
    ]
    assert report.format_table(rows) == "\n".join(
        [
            "| Page    | req/s | ratio to ceiling | p50 ms | p99 ms "
            "| SQL queries: first / again |",
            "| ------- | ----: | ---------------: | -----: | -----: "
            "| -------------------------: |",
            "| ceiling | 2,000 |             1.00 |    1.0 |    3.0 "
            "|                      2 / 2 |",
            "| digest  |   900 |           0.45 ⚠ |    8.0 |   60.0 "
            "|                     12 / 3 |",
        ]
    )


def test_failures_get_a_warning_line_per_page():
    rows = [
        PageResult("ceiling", result(2000.0)),
        PageResult("digest", result(900.0, failures=3)),
    ]
    assert report.format_failures(rows) == [
        f"- {MISS} digest: 3 of 100 requests failed "
        "(non-2xx/3xx answers or connection errors)"
    ]


# --- report.format_memory -----------------------------------------------------------


def test_memory_over_150_mb_is_marked_with_each_worker_and_master():
    assert report.format_memory([102_400, 204_800], 51_200) == (
        f"- Worker peak memory (VmHWM): max 200.0 MB {MISS} (target < 150 MB); "
        "each worker 100.0, 200.0 MB; master 50.0 MB"
    )


def test_memory_under_150_mb_is_not_marked():
    assert report.format_memory([153_599], None) == (
        "- Worker peak memory (VmHWM): max 150.0 MB (target < 150 MB); "
        "each worker 150.0 MB"
    )


def test_memory_of_exactly_150_mb_is_marked():
    assert f"max 150.0 MB {MISS}" in report.format_memory([153_600], None)


def test_memory_without_workers_says_not_measured():
    assert report.format_memory([], 51_200) == (
        "- Worker peak memory: not measured (no gunicorn worker found)"
    )


# --- server: /proc parsing and the gunicorn command ---------------------------------

PROC_STATUS = """\
Name:\tgunicorn
Umask:\t0022
State:\tS (sleeping)
Pid:\t4242
PPid:\t4200
VmPeak:\t  310284 kB
VmSize:\t  244748 kB
VmHWM:\t   98764 kB
VmRSS:\t   91230 kB
Threads:\t1
"""


def test_vmhwm_is_the_peak_not_the_current_rss():
    assert server.parse_vmhwm_kb(PROC_STATUS) == 98764


def test_vmhwm_missing_is_none():
    # Kernel threads have no Vm* lines.
    assert server.parse_vmhwm_kb(without(PROC_STATUS, "VmHWM")) is None


def test_ppid_follows_the_process_name():
    stat = "4242 (gunicorn) S 4200 4200 4200 0 -1 4194560 1939 0 0 0 12 3 0 0 20 0 1"
    assert server.parse_ppid(stat) == 4200


def test_ppid_of_a_name_with_spaces_and_parentheses():
    stat = "4243 (gunicorn: worker (kb) ) S 9 (x)) S 4200 4243 4200 0 -1 4194560"
    assert server.parse_ppid(stat) == 4200


@pytest.mark.parametrize(("threads", "worker_class"), [(1, "sync"), (4, "gthread")])
def test_gunicorn_threads_choose_the_worker_class(threads, worker_class):
    assert server.gunicorn_command(8123, 5, threads) == [
        sys.executable,
        "-m",
        "gunicorn",
        "kb.wsgi",
        "--bind=127.0.0.1:8123",
        "--workers=5",
        f"--threads={threads}",
        f"--worker-class={worker_class}",
        "--log-level=warning",
    ]


# --- run: machine notes and the production environment --------------------------------


def test_meminfo_total_is_read_in_kb():
    meminfo = "MemTotal:       24684092 kB\nMemFree:         1234567 kB\n"
    assert run.parse_meminfo_total_kb(meminfo) == 24684092


def test_meminfo_without_total_is_none():
    assert run.parse_meminfo_total_kb("MemFree:  1234567 kB\n") is None


def test_cpu_model_is_the_model_name_not_the_model_number():
    xeon = "Intel(R) Xeon(R) Platinum 8259CL CPU @ 2.50GHz"
    cpuinfo = (
        "processor\t: 0\nvendor_id\t: GenuineIntel\ncpu family\t: 6\n"
        f"model\t\t: 85\nmodel name\t: {xeon}\nprocessor\t: 1\nmodel name\t: {xeon}\n"
    )
    assert run.parse_cpu_model(cpuinfo) == xeon


def test_cpu_model_missing_is_none():
    # aarch64 kernels list "CPU implementer" and the like, no model name.
    assert run.parse_cpu_model("processor\t: 0\nBogoMIPS\t: 50.00\n") is None


def test_production_env_is_exact_apart_from_the_secret_key():
    env = run.production_env()
    del env["DJANGO_SECRET_KEY"]
    assert env == {
        "DJANGO_DEBUG": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_LOG_LEVEL": "WARNING",
        "SAMEPAGE_BENCH_CEILING": "1",
    }


def test_production_env_reads_as_production_in_the_settings(monkeypatch):
    for name, value in run.production_env().items():
        monkeypatch.setenv(name, value)
    assert env_bool("DJANGO_DEBUG") is False
    assert env_bool("DJANGO_SECURE_SSL_REDIRECT", True) is False
    assert env_bool("SAMEPAGE_BENCH_CEILING") is True
    assert env_list("DJANGO_ALLOWED_HOSTS") == ["127.0.0.1", "localhost", "testserver"]


def test_production_env_has_a_new_long_secret_key_each_run():
    first, second = (run.production_env()["DJANGO_SECRET_KEY"] for _ in range(2))
    assert len(first) >= 50
    assert first != second
