from lib.mail import email_task
from programs.notifications import enrolment_decision_send, program_invitation_send


@email_task("programs.send_program_invitation")
def send_program_invitation(program_id: int, person_id: int) -> None:
    program_invitation_send(program_id=program_id, person_id=person_id)


@email_task("programs.send_enrolment_decision")
def send_enrolment_decision(enrolment_id: int) -> None:
    enrolment_decision_send(enrolment_id=enrolment_id)
