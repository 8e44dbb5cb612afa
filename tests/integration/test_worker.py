"""A real Celery worker, on the configured broker (Redis in CI, the filesystem by default)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from mentoring.celery import app
from mentoring.models import WorkerHeartbeat
from mentoring.tasks import heartbeat
from tests.integration.support import database_url_for_workers, stop

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]


QUEUE = f"test-worker-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def worker(tmp_path: Path) -> Iterator[Path]:
    """A worker on a queue of its own, so tasks other tests left on the broker wait."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url_for_workers(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
    }
    log = tmp_path / "worker.log"
    with log.open("w") as output:
        process = subprocess.Popen(  # noqa: S603 - our own worker, fixed arguments
            [sys.executable, "-m", "celery", "-A", "mentoring", "worker", "--loglevel", "INFO",
             "--concurrency", "1", "--pool", "solo", "--queues", QUEUE,
             "--hostname", f"{QUEUE}@%h"],
            cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            yield log
        finally:
            stop(process)


def _wait_for(predicate: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.5)
    return False


def test_worker_answers_a_ping_and_runs_the_heartbeat(worker: Path) -> None:
    destination = [f"{QUEUE}@{socket.gethostname()}"]
    pong = _wait_for(lambda: bool(app.control.ping(destination, timeout=1.0)), timeout=90)
    assert pong, worker.read_text()
    heartbeat.apply_async(queue=QUEUE)
    assert _wait_for(WorkerHeartbeat.objects.exists, timeout=60), worker.read_text()
    response = Client().get(reverse("healthz"))
    assert response.json()["checks"]["worker"]["ok"] is True
