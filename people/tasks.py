"""Background work for people: thin tasks that call services by id."""

from __future__ import annotations

from celery import shared_task
from celery.contrib.django.task import DjangoTask

from lib.mail import email_task
from people import archive, notifications


@email_task("people.send_invitation")
def send_invitation(user_id: int) -> None:  # a failed send gives the claim back first
    notifications.person_send_invitation(user_id=user_id)


@email_task("people.send_data_export_ready")
def send_data_export_ready(export_id: int) -> None:
    notifications.data_export_ready_send(export_id=export_id)


@shared_task(name="people.build_data_export", base=DjangoTask, ignore_result=True)
def build_data_export(export_id: int) -> None:
    if archive.data_export_build(export_id=export_id):
        send_data_export_ready.delay(export_id)


@shared_task(name="people.expire_data_exports", ignore_result=True)
def expire_data_exports() -> int:
    return archive.data_exports_expire()
