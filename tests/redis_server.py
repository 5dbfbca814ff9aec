"""A Redis server of a test's own, on a free loopback port: stopped and started
again at will. Without redis-server the test is skipped with the reason, except
in CI (CI set), where it fails."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time

import pytest


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def require_redis_server() -> str:
    path = shutil.which("redis-server")
    if path is None:
        message = "redis-server is not installed: the Redis cache tests need one"
        if os.environ.get("CI"):
            pytest.fail(f"{message} (required in CI).")
        pytest.skip(message)
    return path


class RedisServer:
    def __init__(self, port: int | None = None):
        self.executable = require_redis_server()
        self.port = port or free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self):
        import redis

        return redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=2)

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603 -- our own arguments
            [
                self.executable,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(200):  # until it answers: a bound on tries, not on time
            try:
                if self.client().ping():
                    return
            except Exception:  # noqa: S110 -- not listening yet
                pass
            time.sleep(0.02)
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None
