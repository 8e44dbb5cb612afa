import socket
from typing import Any

from celery import shared_task
from django.conf import settings

from mentoring.health import heartbeat_record


@shared_task(name="mentoring.heartbeat", ignore_result=True)
def heartbeat() -> None:
    heartbeat_record(worker=socket.gethostname())


def heartbeat_send_at_start(*, consumer: Any) -> None:
    """Send the heartbeat task to a queue this worker consumes (``worker_ready``), so the
    first heartbeat comes through the broker and the pool, like beat's, within seconds."""
    queues: list[str] = list(consumer.app.amqp.queues.consume_from)
    options: dict[str, Any] = {"queue": queues[0]} if queues else {}
    heartbeat.apply_async(expires=settings.MENTORING_HEARTBEAT_SECONDS, **options)
