"""The weekly HR digest's tasks: thin, the rows in ``hr_view.digest`` decide (``lib.outbox``)."""

from __future__ import annotations

from celery import shared_task
from celery.contrib.django.task import DjangoTask

from hr_view.digest import DIGESTS, digest_send
from lib.outbox import outbox_deliver_due


@shared_task(name="hr_view.send_hr_digest", base=DjangoTask, ignore_result=True)
def send_hr_digest() -> int:
    """Weekly (Monday morning UTC); a second run in the same week plans and sends nothing."""
    return digest_send()


@shared_task(name="hr_view.deliver_digests", base=DjangoTask, ignore_result=True)
def deliver_digests() -> dict[str, int]:
    """Every dispatch tick: digests due (planned, or back after a failure), and claims a
    killed worker left."""
    return {str(k): v for k, v in outbox_deliver_due(DIGESTS).items()}
