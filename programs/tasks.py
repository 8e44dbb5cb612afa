from celery import shared_task
from celery.contrib.django.task import DjangoTask

from programs.notifications import enrolment_decision_send, program_invitation_send


@shared_task(
    name="programs.send_program_invitation",
    base=DjangoTask,
    ignore_result=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def send_program_invitation(program_id: int, person_id: int) -> None:
    program_invitation_send(program_id=program_id, person_id=person_id)


@shared_task(
    name="programs.send_enrolment_decision",
    base=DjangoTask,
    ignore_result=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def send_enrolment_decision(enrolment_id: int) -> None:
    enrolment_decision_send(enrolment_id=enrolment_id)
