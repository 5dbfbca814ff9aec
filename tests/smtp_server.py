"""A real SMTP server of a test's own (aiosmtpd) on a free loopback port: it
keeps what it receives, answers with a chosen error when told, and is stopped and
started again at will. Without aiosmtpd the test is skipped with the reason,
except in CI (CI set), where it fails."""

from __future__ import annotations

import os
import socket
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest

from .redis_server import free_port


def require_aiosmtpd():
    try:
        from aiosmtpd.controller import Controller
    except ImportError:
        message = "aiosmtpd is not installed (pip install -e '.[dev]')"
        if os.environ.get("CI"):
            pytest.fail(f"{message}: required in CI.")
        pytest.skip(message)
    return Controller


class Handler:
    def __init__(self):
        self.received: list[EmailMessage] = []
        # Answers instead of accepting, e.g. "451 4.3.0 Try again later".
        self.refuse_recipient: dict[str, str] = {}
        self.refuse_data: str | None = None
        self.refuse_sender: str | None = None

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.refuse_sender:
            return self.refuse_sender
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse_recipient:
            return self.refuse_recipient[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.refuse_data:
            return self.refuse_data
        self.received.append(
            message_from_bytes(envelope.content, policy=policy.default)
        )
        return "250 Message accepted for delivery"


class SmtpServer:
    def __init__(self):
        self.controller_class = require_aiosmtpd()
        self.port = free_port()
        self.handler = Handler()
        self.controller = None

    @property
    def received(self) -> list[EmailMessage]:
        return self.handler.received

    def start(self) -> None:
        self.controller = self.controller_class(
            self.handler, hostname="127.0.0.1", port=self.port
        )
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


class SilentServer:
    """Accepts connections and never says a word: a mail server that hangs."""

    def __init__(self):
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(16)
        self.port = self.socket.getsockname()[1]

    def close(self) -> None:
        self.socket.close()
