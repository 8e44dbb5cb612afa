"""Background work for the journal: the daily retention run and its notices."""

from __future__ import annotations

from celery import shared_task

from journal import notifications, retention
from lib.mail import email_task


@email_task("journal.send_retention_notice")
def send_retention_notice(notice_id: int, person_id: int) -> None:
    notifications.retention_notice_send(notice_id=notice_id, person_id=person_id)


@shared_task(name="journal.retention_run", ignore_result=True)
def retention_run() -> dict[str, int]:
    """Daily: tell the pairs due within 30 days, then delete what is due."""
    for notice_id in retention.retention_notices_plan():
        for person_id in notifications.retention_notice_recipients(notice_id=notice_id):
            send_retention_notice.delay(notice_id, person_id)
    return retention.journal_retention_run()
