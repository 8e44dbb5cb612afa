"""Calendar files (RFC 5545) for meetings: one invitation, or a person's feed.

They carry times, status, the counterpart's name and the place, nothing else: what a
meeting is about lives in the journal, which this app never imports. Escaping and line
folding of user text are left to the ``icalendar`` library; control characters that
have no place in calendar text are dropped before it sees them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Literal

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Event, vCalAddress, vText

from lib.links import site_host
from matching.membership import counterpart, member_q, member_related, members
from meetings.feeds import new_calendar, subscription_calendar
from meetings.models import Meeting
from people.models import User

Method = Literal["REQUEST", "CANCEL"]
FEED_HISTORY = dt.timedelta(days=90)
# RFC 5545 TEXT allows no control characters but HTAB; line breaks are escaped by icalendar.
# U+FEFF (a byte order mark, or the old zero-width no-break space) shows nothing, and
# icalendar drops it at the start of a value: it goes everywhere, so text reads back as sent.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufeff]")


def calendar_text(text: str) -> str:
    """User text as it goes into a calendar: one kind of line break, no control characters."""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


# Everything that ends a line somewhere: in a plain-text e-mail, a calendar or a browser.
_LINE_BREAKS = re.compile(r"[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]+")


def one_line(text: str) -> str:
    """Text for a one-line field (a place): each run of line breaks becomes one space and
    other control characters go, so the text cannot start a new line where it is shown."""
    return calendar_text(_LINE_BREAKS.sub(" ", text)).strip()


def meeting_uid(meeting: Meeting) -> str:
    """The same for every version of a meeting, so calendars update instead of duplicating."""
    host = site_host()
    return f"meeting-{meeting.pk}@{host}"


def _address(person: User, *, partstat: str | None = None) -> vCalAddress:
    address = vCalAddress(f"mailto:{person.email}")
    address.params["CN"] = vText(calendar_text(person.full_name or person.email))
    if partstat:  # answers are given on the site, not by replying to the e-mail
        address.params["ROLE"] = vText("REQ-PARTICIPANT")
        address.params["PARTSTAT"] = vText(partstat)
        address.params["RSVP"] = vText("FALSE")
    return address


def _event(meeting: Meeting, person: User, *, cancelled: bool, stamp: dt.datetime) -> Event:
    other = counterpart(meeting.pair, person)
    event = Event()
    event.add("uid", meeting_uid(meeting))
    event.add("sequence", meeting.version)
    event.add("dtstamp", stamp.astimezone(dt.UTC))
    event.add("dtstart", meeting.start.astimezone(dt.UTC))
    event.add("dtend", meeting.end.astimezone(dt.UTC))
    event.add(
        "summary",
        _("Mentoring: %(name)s") % {"name": calendar_text(other.full_name or other.email)},
    )
    if place := calendar_text(meeting.place):
        event.add("location", place)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    return event


def meeting_ics(meeting: Meeting, *, for_person: User, method: Method) -> bytes:
    """One meeting as an invitation (REQUEST) or a cancellation (CANCEL) for one of its two
    people: the summary names the other person."""
    cancelled = method == "CANCEL" or meeting.is_cancelled
    event = _event(meeting, for_person, cancelled=cancelled, stamp=timezone.now())
    pair = meeting.pair
    organiser = meeting.organiser or members(pair)[0]
    event.add("organizer", _address(organiser))
    for person in members(pair):
        partstat = "ACCEPTED" if person.pk == organiser.pk else "NEEDS-ACTION"
        event.add("attendee", _address(person, partstat=partstat))
    calendar = new_calendar(method)
    calendar.add_component(event)
    return calendar.to_ical()


def feed_meetings(person: User) -> QuerySet[Meeting]:
    """The person's meetings in all their pairs, from 90 days ago on, cancelled ones too."""
    return (
        Meeting.objects.filter(member_q(person, "pair__"))
        .filter(end__gte=timezone.now() - FEED_HISTORY)
        .select_related(*member_related("pair__"))
        .order_by("start", "pk")
    )


def _feed(person: User, meetings: Iterable[Meeting]) -> bytes:
    calendar = subscription_calendar("Mentoring")
    for meeting in meetings:
        calendar.add_component(
            _event(meeting, person, cancelled=meeting.is_cancelled, stamp=meeting.updated_at)
        )
    return calendar.to_ical()


def feed_ics(person: User) -> bytes:
    """A subscription calendar: times, status, counterpart and place. No e-mail addresses."""
    return _feed(person, feed_meetings(person))
