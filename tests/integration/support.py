"""Real parts for the integration tests: an SMTP server on 127.0.0.1, free ports, the
database URL that worker processes must use, and stopping processes by their PID."""

from __future__ import annotations

import contextlib
import email
import email.policy
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import connection
from pytest_django import Settings

# An answer to QUIT longer than an SMTP line may be: smtplib raises SMTPResponseException
# from quit(), after the server accepted the message, and Django's backend passes it on. A
# server that only hangs or hangs up on QUIT is not enough: smtplib turns that into
# SMTPServerDisconnected, which Django's backend ignores.
UNREADABLE_GOODBYE = "221 " + "x" * 9000


class Inbox:
    """An aiosmtpd handler that keeps every message it accepts, with the moment it did.

    ``on_accept`` (optional) is called with the message and its running count after the
    message is stored, before the server answers 250. ``refuse_first`` messages are
    answered "451" (not accepted, the client may try again), once the first
    ``accept_before_refusing`` messages have been accepted; ``goodbye`` is the answer to
    QUIT.
    """

    def __init__(
        self,
        on_accept: Callable[[EmailMessage, int], None] | None = None,
        *,
        refuse_first: int = 0,
        accept_before_refusing: int = 0,
        goodbye: str = "221 Bye",
    ) -> None:
        self.messages: list[EmailMessage] = []
        self.accepted_at: list[float] = []  # time.monotonic(), one per message
        self.lock = threading.Lock()
        self.on_accept = on_accept
        self.refusals_left = refuse_first
        self.accept_before_refusing = accept_before_refusing
        self.goodbye = goodbye

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            if self.refusals_left > 0 and len(self.messages) >= self.accept_before_refusing:
                self.refusals_left -= 1
                return "451 Try again later"
            self.messages.append(message)
            self.accepted_at.append(time.monotonic())
            count = len(self.messages)
        if self.on_accept is not None:
            self.on_accept(message, count)
        return "250 Message accepted for delivery"

    async def handle_QUIT(self, server: Any, session: Any, envelope: Any) -> str:
        return self.goodbye

    def recipients(self) -> list[str]:
        """Who each accepted message went to, one entry per message."""
        with self.lock:
            return [str(m["To"]) for m in self.messages]

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


@contextlib.contextmanager
def smtp_server(inbox: Inbox, overrides: Settings) -> Iterator[int]:
    """A real SMTP server on 127.0.0.1 handing messages to ``inbox``, and Django's SMTP
    backend pointed at it (through pytest-django's ``settings``); yields its port."""
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        overrides.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        overrides.EMAIL_HOST, overrides.EMAIL_PORT = "127.0.0.1", port
        overrides.EMAIL_USE_TLS, overrides.EMAIL_TIMEOUT = False, 10
        yield port
    finally:
        controller.stop()


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


CELERY = [sys.executable, "-m", "celery", "-A", "mentoring"]
ROOT = Path(__file__).resolve().parents[2]


def celery_env(*, broker_url: str, smtp_port: int, **overrides: str) -> dict[str, str]:
    """The environment for worker and beat processes: this test's database, var folder and
    broker, and mail to the test's SMTP server."""
    return {
        **os.environ,
        "DATABASE_URL": database_url_for_workers(),
        "CELERY_BROKER_URL": broker_url,
        "MENTORING_VAR_DIR": str(settings.VAR_DIR),
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "EMAIL_USE_TLS": "false",
        **overrides,
    }


def start_logged(
    command: list[str], env: dict[str, str], log: Path, *, append: bool = False
) -> subprocess.Popen[bytes]:
    """Start one of this test's processes from the project folder, its output in ``log``."""
    with log.open("ab" if append else "wb") as output:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=output)  # noqa: S603
