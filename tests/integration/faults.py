"""What the fault tests share: a redis-server of their own, a supervised worker, the
thread that kills its pool processes and restarts the broker, and the processes they own."""

from __future__ import annotations

import contextlib
import json
import os
import queue
import random
import signal
import socket
import subprocess
import threading
import time
from dataclasses import asdict, dataclass, field
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.db import connection

from tests.integration.support import CELERY, Inbox, free_port, start_logged, stop


def fault_test_marks(
    reason: str = "the fault tests run on PostgreSQL (make faults), as production does",
) -> list[pytest.MarkDecorator]:
    """A fault test's ``pytestmark``: run by ``make faults`` only, on PostgreSQL, with real
    transactions (workers in other processes must see the rows)."""
    return [
        pytest.mark.faults,
        pytest.mark.skipif(connection.vendor != "postgresql", reason=reason),
        pytest.mark.django_db(transaction=True),
    ]


class RedisServer:
    """A redis-server of this test's own on a free port, keeping nothing on disk."""

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.workdir = workdir
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        command = [
            "redis-server", "--bind", "127.0.0.1", "--port", str(self.port),
            "--save", "", "--appendonly", "no", "--dir", str(self.workdir),
        ]  # fmt: skip
        log = (self.workdir / "redis.log").open("ab")
        self.process = subprocess.Popen(command, stdout=log, stderr=log)  # noqa: S603
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not answer within 10 s")

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process, timeout=10)
            self.process = None


def _children(parent: int) -> list[int]:
    """The PIDs whose parent is ``parent`` (the worker's pool processes)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # it ended meanwhile
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == parent:
            found.append(int(entry.name))
    return found


class Supervisor:
    """Runs the worker as a process manager does in production (systemd's
    Restart=always, say): when its main process ends, a new one starts. Celery's main
    process can end on its own here: reconnecting to the restarted broker right after its
    pool children were killed, it may fail on a child that has no pipe yet ("file
    descriptor is None") and exit. Every process it starts goes into ``owned``."""

    def __init__(
        self, command: list[str], env: dict[str, str], log: Path,
        owned: list[subprocess.Popen[bytes]],
    ) -> None:  # fmt: skip
        self.command, self.env, self.log, self.owned = command, env, log, owned
        self.process = start_logged(command, env, log)
        owned.append(self.process)
        self.restarts = 0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        while not self._done.wait(0.5):
            if self.process.poll() is not None:
                self.process = start_logged(self.command, self.env, self.log, append=True)
                self.owned.append(self.process)
                self.restarts += 1

    def stop_watching(self) -> None:
        self._done.set()
        self._thread.join(timeout=5)


@dataclass
class Faults:
    """What the fault thread did, on the same clock as the SMTP server's acceptances."""

    kills: list[tuple[float, list[int]]] = field(default_factory=list)
    redis_restarts: list[tuple[float, float]] = field(default_factory=list)


def start_fault_thread(
    triggers: queue.Queue[str | None], worker: Supervisor, redis: RedisServer
) -> tuple[threading.Thread, Faults]:
    faults = Faults()
    rng = random.Random(7)

    def run() -> None:
        while (what := triggers.get()) is not None:
            if what == "kill":
                time.sleep(rng.uniform(0, 0.004))  # lands before or after the commit
                pids = _children(worker.process.pid)
                for pid in pids:  # only the pool processes of the worker this test started
                    with contextlib.suppress(ProcessLookupError):  # it ended meanwhile
                        os.kill(pid, signal.SIGKILL)
                faults.kills.append((time.monotonic(), pids))
            elif what == "restart-redis":
                down = time.monotonic()
                redis.stop()
                time.sleep(1.5)
                redis.start()
                faults.redis_restarts.append((down, time.monotonic()))

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, faults


def wait_for(path: Path, text: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if path.exists() and text in path.read_text(errors="replace"):
            return
        time.sleep(0.2)
    raise AssertionError(f"{path.name} did not say {text!r}:\n{path.read_text()[-3000:]}")


def kill_times(faults: Faults) -> dict[int, float]:
    """PID -> when this test killed it."""
    return {pid: at for at, pids in faults.kills for pid in pids}


# ---------------------------------------------------------------- setting up and ending a run

WORKER_ENV = {
    "MENTORING_DISPATCH_SECONDS": "1",
    "MENTORING_SWEEP_SECONDS": "2",
    "MENTORING_REMINDER_STALE_SECONDS": "15",
    "MENTORING_HEARTBEAT_SECONDS": "5",
    "EMAIL_TIMEOUT": "5",
}


def fault_inbox(
    kill_after: tuple[int, ...], restart_redis_after: int
) -> tuple[Inbox, queue.Queue[str | None]]:
    """An SMTP handler that asks the fault thread for a kill right after the server accepted
    message number N (for each N in ``kill_after``), and for a Redis restart once."""
    triggers: queue.Queue[str | None] = queue.Queue()

    def on_accept(message: EmailMessage, count: int) -> None:
        if count in kill_after:
            triggers.put("kill")
        if count == restart_redis_after:
            triggers.put("restart-redis")

    return Inbox(on_accept), triggers


def start_worker_and_beats(
    *, tmp_path: Path, env: dict[str, str], processes: list[subprocess.Popen[bytes]], name: str
) -> tuple[Supervisor, dict[str, Path]]:
    """A real prefork worker (4 processes) under a supervisor and two beats at once, each
    logging to a file of its own; returns once the worker is ready."""
    commands = {
        "worker": [
            *CELERY, "worker", "--loglevel", "INFO", "--pool", "prefork", "--concurrency", "4",
            "--hostname", f"{name}-{os.getpid()}@%h", "--without-gossip", "--without-mingle",
        ],
        "beat-1": [*CELERY, "beat", "--loglevel", "INFO", "--schedule", str(tmp_path / "b1")],
        "beat-2": [*CELERY, "beat", "--loglevel", "INFO", "--schedule", str(tmp_path / "b2")],
    }  # fmt: skip
    logs = {part: tmp_path / f"{part}.log" for part in commands}
    worker = Supervisor(commands.pop("worker"), env, logs["worker"], processes)
    for part, command in commands.items():
        processes.append(start_logged(command, env, logs[part]))
    wait_for(logs["worker"], "ready.", 60)
    return worker, logs


def stop_run(
    triggers: queue.Queue[str | None], fault_thread: threading.Thread, worker: Supervisor,
    processes: list[subprocess.Popen[bytes]], controller: Controller,
) -> None:  # fmt: skip
    """End the fault thread, the supervisor's watch, every process by its PID, the SMTP
    server."""
    triggers.put(None)
    fault_thread.join(timeout=30)
    worker.stop_watching()
    for process in processes:
        stop(process)
    controller.stop()


def save_report(name: str, report: object, tmp_path: Path) -> None:
    """The report as JSON in the test artifacts (``make faults`` keeps them)."""
    artifacts = Path(os.environ.get("MENTORING_TEST_ARTIFACTS", tmp_path))
    artifacts.mkdir(parents=True, exist_ok=True)
    (artifacts / name).write_text(json.dumps(asdict(report), indent=2))  # type: ignore[call-overload]


def log_tails(logs: dict[str, Path]) -> str:
    return "\n".join(f"--- {n}\n{p.read_text(errors='replace')[-3000:]}" for n, p in logs.items())
