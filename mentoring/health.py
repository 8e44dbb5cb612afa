"""What /healthz reports: database, broker and whether workers are consuming."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from celery import current_app
from django.apps import apps
from django.conf import settings
from django.db import connection
from django.utils import timezone

from lib.outbox import OutboxRow
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


def _late_after() -> dt.timedelta:
    """A row still waiting this long after its due time means dispatch is not running."""
    return dt.timedelta(
        seconds=2 * settings.MENTORING_DISPATCH_SECONDS
        + settings.MENTORING_REMINDER_STALE_SECONDS
        + settings.MENTORING_SWEEP_SECONDS
    )


def _outbox_check(models: list[type[OutboxRow]], now: dt.datetime | None) -> Check:
    now = now or timezone.now()
    status = OutboxRow.Status
    overdue = failed = 0
    for model in models:
        rows = model._default_manager
        overdue += rows.filter(
            status__in=[status.PENDING, status.CLAIMED], due_at__lt=now - _late_after()
        ).count()
        failed += rows.filter(status=status.FAILED).count()
    return Check(ok=overdue == 0, detail=f"{overdue} overdue, {failed} failed")


def check_reminders(*, now: dt.datetime | None = None) -> Check:
    """Reminders waiting well past their due time mean dispatch is not running; failed ones
    (attempts used up) are counted for operators."""
    from meetings.models import Reminder

    return _outbox_check([Reminder], now)


def check_outbox(*, now: dt.datetime | None = None) -> Check:
    """The other e-mails sent when due (nudges, HR digests, request reminders, pulse and
    survey e-mails, retention notices: every concrete outbox row but the meeting reminders),
    as above. The journal's outbox row holds times, states and ids, no word of the pair's."""
    from meetings.models import Reminder

    models = [
        model
        for model in apps.get_models()
        if issubclass(model, OutboxRow) and model is not Reminder
    ]
    return _outbox_check(models, now)
