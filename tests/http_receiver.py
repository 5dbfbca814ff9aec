"""A real HTTP receiver of a test's own on a free loopback port (a thread
running the standard library's server): it keeps each request it is sent and
answers as told, one answer a request: a status, or "hang" to say nothing for
longer than the sender waits."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


class HttpReceiver:
    def __init__(self, hang_seconds: float = 1.0, delay: float = 0.0):
        self.received: list[Received] = []
        self.answers: list[int | str] = []  # taken in order; then 200
        self.hang_seconds = hang_seconds
        self.delay = delay  # before each answer: lets concurrent senders overlap
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                with receiver.lock:
                    answer = receiver.answers.pop(0) if receiver.answers else 200
                    receiver.received.append(
                        Received(self.path, dict(self.headers.items()), body)
                    )
                time.sleep(receiver.delay)
                if answer == "hang":
                    time.sleep(receiver.hang_seconds)
                    return
                self.send_response(answer)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
