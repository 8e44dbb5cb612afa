from __future__ import annotations

from celery import shared_task
from celery.contrib.django.task import DjangoTask

from audit.services import audit_retention_run


@shared_task(name="audit.retention", base=DjangoTask, ignore_result=True)
def audit_retention() -> int:
    """Daily (beat): the audit log forgets rows past its retention period."""
    return audit_retention_run()
