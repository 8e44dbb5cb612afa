"""Background work for meetings: thin tasks that reload by id and call a function."""

from __future__ import annotations

from celery import shared_task
from celery.contrib.django.task import DjangoTask

from lib.mail import email_task
from meetings import retention
from meetings.notifications import (
    meeting_update_recipients,
    meeting_update_send_to,
    series_update_recipients,
    series_update_send_to,
)


@shared_task(name="meetings.send_meeting_update", base=DjangoTask, ignore_result=True)
def send_meeting_update(meeting_id: int, version: int) -> None:
    """One ``send_meeting_update_to`` per person to e-mail. It sends nothing itself and is not
    retried: a retry after the first person's task was enqueued would e-mail that person
    twice (Celery retries the publishing itself)."""
    for person_id in meeting_update_recipients(meeting_id=meeting_id, version=version):
        send_meeting_update_to.delay(meeting_id, version, person_id)


@email_task("meetings.send_meeting_update_to")
def send_meeting_update_to(meeting_id: int, version: int, person_id: int) -> None:
    meeting_update_send_to(meeting_id=meeting_id, version=version, person_id=person_id)


@shared_task(name="meetings.send_series_update", base=DjangoTask, ignore_result=True)
def send_series_update(series_id: int, changes: list[list[int]]) -> None:
    """One ``send_series_update_to`` per person (not retried, as ``send_meeting_update``)."""
    for person_id in series_update_recipients(series_id=series_id, changes=changes):
        send_series_update_to.delay(series_id, changes, person_id)


@email_task("meetings.send_series_update_to")
def send_series_update_to(series_id: int, changes: list[list[int]], person_id: int) -> None:
    series_update_send_to(series_id=series_id, changes=changes, person_id=person_id)


@shared_task(name="meetings.retention_run", ignore_result=True)
def retention_run() -> int:
    """Daily: delete the meeting times past their program's period."""
    return retention.meeting_retention_run()
