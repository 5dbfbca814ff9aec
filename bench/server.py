"""The product served as in production: gunicorn on loopback, started, waited for,
measured (peak memory per process, from /proc) and always stopped."""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench import loadgen

HOST = "127.0.0.1"
READY_TIMEOUT_S = 60.0
# gunicorn's own graceful timeout is 30 s; after that its workers are killed.
STOP_TIMEOUT_S = 35.0
PROC = Path("/proc")


class ServerError(RuntimeError):
    """gunicorn did not start, or stopped while it was being measured."""


def free_port() -> int:
    """A port nothing listens on now (the OS picks it; gunicorn binds it next)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def gunicorn_command(port: int, workers: int, threads: int) -> list[str]:
    # More than one thread is gunicorn's gthread worker; one is the sync worker.
    worker_class = "gthread" if threads > 1 else "sync"
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "kb.wsgi",
        f"--bind={HOST}:{port}",
        f"--workers={workers}",
        f"--threads={threads}",
        f"--worker-class={worker_class}",
        "--log-level=warning",
    ]


def _answers(url: str, headers: dict[str, str]) -> bool:
    try:
        loadgen.get_once(url, headers)
    except (OSError, http.client.HTTPException):
        return False
    return True


def wait_until_ready(
    process: subprocess.Popen, url: str, headers: dict[str, str]
) -> None:
    """Poll `url` until the server answers anything (the pages' statuses are
    checked afterwards, with their bodies in the error)."""
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServerError(
                f"gunicorn exited with status {process.returncode} before answering "
                "(its messages are above)"
            )
        if _answers(url, headers):
            return
        time.sleep(0.2)
    raise ServerError(f"gunicorn did not answer {url} within {READY_TIMEOUT_S:.0f} s")


def stop(process: subprocess.Popen) -> None:
    """Graceful stop (SIGTERM to the master), then SIGKILL to its whole process
    group if it hangs, so no worker is left behind."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@contextmanager
def serving(
    *,
    cwd: Path,
    env: dict[str, str],
    port: int,
    workers: int,
    threads: int,
    ready_url: str,
    ready_headers: dict[str, str],
) -> Iterator[subprocess.Popen]:
    """gunicorn, answering; stopped on the way out, whatever happened (Ctrl-C too).
    Its output goes to our stderr: stdout carries only the report."""
    command = gunicorn_command(port, workers, threads)
    # Our own interpreter and fixed arguments, no shell.
    process = subprocess.Popen(  # noqa: S603
        command,
        cwd=cwd,
        env=env,
        stdout=sys.stderr,
        stderr=sys.stderr,
        # Its own process group: Ctrl-C reaches only us, and we stop it in order.
        start_new_session=True,
    )
    try:
        wait_until_ready(process, ready_url, ready_headers)
        yield process
        if process.poll() is not None:
            raise ServerError(f"gunicorn stopped during the run ({process.returncode})")
    finally:
        stop(process)


# --- memory, from /proc ------------------------------------------------------------


def parse_status_kb(status_text: str, field: str) -> int | None:
    """A size (`VmHWM:  12345 kB`) from /proc/<pid>/status."""
    match = re.search(rf"^{field}:\s*(\d+)\s*kB", status_text, re.MULTILINE)
    return int(match.group(1)) if match else None


def parse_vmhwm_kb(status_text: str) -> int | None:
    """The peak resident set size: the most the process ever held at once."""
    return parse_status_kb(status_text, "VmHWM")


def parse_vmrss_kb(status_text: str) -> int | None:
    """The resident set size now."""
    return parse_status_kb(status_text, "VmRSS")


def parse_ppid(stat_text: str) -> int:
    """The parent pid from /proc/<pid>/stat; the command name before it is in
    parentheses and may itself contain spaces and parentheses."""
    return int(stat_text.rsplit(")", 1)[1].split()[1])


def _status_kb(pid: int, parse) -> int | None:
    # None where there is no /proc (not Linux) or the process has ended.
    try:
        return parse((PROC / str(pid) / "status").read_text())
    except OSError:
        return None


def peak_rss_kb(pid: int) -> int | None:
    return _status_kb(pid, parse_vmhwm_kb)


def rss_kb(pid: int) -> int | None:
    return _status_kb(pid, parse_vmrss_kb)


def _children_from_task_files(pid: int) -> list[int] | None:
    files = list((PROC / str(pid) / "task").glob("*/children"))
    if not files:
        return None  # the kernel has no CONFIG_PROC_CHILDREN
    return [int(child) for file in files for child in file.read_text().split()]


def _children_by_scanning(pid: int) -> list[int]:
    children = []
    for stat in PROC.glob("[0-9]*/stat"):
        try:
            if parse_ppid(stat.read_text()) == pid:
                children.append(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            continue  # a process that ended while we looked
    return children


def child_pids(pid: int) -> list[int]:
    """The processes whose parent is `pid` (gunicorn's workers, for its master)."""
    children = _children_from_task_files(pid)
    return sorted(children if children is not None else _children_by_scanning(pid))


def worker_peaks_kb(master_pid: int) -> list[int]:
    peaks = (peak_rss_kb(pid) for pid in child_pids(master_pid))
    return [kb for kb in peaks if kb is not None]


def worker_rss_kb(master_pid: int) -> list[int]:
    sizes = (rss_kb(pid) for pid in child_pids(master_pid))
    return [kb for kb in sizes if kb is not None]


# --- Redis, when it is the cache ----------------------------------------------------


def _redis(url: str):
    import redis

    return redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)


def redis_db(url: str) -> int:
    """The database number a redis:// URL names (0 unless it names one)."""
    return int(_redis(url).connection_pool.connection_kwargs.get("db", 0))


def redis_memory(url: str) -> tuple[str, int, int]:
    """Redis's used_memory_human (INFO memory: the whole server), the number of
    keys in the URL's database (DBSIZE), and that database's number."""
    import redis

    client = _redis(url)
    try:
        used = client.info("memory")["used_memory_human"]
        keys = client.dbsize()
    except redis.RedisError as error:
        raise ServerError(f"Redis cannot be read: {error}") from error
    finally:
        client.close()
    return used, keys, redis_db(url)


def redis_empty(url: str) -> None:
    """Empty the URL's database only (FLUSHDB), never the whole server."""
    import redis

    client = _redis(url)
    try:
        client.flushdb()
    except redis.RedisError as error:
        raise ServerError(f"Redis cannot be reached: {error}") from error
    finally:
        client.close()
