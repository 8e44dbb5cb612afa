"""E-mails about programs. They carry names, dates and links, never anything private."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from people.mail import send_once, subject_line
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
        "url": settings.BASE_URL + reverse("programs:detail", kwargs={"program_id": program.pk}),
    }
    with translation.override(person.language):
        subject = render_to_string("programs/email/invitation_subject.txt", context)
        body = render_to_string("programs/email/invitation_message.txt", context)
    send_once(EmailMessage(subject_line(subject), body, None, [person.email]))


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
    with translation.override(person.language):
        context = {
            "person": person,
            "program": program,
            "role": enrolment.role_in_a_sentence,
            "accepted": accepted,
            "url": settings.BASE_URL
            + (
                reverse("programs:detail", kwargs={"program_id": program.pk})
                if accepted
                else reverse("programs:list")
            ),
        }
        subject = render_to_string("programs/email/decision_subject.txt", context)
        body = render_to_string("programs/email/decision_message.txt", context)
    send_once(EmailMessage(subject_line(subject), body, None, [person.email]))
