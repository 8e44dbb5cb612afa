"""Background work for notifications: thin tasks that call a service."""

from __future__ import annotations

from celery import shared_task
from celery.contrib.django.task import DjangoTask

from notifications.services import notifications_forget_old


@shared_task(name="notifications.forget_old", base=DjangoTask, ignore_result=True)
def forget_old() -> int:
    """Daily: delete read notifications past their keeping time."""
    return notifications_forget_old()
