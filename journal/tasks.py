"""Background work for the journal: the daily retention run and its notices."""

from __future__ import annotations

from celery import shared_task

from journal import retention
from journal.notifications import RETENTION_NOTICES
from lib.outbox import outbox_deliver, outbox_deliver_due


@shared_task(name="journal.retention_run", ignore_result=True)
def retention_run() -> dict[str, int]:
    """Daily: plan the notices of pairs due within 30 days and send them (outbox rows),
    then delete what is due."""
    outbox_deliver(RETENTION_NOTICES, retention.retention_notices_plan())
    return retention.journal_retention_run()


@shared_task(name="journal.deliver_mail", ignore_result=True)
def deliver_mail() -> dict[str, int]:
    """Every dispatch tick: retention notices due again after a failure, and claims a
    killed worker left (``lib.outbox``)."""
    return {str(k): v for k, v in outbox_deliver_due(RETENTION_NOTICES).items()}
