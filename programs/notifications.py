"""E-mails about programs. They carry names, dates and links, never anything private."""

from __future__ import annotations

from lib.links import absolute_url
from lib.mail import compose, send_once
from people.models import User
from programs.models import Enrolment, Program


def program_invitation_send(*, program_id: int, person_id: int) -> None:
    program = Program.objects.filter(pk=program_id).first()
    person = User.objects.filter(pk=person_id, is_active=True).first()
    if program is None or person is None or program.status == Program.Status.CLOSED:
        return
    context = {
        "person": person,
        "program": program,
        "url": absolute_url("programs:detail", program_id=program.pk),
    }
    send_once(compose("programs/email/invitation", to=person, context=context))


def enrolment_decision_send(*, enrolment_id: int) -> None:
    """Tell a person HR's decision on their application, in their language. Nothing is
    sent if the application was withdrawn meanwhile or the person has left."""
    enrolment = (
        Enrolment.objects.select_related("person", "program")
        .filter(
            pk=enrolment_id,
            status__in=[Enrolment.Status.ACCEPTED, Enrolment.Status.DECLINED],
            person__is_active=True,
        )
        .first()
    )
    if enrolment is None:
        return
    person, program = enrolment.person, enrolment.program
    accepted = enrolment.status == Enrolment.Status.ACCEPTED

    def context() -> dict[str, object]:  # the role worded in the person's language
        return {
            "person": person,
            "program": program,
            "role": enrolment.role_in_a_sentence,
            "accepted": accepted,
            "url": (
                absolute_url("programs:detail", program_id=program.pk)
                if accepted
                else absolute_url("programs:list")
            ),
        }

    send_once(compose("programs/email/decision", to=person, context=context))
