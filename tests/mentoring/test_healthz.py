from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mentoring.celery import app
from mentoring.health import heartbeat_record
from mentoring.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db


def test_healthz_is_degraded_before_any_worker_heartbeat(client: Client) -> None:
    response = client.get(reverse("healthz"))
    body = response.json()
    assert response.status_code == 503
    assert body["status"] == "degraded"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["broker"]["ok"] is True
    assert body["checks"]["worker"] == {"ok": False, "detail": "no heartbeat yet"}


def test_healthz_is_ok_with_a_fresh_heartbeat(client: Client) -> None:
    heartbeat_record(worker="worker-1")
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert "no-cache" in response["Cache-Control"]


def test_healthz_reports_a_stale_heartbeat(client: Client, settings: object) -> None:
    WorkerHeartbeat.objects.create(
        worker="worker-1", beat_at=timezone.now() - dt.timedelta(minutes=10)
    )
    response = client.get(reverse("healthz"))
    worker = response.json()["checks"]["worker"]
    assert response.status_code == 503
    assert worker["ok"] is False
    assert worker["detail"].startswith("last heartbeat 6")


def test_healthz_reports_an_unreachable_broker(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    heartbeat_record(worker="worker-1")
    # Patch the setting before the environment: monkeypatch restores the value it read,
    # and Celery reads CELERY_BROKER_URL from the environment before its own settings.
    monkeypatch.setattr(app.conf, "broker_url", "redis://127.0.0.1:1/0")
    monkeypatch.setenv("CELERY_BROKER_URL", "redis://127.0.0.1:1/0")
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["checks"]["broker"]["ok"] is False


def test_healthz_shows_no_personal_data(client: Client, mentee: object) -> None:
    heartbeat_record(worker="worker-1")
    body = client.get(reverse("healthz")).content.decode()
    assert "@" not in body
