"""Invitation, update and cancellation e-mails with a calendar file attached.

A series is one e-mail per person with one recurring event; a change of one of its
meetings is one e-mail per person that updates just that occurrence.

They carry names, times, the place and a link, never anything said in mentoring.
Each person reads the time in their own zone and language.
"""

from __future__ import annotations

from collections.abc import Sequence
from email.mime.text import MIMEText

from django.core.mail import EmailMessage
from django.utils import translation
from django.utils.formats import date_format, time_format

from lib.links import absolute_url
from lib.mail import compose, send_once
from matching.membership import counterpart, members
from meetings.calendar import (
    Method,
    SeriesPattern,
    meeting_ics,
    one_line,
    series_ics,
    series_meetings,
)
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


def _message(
    meeting: Meeting, person: User, method: Method, ics: bytes | None = None
) -> EmailMessage:
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
    if ics is None:
        ics = meeting_ics(meeting, for_person=person, method=method)
    message.attach(_attachment(ics, method))
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


# ---------------------------------------------------------------- series

Change = Sequence[int]  # (meeting id, version): one meeting of a series as it was changed


def _series_current(series_id: int, changes: Sequence[Change]) -> SeriesPattern | None:
    """The series, if this change of it is still to be e-mailed. A new series always is
    while any of it is still planned: the invitation carries the series as it is now.
    A change is not once a changed meeting moved on (a later change's e-mail covers it)."""
    pattern = series_meetings([series_id]).get(series_id)
    if pattern is None:
        return None
    versions = {meeting.pk: meeting.version for meeting in pattern.meetings}
    if all(version == 0 for _pk, version in changes):
        planned = any(not meeting.is_cancelled for meeting in pattern.meetings)
        return pattern if planned else None
    if any(versions.get(pk) != version for pk, version in changes):
        return None
    return pattern


def series_update_recipients(*, series_id: int, changes: Sequence[Change]) -> list[int]:
    """Who gets an e-mail about this change of the series (person ids); each send checks
    again (``series_update_send_to``)."""
    pattern = _series_current(series_id, changes)
    return [] if pattern is None else [p.pk for p in _recipients(pattern.meetings[0])]


def _series_kind(changes: Sequence[Change], changed: Sequence[Meeting]) -> str:
    if all(version == 0 for _pk, version in changes):
        return "invited"
    return "cancelled" if all(meeting.is_cancelled for meeting in changed) else "updated"


def _series_message(
    pattern: SeriesPattern, person: User, kind: str, changed: Sequence[Meeting]
) -> EmailMessage:
    series = pattern.series
    planned = [m for m in pattern.meetings if not m.is_cancelled]
    shown = changed if kind != "invited" else planned
    first, last = local_span(shown[0].start, shown[-1].start, person.time_zone)
    organiser = series.organiser
    context = {
        "person": person,
        "kind": kind,
        "organiser": organiser,
        "is_organiser": organiser is not None and organiser.pk == person.pk,
        "other": counterpart(series.pair, person),
        "count": len(planned),
        "every_weeks": series.interval_weeks,
        "date": date_format(first.date()),
        "time": time_format(first.time()),
        "last_date": date_format(last.date()),
        "zone": zone_name(first, person.time_zone),
        "place": one_line(pattern.place),
        "changed": [_line(meeting, person) for meeting in changed],
        "url": absolute_url("meetings:pair", pair_id=series.pair_id),
    }
    message = compose("meetings/email/series", to=person, context=context)
    method: Method = "CANCEL" if all(m.is_cancelled for m in pattern.meetings) else "REQUEST"
    message.attach(_attachment(series_ics(pattern, for_person=person), method))
    return message


def _line(meeting: Meeting, person: User) -> dict[str, object]:
    start, _end = local_span(meeting.start, meeting.end, person.time_zone)
    return {
        "date": date_format(start.date()),
        "time": time_format(start.time()),
        "zone": zone_name(start, person.time_zone),
        "cancelled": meeting.is_cancelled,
    }


def _occurrence_message(pattern: SeriesPattern, meeting: Meeting, person: User) -> EmailMessage:
    """One changed occurrence: the meeting's own e-mail, with a calendar file that updates
    just that occurrence of the series (``RECURRENCE-ID``)."""
    method: Method = "CANCEL" if meeting.is_cancelled else "REQUEST"
    ics = series_ics(pattern, for_person=person, only=meeting)
    return _message(meeting, person, method, ics)


def series_update_send_to(*, series_id: int, changes: Sequence[Change], person_id: int) -> int:
    """E-mail one person of the pair about this change of a series: one invitation for a
    new series, one e-mail for a change of one occurrence (or the whole series again when
    several changed at once). Returns how many e-mails went out (0 or 1)."""
    pattern = _series_current(series_id, changes)
    people = [] if pattern is None else _recipients(pattern.meetings[0])
    person = next((p for p in people if p.pk == person_id), None)
    if pattern is None or person is None:
        return 0
    ids = {pk for pk, _version in changes}
    changed = [meeting for meeting in pattern.meetings if meeting.pk in ids]
    kind = _series_kind(changes, changed)
    with translation.override(person.language):
        if kind != "invited" and len(changed) == 1 and pattern.exact:
            message = _occurrence_message(pattern, changed[0], person)
        else:
            message = _series_message(pattern, person, kind, changed)
    send_once(message)
    return 1


def series_update_send(*, series_id: int, changes: Sequence[Change]) -> int:
    """E-mail both people here and now (tests, a shell); the task sends one per person."""
    return sum(
        series_update_send_to(series_id=series_id, changes=changes, person_id=person_id)
        for person_id in series_update_recipients(series_id=series_id, changes=changes)
    )
