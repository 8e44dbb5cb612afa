"""The Celery app: configured from Django settings (``CELERY_`` namespace).

Tasks are ``DjangoTask`` instances, so ``task.delay_on_commit()`` sends them only
after the surrounding transaction commits.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentoring.settings")

app = Celery("mentoring", task_cls="celery.contrib.django.task:DjangoTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# The reminder tasks have a module of their own, beside meetings/tasks.py.
app.autodiscover_tasks(related_name="tasks_reminders")

# mentoring/tasks.py records a heartbeat as soon as a worker is ready (``worker_ready``).
