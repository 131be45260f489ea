"""A real SMTP server (aiosmtpd, in its own thread) for tests: it keeps what it accepted and answers
the next DATA commands with the codes a test queues up (451, 550, ...), then accepts again."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller

ACCEPTED = "250 2.0.0 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass(frozen=True, slots=True)
class Received:
    sender: str
    recipients: tuple[str, ...]
    raw: bytes

    @property
    def message(self) -> EmailMessage:
        parsed = message_from_bytes(self.raw, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed


class RecordingHandler:
    def __init__(self) -> None:
        self.received: list[Received] = []
        #: DATA commands answered (accepted or not), in order.
        self.attempts = 0
        self._answers: list[str] = []
        self._lock = threading.Lock()

    def answer_next(self, *answers: str) -> None:
        with self._lock:
            self._answers.extend(answers)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self._lock:
            self.attempts += 1
            answer = self._answers.pop(0) if self._answers else ACCEPTED
        if answer.startswith("250"):
            raw = envelope.original_content or envelope.content
            self.received.append(Received(envelope.mail_from, tuple(envelope.rcpt_tos), bytes(raw)))
        return answer


class SmtpServer:
    def __init__(self, **controller: Any) -> None:
        self.handler = RecordingHandler()
        self.port = free_port()
        self._controller = Controller(self.handler, hostname="127.0.0.1", port=self.port, **controller)

    @property
    def received(self) -> list[Received]:
        return self.handler.received

    def answer_next(self, *answers: str) -> None:
        self.handler.answer_next(*answers)

    def start(self) -> None:
        self._controller.start()

    def stop(self) -> None:
        self._controller.stop()

    async def until_received(self, count: int = 1, within_s: float = 20.0) -> list[Received]:
        """The mails once `count` have arrived (polled with a deadline)."""
        deadline = time.monotonic() + within_s
        while len(self.received) < count:
            assert time.monotonic() < deadline, f"{len(self.received)} of {count} mails arrived"
            await asyncio.sleep(0.02)
        return list(self.received)


def mail_settings(server: SmtpServer, **overrides: Any) -> dict[str, Any]:
    """The `[mail]` section that sends to `server` (no TLS: a test server on this machine)."""
    return {
        "host": "127.0.0.1",
        "port": server.port,
        "security": "none",
        "from_address": "help@shop.example",
        "from_name": "Shop 客服",
        "timeout_s": 5,
        "retry_delays_s": [0.05, 0.05],
    } | overrides
