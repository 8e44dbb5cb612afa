"""Invitation, update and cancellation e-mails with a calendar file attached.

They carry names, times, the place and a link, never anything said in mentoring.
Each person reads the time in their own zone and language.
"""

from __future__ import annotations

from email.mime.text import MIMEText

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format, time_format

from meetings.calendar import Method, counterpart, meeting_ics
from meetings.models import Meeting
from meetings.timezones import local
from people.mail import send_once, subject_line
from people.models import User


def _kind(meeting: Meeting) -> str:
    if meeting.is_cancelled:
        return "cancelled"
    return "invited" if meeting.version == 0 else "updated"


def _attachment(ics: bytes, method: Method) -> MIMEText:
    part = MIMEText(ics.decode("utf-8"), "calendar", "utf-8")
    part.set_param("method", method)
    part.add_header("Content-Disposition", "attachment", filename="invite.ics")
    return part


def _message(meeting: Meeting, person: User, method: Method) -> EmailMessage:
    start, end = local(meeting.start, person.time_zone), local(meeting.end, person.time_zone)
    organiser = meeting.organiser
    context = {
        "person": person,
        "kind": _kind(meeting),
        "organiser": organiser,
        "is_organiser": organiser is not None and organiser.pk == person.pk,
        "other": counterpart(meeting, person),
        "date": date_format(start.date()),
        "time": time_format(start.time()),
        "end_time": time_format(end.time()),
        "zone": person.time_zone,
        "place": meeting.place,
        "url": settings.BASE_URL + reverse("meetings:pair", kwargs={"pair_id": meeting.pair_id}),
    }
    subject = render_to_string("meetings/email/meeting_subject.txt", context).strip()
    body = render_to_string("meetings/email/meeting_message.txt", context)
    message = EmailMessage(subject_line(subject), body, None, [person.email])
    message.attach(_attachment(meeting_ics(meeting, for_person=person, method=method), method))
    return message


def meeting_update_send(*, meeting_id: int, version: int) -> int:
    """E-mail both people of the meeting's pair about this version of it.

    Returns how many e-mails went out: none for a meeting that is gone, was logged
    afterwards, or has moved on to a later version (whose own e-mail supersedes this one).
    """
    meeting = (
        Meeting.objects.select_related("organiser", "pair__mentee__person", "pair__mentor__person")
        .filter(pk=meeting_id)
        .first()
    )
    if meeting is None or meeting.logged or meeting.version != version:
        return 0
    method: Method = "CANCEL" if meeting.is_cancelled else "REQUEST"
    sent = 0
    for person in (meeting.pair.mentee.person, meeting.pair.mentor.person):
        if not person.is_active or not person.email:
            continue
        with translation.override(person.language):
            message = _message(meeting, person, method)
        send_once(message)
        sent += 1
    return sent
