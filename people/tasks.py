"""Background work for people: thin tasks that call services by id."""

from __future__ import annotations

from celery import shared_task
from celery.contrib.django.task import DjangoTask

from people import services


@shared_task(
    name="people.send_invitation",
    base=DjangoTask,  # the app's task class too; named here so type checkers see delay_on_commit
    ignore_result=True,
    autoretry_for=(OSError,),  # SMTP and network failures; the service gave the claim back
    retry_backoff=True,
    max_retries=5,
)
def send_invitation(user_id: int) -> None:
    services.person_send_invitation(user_id=user_id)
