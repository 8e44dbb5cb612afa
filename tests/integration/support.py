"""Real parts for the integration tests: an SMTP server on 127.0.0.1, free ports, the
database URL that worker processes must use, and stopping processes by their PID."""

from __future__ import annotations

import email
import email.policy
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable
from email.message import EmailMessage
from typing import Any

from django.db import connection


class Inbox:
    """An aiosmtpd handler that keeps every message it accepts, with the moment it did.

    ``on_accept`` (optional) is called with the message and its running count after the
    message is stored, before the server answers 250.
    """

    def __init__(self, on_accept: Callable[[EmailMessage, int], None] | None = None) -> None:
        self.messages: list[EmailMessage] = []
        self.accepted_at: list[float] = []  # time.monotonic(), one per message
        self.lock = threading.Lock()
        self.on_accept = on_accept

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(message)
            self.accepted_at.append(time.monotonic())
            count = len(self.messages)
        if self.on_accept is not None:
            self.on_accept(message, count)
        return "250 Message accepted for delivery"

    def reminders(self) -> list[EmailMessage]:
        with self.lock:
            return [m for m in self.messages if m["X-Mentoring-Reminder"]]

    def timed_reminders(self) -> list[tuple[float, EmailMessage]]:
        with self.lock:
            pairs = zip(self.accepted_at, self.messages, strict=True)
            return [(at, m) for at, m in pairs if m["X-Mentoring-Reminder"]]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def database_url_for_workers() -> str:
    """Worker and beat processes must use the test database this test writes to."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    host, port = db.get("HOST") or "127.0.0.1", db.get("PORT") or 5432
    return f"postgres://{db['USER']}@{host}:{port}/{db['NAME']}"


def stop(process: subprocess.Popen[bytes], timeout: float = 20) -> None:
    """End a process this test started, by its PID: TERM, then KILL if it hangs."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
