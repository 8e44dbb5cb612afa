"""A real Celery worker, on the configured broker (Redis in CI, the filesystem by default)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse

from mentoring.celery import app
from mentoring.models import WorkerHeartbeat
from mentoring.tasks import heartbeat

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]


def _database_url_for_worker() -> str:
    """The worker must use the test database this test writes to."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    host, port = db.get("HOST") or "127.0.0.1", db.get("PORT") or 5432
    return f"postgres://{db['USER']}@{host}:{port}/{db['NAME']}"


@pytest.fixture
def worker() -> object:
    env = {
        **os.environ,
        "DATABASE_URL": _database_url_for_worker(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "mentoring",
            "worker",
            "--loglevel",
            "WARNING",
            "--concurrency",
            "1",
            "--pool",
            "solo",
            "--hostname",
            "test-worker@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    yield process
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def _wait_for(predicate: object, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return True
        time.sleep(0.5)
    return False


def test_worker_answers_a_ping_and_runs_the_heartbeat(worker: subprocess.Popen[str]) -> None:
    assert _wait_for(lambda: bool(app.control.ping(timeout=1.0)), timeout=60), "no pong"
    heartbeat.delay()
    assert _wait_for(WorkerHeartbeat.objects.exists, timeout=30), "heartbeat never ran"
    response = Client().get(reverse("healthz"))
    assert response.json()["checks"]["worker"]["ok"] is True
