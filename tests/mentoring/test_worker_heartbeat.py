"""A worker proves it is alive as soon as it starts, not a beat interval later: /healthz
answers 200 within seconds of `make run`, with no beat running at all."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from mentoring.models import WorkerHeartbeat
from tests.integration.support import CELERY, database_url_for_workers, start_logged, stop

pytestmark = pytest.mark.django_db(transaction=True)
QUEUE = f"test-heartbeat-{uuid.uuid4().hex[:8]}"
# Far less than the beat interval (60 s) plus the health check's grace: a start-up cost only.
FIRST_HEARTBEAT_WITHIN = 45


@pytest.fixture
def worker_log(tmp_path: Path) -> Iterator[Path]:
    """A real worker on a queue of its own (tasks other tests left on the broker wait), with
    beat's interval far longer than this test, so only the start-up heartbeat can count."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url_for_workers(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "MENTORING_VAR_DIR": str(settings.VAR_DIR),
        "MENTORING_HEARTBEAT_SECONDS": "3600",
    }
    log = tmp_path / "worker.log"
    command = [
        *CELERY, "worker", "--loglevel", "INFO", "--pool", "solo", "--queues", QUEUE,
        "--hostname", f"{QUEUE}@%h",
    ]  # fmt: skip
    process = start_logged(command, env, log)
    try:
        yield log
    finally:
        stop(process)


def test_a_worker_writes_a_heartbeat_when_it_starts(worker_log: Path, client: Client) -> None:
    assert client.get(reverse("healthz")).json()["checks"]["worker"]["ok"] is False
    deadline = time.monotonic() + FIRST_HEARTBEAT_WITHIN
    while not WorkerHeartbeat.objects.exists() and time.monotonic() < deadline:
        time.sleep(0.5)
    assert WorkerHeartbeat.objects.exists(), worker_log.read_text()[-4000:]
    worker = client.get(reverse("healthz")).json()["checks"]["worker"]
    assert worker["ok"] is True, worker
