"""E-mails about pairs: names, the program and a link; nothing private."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from matching.models import Pair


def pair_introduction_send(*, pair_id: int) -> None:
    pair = (
        Pair.objects.select_related("program", "mentee__person", "mentor__person")
        .filter(pk=pair_id, status=Pair.Status.ACTIVE)
        .first()
    )
    if pair is None:
        return
    people = [(pair.mentee.person, pair.mentor.person), (pair.mentor.person, pair.mentee.person)]
    for person, counterpart in people:
        if not person.is_active:
            continue
        context = {
            "person": person,
            "counterpart": counterpart,
            "program": pair.program,
            "is_mentee": person == pair.mentee.person,
            "url": settings.BASE_URL + reverse("home"),
        }
        with translation.override(person.language):
            subject = render_to_string("matching/email/introduction_subject.txt", context).strip()
            body = render_to_string("matching/email/introduction_message.txt", context)
        send_mail(subject, body, None, [person.email])
