"""Invitation, update and cancellation e-mails with a calendar file attached.

They carry names, times, the place and a link, never anything said in mentoring.
Each person reads the time in their own zone and language.
"""

from __future__ import annotations

from email.mime.text import MIMEText

from django.core.mail import EmailMessage
from django.utils import translation
from django.utils.formats import date_format, time_format

from lib.links import absolute_url
from lib.mail import compose, send_once
from matching.membership import counterpart, members
from meetings.calendar import Method, meeting_ics, one_line
from meetings.models import Meeting
from meetings.timezones import local_span, zone_name
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
    start, end = local_span(meeting.start, meeting.end, person.time_zone)
    organiser = meeting.organiser
    context = {
        "person": person,
        "kind": _kind(meeting),
        "organiser": organiser,
        "is_organiser": organiser is not None and organiser.pk == person.pk,
        "other": counterpart(meeting.pair, person),
        "date": date_format(start.date()),
        "time": time_format(start.time()),
        "end_time": time_format(end.time()),
        "zone": zone_name(start, person.time_zone),
        "place": one_line(meeting.place),  # older rows may hold line breaks
        "url": absolute_url("meetings:pair", pair_id=meeting.pair_id),
    }
    message = compose("meetings/email/meeting", to=person, context=context)
    message.attach(_attachment(meeting_ics(meeting, for_person=person, method=method), method))
    return message


def _current(meeting_id: int, version: int) -> Meeting | None:
    """The meeting, if this version of it is still to be e-mailed: not gone, not logged
    afterwards, not moved on to a later version (whose own e-mails supersede these)."""
    meeting = (
        Meeting.objects.select_related("organiser", "pair__mentee__person", "pair__mentor__person")
        .filter(pk=meeting_id)
        .first()
    )
    if meeting is None or meeting.logged or meeting.version != version:
        return None
    return meeting


def _recipients(meeting: Meeting) -> list[User]:
    people = members(meeting.pair)
    return [person for person in people if person.is_active and person.email]


def meeting_update_recipients(*, meeting_id: int, version: int) -> list[int]:
    """Who gets an e-mail about this version of the meeting (person ids): each person of
    the pair who is active and has an address. Each send checks again
    (``meeting_update_send_to``)."""
    meeting = _current(meeting_id, version)
    return [] if meeting is None else [person.pk for person in _recipients(meeting)]


def meeting_update_send_to(*, meeting_id: int, version: int, person_id: int) -> int:
    """E-mail one person of the meeting's pair about this version of it, in their own
    language and time zone: an invitation or update, or a cancellation.

    Returns how many e-mails went out: none if the version is no longer to be e-mailed (see
    ``_current``), or the person is not (or no longer) one to e-mail.
    """
    meeting = _current(meeting_id, version)
    people = [] if meeting is None else _recipients(meeting)
    person = next((p for p in people if p.pk == person_id), None)
    if meeting is None or person is None:
        return 0
    method: Method = "CANCEL" if meeting.is_cancelled else "REQUEST"
    with translation.override(person.language):
        message = _message(meeting, person, method)
    send_once(message)
    return 1


def meeting_update_send(*, meeting_id: int, version: int) -> int:
    """E-mail both people here and now, one after the other (tests, a shell). The task
    sends each e-mail as a task of its own (``meetings.tasks``), so that its retry resends
    only the one that failed. Returns how many e-mails went out."""
    return sum(
        meeting_update_send_to(meeting_id=meeting_id, version=version, person_id=person_id)
        for person_id in meeting_update_recipients(meeting_id=meeting_id, version=version)
    )
