import socket

from celery import shared_task

from mentoring.health import heartbeat_record


@shared_task(name="mentoring.heartbeat", ignore_result=True)
def heartbeat() -> None:
    heartbeat_record(worker=socket.gethostname())
