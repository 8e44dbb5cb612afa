"""Background work for check-ins: plan the e-mails, then send what is due (thin tasks)."""

from __future__ import annotations

from celery import shared_task
from celery.contrib.django.task import DjangoTask

from checkins.mail import PULSES, SURVEYS, checkin_mail_plan
from lib.outbox import outbox_deliver_due


@shared_task(name="checkins.plan_mail", base=DjangoTask, ignore_result=True)
def plan_mail() -> None:
    checkin_mail_plan()


@shared_task(name="checkins.deliver_mail", base=DjangoTask, ignore_result=True)
def deliver_mail() -> None:
    outbox_deliver_due(PULSES)
    outbox_deliver_due(SURVEYS)
