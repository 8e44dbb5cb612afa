"""The Celery app: configured from Django settings (``CELERY_`` namespace).

Tasks are ``DjangoTask`` instances, so ``task.delay_on_commit()`` sends them only
after the surrounding transaction commits.
"""

import os
from typing import Any

from celery import Celery
from celery.signals import worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentoring.settings")

app = Celery("mentoring", task_cls="celery.contrib.django.task:DjangoTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# The reminder tasks have a module of their own, beside meetings/tasks.py.
app.autodiscover_tasks(related_name="tasks_reminders")


@worker_ready.connect
def heartbeat_at_start(sender: Any, **kwargs: Any) -> None:
    """A worker proves itself alive as soon as it consumes, not a beat interval later."""
    from mentoring.tasks import heartbeat_at_worker_start

    heartbeat_at_worker_start()
