"""What /healthz reports: database, broker and whether workers are consuming."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from celery import current_app
from django.conf import settings
from django.db import connection
from django.utils import timezone

from mentoring.models import WorkerHeartbeat


@dataclass(frozen=True)
class Check:
    ok: bool
    detail: str


def heartbeat_record(*, worker: str) -> None:
    WorkerHeartbeat.objects.update_or_create(worker=worker, defaults={"beat_at": timezone.now()})


def check_database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # any failure means "down"; the type goes in the report
        return Check(ok=False, detail=type(exc).__name__)
    return Check(ok=True, detail=connection.vendor)


def check_broker() -> Check:
    try:  # the project's Celery app (mentoring/__init__.py makes it the current one)
        with current_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:  # any failure means "down"; the type goes in the report
        return Check(ok=False, detail=type(exc).__name__)
    return Check(ok=True, detail=conn.transport_cls)


def check_worker(*, now: dt.datetime | None = None) -> Check:
    now = now or timezone.now()
    latest = WorkerHeartbeat.objects.order_by("-beat_at").values_list("beat_at", flat=True).first()
    if latest is None:
        return Check(ok=False, detail="no heartbeat yet")
    age = (now - latest).total_seconds()
    # Two missed beats in a row mean no worker is consuming the queue.
    stale_after = 2 * settings.MENTORING_HEARTBEAT_SECONDS + 30
    return Check(ok=age <= stale_after, detail=f"last heartbeat {int(age)} s ago")


def check_reminders(*, now: dt.datetime | None = None) -> Check:
    """Reminders waiting well past their due time mean dispatch is not running; failed ones
    (attempts used up) are counted for operators."""
    from meetings.models import Reminder

    now = now or timezone.now()
    late_after = dt.timedelta(
        seconds=2 * settings.MENTORING_DISPATCH_SECONDS
        + settings.MENTORING_REMINDER_STALE_SECONDS
        + settings.MENTORING_SWEEP_SECONDS
    )
    overdue = Reminder.objects.filter(
        status__in=[Reminder.Status.PENDING, Reminder.Status.CLAIMED], due_at__lt=now - late_after
    ).count()
    failed = Reminder.objects.filter(status=Reminder.Status.FAILED).count()
    return Check(ok=overdue == 0, detail=f"{overdue} overdue, {failed} failed")
