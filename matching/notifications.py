"""E-mails about pairs: names, the program and a link; nothing private."""

from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.core.mail import EmailMessage, send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from matching.models import MentorshipRequest, Pair
from people.mail import send_once, subject_line


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
        send_once(EmailMessage(subject, body, None, [person.email]))


def request_reminder_send(*, request: MentorshipRequest) -> int:
    """Remind the mentor of an unanswered request: the mentee's name, the program, the
    dates and a link; never the request's message. Returns how many e-mails went out."""
    mentor = request.mentor.person
    if not mentor.is_active or not mentor.email:
        return 0
    zone = zoneinfo.ZoneInfo(mentor.time_zone)
    with translation.override(mentor.language):
        context = {
            "person": mentor,
            "mentee": request.mentee.person.full_name or request.mentee.person.email,
            "program": request.program.name,
            "asked_on": date_format(timezone.localtime(request.created_at, zone).date()),
            "answer_by": date_format(timezone.localtime(request.expires_at, zone).date()),
            "url": settings.BASE_URL + reverse("matching:requests"),
        }
        subject = render_to_string("matching/email/request_reminder_subject.txt", context)
        body = render_to_string("matching/email/request_reminder_message.txt", context)
    return send_mail(subject_line(subject), body, None, [mentor.email])
