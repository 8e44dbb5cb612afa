"""Background work for meetings: thin tasks that reload by id and call a function."""

from __future__ import annotations

from celery import shared_task
from celery.contrib.django.task import DjangoTask

from lib.mail import email_task
from meetings.notifications import meeting_update_recipients, meeting_update_send_to


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
