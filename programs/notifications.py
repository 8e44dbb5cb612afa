"""E-mails about programs. They carry names, dates and links, never anything private."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from people.models import User
from programs.models import Program


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
        subject = render_to_string("programs/email/invitation_subject.txt", context).strip()
        body = render_to_string("programs/email/invitation_message.txt", context)
    send_mail(subject, body, None, [person.email])
