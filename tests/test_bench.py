"""The benchmark driver's parsing, arithmetic, report and Python load generator."""

import argparse
import os
import re
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from bench import cold_profiles, loadgen, mixed, report, run, server
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
def answering(status: int, body: bytes = b"answer") -> Iterator[tuple[str, list[str]]]:
    """An HTTP/1.1 keep-alive server on loopback answering every GET with `status`
    and `body`; yields its URL and the Cookie header of every request it received."""
    cookies: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):
            cookies.append(self.headers.get("Cookie", ""))
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


def test_each_connection_asks_once_even_when_it_first_runs_after_the_deadline():
    log = loadgen._ConnectionLog()
    with answering(200) as (url, cookies):
        loadgen._keep_busy(url, {}, time.perf_counter() - 1, log)
    assert len(log.latencies_ms) == len(cookies) == 1


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
    ("ratio", "missed"), [(0.0, True), (0.599, True), (0.6, False), (1.0, False)]
)
def test_ratio_under_the_warm_target_misses(ratio, missed):
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
        PageResult("at the target", result(1200.0, p99=99.9)),
        PageResult("p99 100", result(1999.0, p99=100.0)),
    ]
    assert [(row[2], row[4]) for row in cells(report.format_table(rows))] == [
        ("1.00", "5.0"),
        ("0.60", "99.9"),
        ("1.00", f"100.0 {MISS}"),
    ]


def test_table_without_a_ceiling_answer_gives_no_ratio():
    rows = [PageResult("ceiling", result(0.0)), PageResult("document", result(9.0))]
    assert [row[2] for row in cells(report.format_table(rows))] == [
        f"– {MISS}",
        f"– {MISS}",
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


# --- parsing: current memory --------------------------------------------------------


def test_vmrss_is_the_current_resident_size():
    assert server.parse_vmrss_kb(PROC_STATUS) == 91230


def test_vmrss_missing_is_none():
    assert server.parse_vmrss_kb(without(PROC_STATUS, "VmRSS")) is None


def test_memory_line_adds_each_workers_size_after_the_run():
    assert report.format_memory([102_400], None, [51_200]) == (
        "- Worker peak memory (VmHWM): max 100.0 MB (target < 150 MB); "
        "each worker 100.0 MB; after the run (VmRSS) 50.0 MB"
    )


def test_redis_line_names_its_memory_keys_and_database():
    assert report.format_redis("1.25M", 1234, 9) == (
        "- Redis after the run: used_memory 1.25M (the whole server), "
        "1,234 keys in db 9"
    )


# --- the mixed run: what an answer shows, and the stale check ---------------------


class Shared:
    """Stands for a multiprocessing Value: `.value`, read and set."""

    def __init__(self, value: int):
        self.value = value


def test_html_version_is_the_highest_citation_of_that_document():
    page = (
        b"<title>PRC-0001 v23 Prices</title> since you acknowledged v21 "
        b"<code>PRC-0001 v23</code> see PRC-0001 v4 and SUP-0012 v99 PRC-00010 v80"
    )
    assert mixed.version_in_html(page, "PRC-0001") == 23


def test_html_without_a_citation_shows_no_version():
    assert mixed.version_in_html(b"<p>Signed out</p>", "PRC-0001") is None


@pytest.mark.parametrize(
    ("body", "version"),
    [
        (b'{"doc_id": "PRC-0001", "version": 7}', 7),
        (b'{"doc_id": "PRC-0001"}', None),
        (b'{"version": "7"}', None),
        (b"[7]", None),
        (b"<html>", None),
    ],
)
def test_json_version_is_the_api_documents_number(body, version):
    assert mixed.version_in_json(body) == version


def test_fresh_check_holds_the_version_committed_before_sending():
    committed = Shared(5)
    before_sending = mixed.fresh_check(committed, mixed.version_in_json)
    holds = before_sending()
    # Committed after the request was sent: the answer may not show it yet.
    committed.value = 6
    assert holds(b'{"version": 5}')
    assert not holds(b'{"version": 4}')
    assert not before_sending()(b'{"version": 5}')
    assert before_sending()(b'{"version": 7}')


def test_fresh_check_counts_an_answer_without_a_version_as_stale():
    holds = mixed.fresh_check(Shared(1), mixed.version_in_json)()
    assert not holds(b"{}")


@pytest.mark.parametrize(("shown", "stale"), [(4, True), (5, False), (6, False)])
def test_python_generator_counts_stale_answers(shown, stale):
    check = mixed.fresh_check(Shared(5), mixed.version_in_json)
    body = f'{{"version": {shown}}}'.encode()
    with answering(200, body) as (url, _):
        measured = loadgen.run_python(url, {}, 2, 0.3, check)
    assert measured.requests > 0
    assert measured.stale == (measured.requests if stale else 0)


def test_python_generator_counts_error_answers_as_failures_not_stale():
    check = mixed.fresh_check(Shared(5), mixed.version_in_json)
    with answering(500, b"{}") as (url, _):
        measured = loadgen.run_python(url, {}, 1, 0.2, check)
    assert measured.failures == measured.requests > 0
    assert measured.stale == 0


def test_median_result_adds_stale_answers_up():
    runs = [LoadResult(1.0, 1.0, 1.0, 10, stale=2), LoadResult(1.0, 1.0, 1.0, 10)]
    assert report.median_result(runs).stale == 2


def test_stale_column_counts_checked_pages_and_marks_any_stale():
    rows = [
        PageResult("ceiling", result(1000.0)),
        PageResult("document", result(500.0), min_ratio=0.4, checked=True),
        PageResult("API document", result(450.0, stale=3), min_ratio=0.4, checked=True),
        PageResult("history", result(390.0), min_ratio=0.4),
    ]
    text = report.format_report(rows, [])
    table = text.split("\n\n")[0]
    assert table.splitlines()[0].endswith("| stale answers |")
    assert [(row[2], row[-1]) for row in cells(table)] == [
        ("1.00", "–"),
        ("0.50", "0"),
        ("0.45", f"3 {MISS}"),
        (f"0.39 {MISS}", "–"),
    ]
    assert "under 0.40× the ceiling's req/s" in text
    assert "a stale answer" in text


def test_report_without_checked_pages_has_no_stale_column():
    rows = [PageResult("ceiling", result(1000.0)), PageResult("doc", result(900.0))]
    assert "stale" not in report.format_report(rows, [])


# --- the mixed run: the writer -------------------------------------------------------


class StopAfter:
    """Stands for the writer's stop Event: not set for `waits` waits, then set."""

    def __init__(self, waits: int):
        self.waits = waits
        self.timeouts: list[float] = []

    def wait(self, timeout: float) -> bool:
        self.timeouts.append(timeout)
        self.waits -= 1
        return self.waits < 0


@pytest.mark.django_db
def test_pages_are_read_with_a_returning_readers_cookies(document, sales_staff):
    """The session's cookie and the CSRF token's, as a browser sends them after
    its first page: a page with forms keeps the CSRF secret it was sent (Django
    sends it back to renew it; without it, each page made a new one), and reads
    as the reader."""
    from django.conf import settings
    from django.test import Client

    credentials = run.sign_in(sales_staff)
    document_page = run.Page("document", document.get_absolute_url())
    headers = credentials.headers_for(document_page)
    response = Client().get(document_page.path, headers=headers)
    assert response.status_code == 200
    assert sales_staff.display_name in response.content.decode()
    assert "csrfmiddlewaretoken" in response.content.decode()
    sent = dict(pair.split("=", 1) for pair in headers["Cookie"].split("; "))
    csrf = settings.CSRF_COOKIE_NAME
    assert response.cookies[csrf].value == sent.get(csrf)
    assert settings.SESSION_COOKIE_NAME not in response.cookies


@pytest.mark.django_db
def test_writer_publishes_as_the_owner_and_shares_each_committed_number(document):
    from docs_registry.models import Version

    first = document.current_version
    committed, published = Shared(first.number), Shared(0)
    mixed.publish_versions(
        document_pk=document.pk,
        committed=committed,
        published=published,
        stop=StopAfter(3),
        period_s=60.0,
    )
    versions = list(
        Version.objects.filter(document=document, number__gt=first.number).order_by(
            "number"
        )
    )
    assert [v.number for v in versions] == [first.number + n for n in (1, 2, 3)]
    assert {v.published_by_id for v in versions} == {document.owner_id}
    assert committed.value == versions[-1].number
    assert published.value == 3
    # Each write changes the last line only: the body keeps its size.
    assert versions[-1].body == mixed.written_body(first.body, 3)
    assert len(versions[0].body) == len(versions[-1].body)
    document.refresh_from_db()
    assert document.current_version_id == versions[-1].pk


@pytest.mark.django_db
def test_writer_keeps_its_pace_on_a_fixed_schedule(document, monkeypatch):
    clock = iter([100.0, 100.0, 100.4, 102.5])
    monkeypatch.setattr(mixed.time, "monotonic", lambda: next(clock))
    stop = StopAfter(2)
    mixed.publish_versions(
        document_pk=document.pk,
        committed=Shared(1),
        published=Shared(0),
        stop=stop,
        period_s=1.0,
    )
    # Due at 100, 101, 102: it waits for what is left, never a whole period more,
    # and not at all when a publish ran late.
    assert stop.timeouts == pytest.approx([0.0, 0.6, 0.0])


# --- split load over several servers -------------------------------------------------


def test_rounds_run_every_load_once_every_other_round_the_other_way_round(
    monkeypatch,
):
    """Drift spreads over the loads alike, and none always runs straight after
    the same other one; each load's runs stay its own."""
    monkeypatch.setattr(run, "progress", lambda text: None)
    ran = []

    def load(name: str, seconds: float) -> LoadResult:
        ran.append((name, seconds))
        return result(len(ran))

    loads = [(name, lambda seconds, name=name: load(name, seconds)) for name in "abc"]
    args = argparse.Namespace(warmup=0.5, repeats=3, duration=2.0)
    runs = run.measure_in_rounds(loads, args)
    # The warm-ups, then rounds 1 to 3.
    assert [name for name, _ in ran] == [*"abc", *"abc", *"cba", *"abc"]
    assert [seconds for _, seconds in ran] == [0.5] * 3 + [2.0] * 9
    # The runs of each load, in the order they ran (the warm-ups are not kept).
    assert [[r.requests_per_s for r in runs_of] for runs_of in runs] == [
        [4, 9, 10],
        [5, 8, 11],
        [6, 7, 12],
    ]


def test_split_load_spreads_connections_adds_rates_and_keeps_the_worst_p99():
    calls = []

    def generate(url, headers, connections, seconds):
        calls.append((url, connections))
        p99 = 40.0 if url.endswith("a") else 90.0
        return LoadResult(100.0, 10.0, p99, 500, failures=1, stale=2)

    combined = loadgen.split_load(generate, ["http://a", "http://b"], {}, 5, 1.0)
    assert sorted(calls) == [("http://a", 3), ("http://b", 2)]
    assert combined == LoadResult(200.0, 10.0, 90.0, 1000, failures=2, stale=4)


def test_split_wrk_runs_as_many_threads_in_all_as_one_server_gets(
    wrk_on_path, monkeypatch
):
    """wrk's threads share the cores with the servers: two servers loaded by two
    wrk processes of two threads each would get less of the machine than one."""
    commands = []

    def finished(command, **kwargs):
        commands.append(command)
        return subprocess.CompletedProcess(command, 0, stdout=WRK_OUTPUT, stderr="")

    monkeypatch.setattr(loadgen.subprocess, "run", finished)
    loadgen.split_load(loadgen.run_wrk, ["http://a", "http://b"], {}, 8, 1.0)
    assert sorted(command[1:3] for command in commands) == [["-t1", "-c4"]] * 2
    commands.clear()
    loadgen.split_load(loadgen.run_wrk, ["http://a"], {}, 8, 1.0)
    assert [command[1:3] for command in commands] == [["-t2", "-c8"]]


def test_split_load_over_one_server_is_the_generators_result():
    measured = LoadResult(123.0, 4.0, 9.0, 600)
    assert loadgen.split_load(lambda *a: measured, ["http://a"], {}, 8, 1.0) == measured


def test_split_load_with_fewer_connections_than_servers_raises():
    with pytest.raises(LoadError, match="1 connections cannot load 2 servers"):
        loadgen.split_load(lambda *a: None, ["http://a", "http://b"], {}, 1, 1.0)


def test_split_load_raises_what_a_generator_raised():
    def generate(url, *args):
        raise LoadError(f"no request to {url} succeeded")

    with pytest.raises(LoadError, match="no request to"):
        loadgen.split_load(generate, ["http://a", "http://b"], {}, 2, 1.0)


# --- the modes' arguments and targets ------------------------------------------------


def test_mixed_mode_reads_every_answer_with_the_python_generator():
    assert run.parse_args(["--mixed"]).loadgen == "python"


def test_mixed_mode_refuses_wrk(capsys):
    with pytest.raises(SystemExit):
        run.parse_args(["--mixed", "--loadgen", "wrk"])
    assert "needs --loadgen python" in capsys.readouterr().err


def test_topology_halves_an_even_number_of_workers(capsys):
    assert run.parse_args(["--topology"]).workers == 4
    assert run.parse_args(["--topology", "--workers", "6"]).workers == 6
    assert run.parse_args([]).workers == run.default_workers()
    with pytest.raises(SystemExit):
        run.parse_args(["--topology", "--workers", "3"])
    assert "give an even number" in capsys.readouterr().err


def test_modes_are_one_at_a_time(capsys):
    with pytest.raises(SystemExit):
        run.parse_args(["--cold", "--mixed"])
    assert "not allowed with" in capsys.readouterr().err


def test_pages_named_run_with_the_ceiling_in_the_bench_order():
    ceiling, document, search = (
        run.Page(name, f"/{name}/") for name in ("ceiling", "document", "search")
    )
    every = [ceiling, document, search]
    names = run.parse_args(["--pages", " search , document,"]).pages
    assert names == ["search", "document"]
    assert run.chosen_pages(every, names) == every
    assert run.chosen_pages(every, ["search"]) == [ceiling, search]
    assert run.chosen_pages(every, None) == every
    with pytest.raises(run.BenchError, match="no page named serch; the pages are: "):
        run.chosen_pages(every, ["serch"])


def test_cold_mode_serves_with_nothing_kept(monkeypatch):
    monkeypatch.setenv("SAMEPAGE_CACHE_URL", "locmem://")
    env = run.server_env(run.parse_args(["--cold"]))
    assert env["SAMEPAGE_CACHE_URL"] == "dummy://"
    assert run.server_env(run.parse_args([]))["SAMEPAGE_CACHE_URL"] == "locmem://"


def test_each_mode_has_its_targets():
    document = run.Page("document", "/docs/X/")
    browse = run.Page("browse", "/docs/", cold_min_ratio=report.COLD_LIST_MIN_RATIO)
    cold, mixed_args, warm = (run.parse_args(a) for a in (["--cold"], ["--mixed"], []))
    assert run.target_ratio(document, cold) == 0.3
    assert run.target_ratio(browse, cold) == 0.2
    assert run.target_ratio(browse, mixed_args) == 0.4
    assert run.target_ratio(browse, warm) == 0.6


def test_cache_note_never_shows_a_redis_password():
    note = run.cache_note("redis://:s3cret@cache.internal:6380/9")
    assert note == "- Cache: Redis at cache.internal:6380/9, shared by every worker"
    assert run.cache_note("dummy://").startswith("- Cache: none")
    assert run.cache_note("locmem://") == "- Cache: each worker's own memory (LocMem)"


def test_redis_is_measured_only_when_it_is_the_cache():
    assert run.redis_notes("locmem://") == []


def test_redis_out_of_reach_is_said_not_measured():
    notes = run.redis_notes(f"redis://127.0.0.1:{server.free_port()}/9")
    assert len(notes) == 1
    assert notes[0].startswith("- Redis after the run: not measured (")


# --- topology: the table -------------------------------------------------------------


def test_topology_compares_with_one_server_on_redis_and_marks_two_serving_less():
    rows = [
        report.TopologyResult("1 × 4 workers", "LocMem", result(1200.0)),
        report.TopologyResult("1 × 4 workers", "Redis", result(1000.0)),
        report.TopologyResult("2 × 2 workers", "Redis", result(950.0, p99=120.0)),
    ]
    assert cells(report.format_topology(rows)) == [
        ("1 × 4 workers", "LocMem", "1,200", "1.20", "1.0", "5.0"),
        ("1 × 4 workers", "Redis", "1,000", "1.00", "1.0", "5.0"),
        ("2 × 2 workers", "Redis", "950", f"0.95 {MISS}", "1.0", f"120.0 {MISS}"),
    ]


def test_topology_two_servers_serving_as_much_are_not_marked():
    rows = [
        report.TopologyResult("1 × 4 workers", "LocMem", result(1200.0)),
        report.TopologyResult("1 × 4 workers", "Redis", result(1000.0)),
        report.TopologyResult("2 × 2 workers", "Redis", result(1000.0)),
    ]
    assert cells(report.format_topology(rows))[2][3] == "1.00"


# --- Redis: read and emptied, one database only --------------------------------------


@pytest.fixture
def redis_of_our_own():
    from .redis_server import RedisServer

    redis_server = RedisServer()
    redis_server.start()
    yield redis_server
    redis_server.stop()


def test_redis_memory_counts_the_keys_of_its_database(redis_of_our_own):
    import redis

    url = f"redis://127.0.0.1:{redis_of_our_own.port}/9"
    redis.Redis.from_url(url).mset({"a": 1, "b": 2})
    used, keys, db = server.redis_memory(url)
    assert (keys, db) == (2, 9)
    assert used[0].isdigit()


def test_redis_empty_empties_its_database_only(redis_of_our_own):
    import redis

    base = f"redis://127.0.0.1:{redis_of_our_own.port}"
    redis.Redis.from_url(f"{base}/9").set("kept page", 1)
    redis.Redis.from_url(f"{base}/3").set("someone else's", 1)
    server.redis_empty(f"{base}/9")
    assert redis.Redis.from_url(f"{base}/9").dbsize() == 0
    assert redis.Redis.from_url(f"{base}/3").get("someone else's") == b"1"


def test_redis_empty_out_of_reach_raises():
    with pytest.raises(server.ServerError, match="Redis cannot be reached"):
        server.redis_empty(f"redis://127.0.0.1:{server.free_port()}/9")


# --- cold profiles ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "file_name"),
    [("compare v1→v20", "compare-v1-v20"), ("API document", "api-document")],
)
def test_profile_file_names_are_plain(name, file_name):
    assert cold_profiles.slug(name) == file_name


def test_schedstat_gives_the_seconds_on_a_cpu():
    # /proc/<pid>/schedstat: nanoseconds on a CPU, waiting, and time slices.
    assert cold_profiles.schedstat_seconds("2500000000 17 42\n") == 2.5


def test_a_page_costs_its_cpu_and_the_databases_median():
    reads = []
    for cpu, database in [(0.004, 0.001), (0.002, 0.003), (0.009, 0.002)]:
        read = cold_profiles.ColdRead(clock=None)
        read.cpu, read.database = cpu, database
        reads.append(read)
    cost = cold_profiles.cold_cost(reads)
    assert (cost.cpu, cost.database, cost.total) == (0.004, 0.002, 0.006)
    assert cost.database_text() == "2.00"
    # One read without the database's clock: its CPU is not known, nor shown.
    reads[1].database = None
    cost = cold_profiles.cold_cost(reads)
    assert (cost.database, cost.total, cost.database_text()) == (None, 0.004, "–")


@pytest.mark.django_db
def test_the_database_clock_reads_the_server_process_of_the_connection():
    from django.db import connection

    clock = cold_profiles.DatabaseClock()
    if connection.vendor != "postgresql":
        assert clock.seconds() is None  # SQLite works in this process
        return
    before = clock.seconds()
    if before is None:
        pytest.skip("PostgreSQL's server process is not on this machine")
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM generate_series(1, 300000)")
    assert clock.seconds() > before


# --- the modes, end to end, on a tiny data set of their own --------------------------

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TINY_SEED = ["--documents", "100", "--versions", "16", "--users", "6"]
QUICK = [
    *("--duration", "0.3", "--repeats", "1", "--warmup", "0.1"),
    *("--connections", "2", "--loadgen", "python"),
]


def bench_env(database: Path) -> dict[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"SAMEPAGE_CACHE_URL", "CACHE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    return env | {"DATABASE_URL": f"sqlite:///{database}", "DJANGO_DEBUG": "1"}


def bench_script(
    script: str, *args: str, database: Path, progress: list[str] | None = None
) -> str:
    """A bench script run as `make bench` runs it; its report (stdout). Its
    progress lines (stderr) are added to `progress`, if given."""
    finished = subprocess.run(  # noqa: S603 -- our own interpreter and arguments
        [sys.executable, f"bench/{script}", *args],
        cwd=PROJECT_ROOT,
        env=bench_env(database),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert finished.returncode == 0, finished.stderr[-3000:]
    if progress is not None:
        progress += [
            line.removeprefix("bench: ")
            for line in finished.stderr.splitlines()
            if line.startswith("bench: ")
        ]
    return finished.stdout


def versions_of(database: Path) -> dict[str, int]:
    with closing(sqlite3.connect(database)) as connection:
        return dict(
            connection.execute(
                "SELECT d.doc_id, MAX(v.number) FROM docs_registry_version v "
                "JOIN docs_registry_document d ON d.id = v.document_id "
                "GROUP BY d.doc_id"
            )
        )


@pytest.fixture(scope="module")
def tiny_bench_database(tmp_path_factory) -> Path:
    database = tmp_path_factory.mktemp("bench") / "bench.sqlite3"
    for command in (["migrate", "--noinput"], ["seed_bench", *TINY_SEED]):
        subprocess.run(  # noqa: S603 -- our own interpreter and arguments
            [sys.executable, "manage.py", *command],
            cwd=PROJECT_ROOT,
            env=bench_env(database),
            capture_output=True,
            timeout=600,
            check=True,
        )
    return database


@pytest.mark.slow
def test_mixed_mode_counts_no_stale_answer_while_the_writer_publishes(
    tiny_bench_database,
):
    before = versions_of(tiny_bench_database)
    text = bench_script(
        "run.py",
        "--mixed",
        "--write-every",
        "0.2",
        *QUICK,
        database=tiny_bench_database,
    )
    rows = {row[0]: row for row in cells(text.split("\n\n")[0])}
    assert text.splitlines()[0].endswith("| stale answers |")
    assert rows["document"][-1] == "0"
    assert rows["API document"][-1] == "0"
    assert rows["history"][-1] == "–"
    after = versions_of(tiny_bench_database)
    # The writer's document is the last one; the other modes' (the first) is kept.
    written, first = max(after), min(after)
    assert after[written] > before[written]
    assert after[first] == before[first]
    assert f"published {written} through document_publish" in text
    assert "Worker peak memory (VmHWM)" in text
    assert "after the run (VmRSS)" in text


@pytest.mark.slow
def test_topology_mode_measures_three_arrangements_and_redis(
    tiny_bench_database, redis_of_our_own
):
    import redis

    base = f"redis://127.0.0.1:{redis_of_our_own.port}"
    redis.Redis.from_url(f"{base}/3").set("someone else's", 1)
    progress = []
    text = bench_script(
        "run.py",
        *("--topology", f"--redis-url={base}/9", "--workers", "2", *QUICK),
        *("--repeats", "2"),
        database=tiny_bench_database,
        progress=progress,
    )
    # All three run at once, and are measured in turn, round by round (the second
    # the other way round): drift in the machine spreads over them alike.
    measured = [line for line in progress if line.startswith(("warming", "round"))]
    assert progress.index(measured[0]) > max(
        index for index, line in enumerate(progress) if line.startswith("starting")
    )
    each = ["1 × 2 workers, LocMem", "1 × 2 workers, Redis", "2 × 1 workers, Redis"]
    assert measured == [
        *(f"warming up: {arrangement}" for arrangement in each),
        *(f"round 1/2: {arrangement}" for arrangement in each),
        *(f"round 2/2: {arrangement}" for arrangement in reversed(each)),
    ]
    table = cells(text.split("\n\n")[0])
    assert [(row[0], row[1]) for row in table] == [
        ("1 × 2 workers", "LocMem"),
        ("1 × 2 workers", "Redis"),
        ("2 × 1 workers", "Redis"),
    ]
    assert table[1][3] == "1.00"
    # The pages were kept in Redis, whose memory is reported after the last round.
    assert redis.Redis.from_url(f"{base}/9").dbsize() > 0
    assert "\n- Redis after the run: used_memory" in text
    for arrangement in ("1 × 2 workers, LocMem", "2 × 1 workers, Redis"):
        assert f"- {arrangement}: Worker peak memory (VmHWM)" in text
    assert redis.Redis.from_url(f"{base}/3").get("someone else's") == b"1"


@pytest.mark.slow
def test_cold_profiles_are_saved_for_every_page(tiny_bench_database, tmp_path):
    text = bench_script(
        "cold_profiles.py", f"--output-dir={tmp_path}", database=tiny_bench_database
    )
    rows = cells(text.split("\n\n")[0])
    names = [row[0] for row in rows]
    assert names[:2] == ["ceiling", "document"]
    assert names[-5:] == [
        "goals",
        "hand-offs",
        "meeting (this month)",
        "a customer's exceptions",
        "field reports",
    ]
    assert len(rows) == 14  # the ceiling and every page `make bench` reads
    assert rows[0][4] == "1.00"  # the ceiling's share of its own CPU
    for _, wall, cpu, database, share, queries, file_name in rows:
        assert float(wall) > 0 and float(cpu) > 0 and float(share) > 0
        # SQLite works in this process: no server process to read.
        assert database == "–"
        assert int(queries) >= 2
        assert "pyinstrument" in (tmp_path / file_name).read_text()
        assert (tmp_path / file_name).with_suffix(".txt").read_text().strip()
