import socket
from typing import Any

from celery import shared_task
from celery.signals import worker_ready
from django.db import connections

from mentoring.health import heartbeat_record


@shared_task(name="mentoring.heartbeat", ignore_result=True)
def heartbeat() -> None:
    heartbeat_record(worker=socket.gethostname())


@worker_ready.connect
def heartbeat_at_worker_start(**kwargs: Any) -> None:
    """Record a heartbeat from the worker's main process when it is ready to consume
    (``worker_ready``: connected to the broker, pool started). Written directly rather than
    through the queue, so tasks queued before the worker started (the demo's e-mails) do
    not hold it back; beat's heartbeat, through the queue, proves consumption from then on.
    """
    heartbeat_record(worker=socket.gethostname())
    connections.close_all()  # the main process forks pool processes later: leave no link
