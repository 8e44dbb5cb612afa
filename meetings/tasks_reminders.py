"""Reminder tasks: thin wrappers that carry ids; the rows in meetings/reminders.py decide.

No ETA or countdown anywhere: a row that must wait keeps its own due time, and the
dispatch beat picks it up when it is due.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from celery import shared_task
from celery.contrib.django.task import DjangoTask
from django.db import transaction
from django.utils import timezone

from lib.outbox import Outbox, outbox_deliver, outbox_deliver_due
from meetings.models import NudgeMail
from meetings.nudges import NUDGES, nudges_plan
from meetings.reminders import (
    reminder_send,
    reminders_claim_due,
    reminders_send,
    reminders_sweep,
)

DISPATCH_BATCH = 500
SEND_BATCH = 20  # rows per send message: several per tick keep every worker process busy
MAX_BATCHES_PER_TICK = 40


@shared_task(name="meetings.dispatch_reminders", base=DjangoTask, ignore_result=True)
def dispatch_reminders() -> int:
    """Claim due reminders in batches and, once a claim commits, enqueue one send message
    per ``SEND_BATCH`` of its rows (each row is still locked, sent and marked on its own)."""
    claimed = 0
    for _batch in range(MAX_BATCHES_PER_TICK):
        with transaction.atomic():
            ids = reminders_claim_due(now=timezone.now(), batch=DISPATCH_BATCH)
            for start in range(0, len(ids), SEND_BATCH):
                send_reminders.delay_on_commit(ids[start : start + SEND_BATCH])
        claimed += len(ids)
        if len(ids) < DISPATCH_BATCH:
            break
    return claimed


@shared_task(
    name="meetings.send_reminders",
    base=DjangoTask,
    ignore_result=True,
    acks_late=True,
    reject_on_worker_lost=True,
)
def send_reminders(reminder_ids: list[int]) -> dict[str, int]:
    # Transient SMTP errors are retried through the row (pending again, later due time),
    # with bounded attempts; anything else leaves the claims for the sweeper.
    return Counter(str(outcome) for outcome in reminders_send(reminder_ids).values())


@shared_task(
    name="meetings.send_reminder",
    base=DjangoTask,
    ignore_result=True,
    acks_late=True,
    reject_on_worker_lost=True,
)
def send_reminder(reminder_id: int) -> str:
    # One row per message, as dispatch enqueued before batches: kept so that messages
    # already queued when a new version is deployed are still handled.
    return str(reminder_send(reminder_id))


@shared_task(name="meetings.sweep_reminders", base=DjangoTask, ignore_result=True)
def sweep_reminders() -> int:
    return reminders_sweep(now=timezone.now())


@shared_task(name="meetings.deliver_mail", base=DjangoTask, ignore_result=True)
def deliver_mail() -> dict[str, int]:
    """Every dispatch tick: nudges due (planned, or back after a failure), and claims a
    killed worker left (``lib.outbox``). The HR digest is delivered by ``hr_view.tasks``."""
    counts: Counter[str] = Counter()
    boxes: tuple[Outbox[Any], ...] = (NUDGES,)
    for box in boxes:
        counts.update({str(k): v for k, v in outbox_deliver_due(box).items()})
    return counts


@shared_task(name="meetings.plan_nudges", base=DjangoTask, ignore_result=True)
def plan_nudges() -> int:
    """Every six hours: one nudge per quiet period, its e-mails sent at once."""
    return outbox_deliver(NUDGES, nudges_plan(now=timezone.now()))


@shared_task(name="meetings.send_nudge", base=DjangoTask, ignore_result=True)
def send_nudge(nudge_id: int) -> int:
    # The per-nudge message an earlier version enqueued: kept so that messages already
    # queued when this version is deployed are still handled.
    mail_ids = NudgeMail.objects.filter(nudge_id=nudge_id).values_list("pk", flat=True)
    return outbox_deliver(NUDGES, list(mail_ids))
