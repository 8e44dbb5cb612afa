"""Calendar files (RFC 5545) for meetings: one invitation, or a person's feed.

A series is one recurring event (``RRULE``, ``EXDATE`` for cancelled occurrences, an
override with ``RECURRENCE-ID`` for each occurrence that differs), under one UID in the
e-mails, the download and the feed alike, so calendar programs merge instead of duplicating.

They carry times, status, the counterpart's name and the place, nothing else: what a
meeting is about lives in the journal, which this app never imports. Escaping and line
folding of user text are left to the ``icalendar`` library; control characters that
have no place in calendar text are dropped before it sees them.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Event, vCalAddress, vText

from lib.links import site_host
from matching.membership import counterpart, member_q, member_related, members
from meetings.feeds import new_calendar, subscription_calendar
from meetings.models import Meeting, Series
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
    """The same for every version of a meeting, so calendars update instead of duplicating.
    A meeting of a series is an occurrence of the series' event: it carries that UID."""
    if meeting.series_id is not None:
        return series_uid(meeting.series_id)
    host = site_host()
    return f"meeting-{meeting.pk}@{host}"


def series_uid(series_id: int) -> str:
    return f"series-{series_id}@{site_host()}"


@dataclass(frozen=True)
class SeriesPattern:
    """A series as its recurring event: the rule it was planned with, and its meetings.

    The rule is read from a meeting never changed (version 0), whose index in planning
    order tells the first occurrence: every later change keeps the same rule, so an
    occurrence's ``RECURRENCE-ID`` stays what the calendar first received. Once every
    meeting has changed, the rule is the first meeting as it is now (``exact`` false) and
    e-mails send the whole series again, which replaces the calendar's copy."""

    series: Series
    meetings: tuple[Meeting, ...]  # all of the series, in planning order
    first: dt.datetime  # the first occurrence, on the series' clock
    duration: dt.timedelta
    place: str
    exact: bool

    @property
    def sequence(self) -> int:
        """Rises with every change to any of its meetings (each change raises a version)."""
        return sum(meeting.version for meeting in self.meetings)

    def slot(self, meeting: Meeting) -> dt.datetime:
        """Where the rule puts this meeting: its ``RECURRENCE-ID`` (or ``EXDATE``)."""
        index = [m.pk for m in self.meetings].index(meeting.pk)
        day = self.first.date() + dt.timedelta(weeks=self.series.interval_weeks * index)
        return dt.datetime.combine(day, self.first.timetz())

    def follows_rule(self, meeting: Meeting) -> bool:
        return (
            meeting.start == self.slot(meeting)
            and meeting.end - meeting.start == self.duration
            and meeting.place == self.place
        )


def series_pattern(series: Series, meetings: Iterable[Meeting]) -> SeriesPattern:
    """The series' rule from all of its meetings (see ``SeriesPattern``)."""
    ordered = tuple(sorted(meetings, key=lambda m: m.pk))
    zone = zoneinfo.ZoneInfo(series.time_zone)
    index, model = next(((i, m) for i, m in enumerate(ordered) if m.version == 0), (0, ordered[0]))
    start = model.start.astimezone(zone)
    day = start.date() - dt.timedelta(weeks=series.interval_weeks * index)
    return SeriesPattern(
        series=series,
        meetings=ordered,
        first=dt.datetime.combine(day, start.timetz()),
        duration=model.end - model.start,
        place=model.place,
        exact=model.version == 0,
    )


def series_meetings(series_ids: Iterable[int]) -> dict[int, SeriesPattern]:
    """The rules of these series, in one query."""
    by_series: dict[int, list[Meeting]] = {}
    series: dict[int, Series] = {}
    rows = Meeting.objects.filter(series_id__in=set(series_ids)).select_related(
        "series", *member_related("pair__")
    )
    for meeting in rows:
        assert meeting.series is not None  # noqa: S101 - filtered on it
        series[meeting.series.pk] = meeting.series
        by_series.setdefault(meeting.series.pk, []).append(meeting)
    return {pk: series_pattern(series[pk], found) for pk, found in by_series.items()}


def _address(person: User, *, partstat: str | None = None) -> vCalAddress:
    address = vCalAddress(f"mailto:{person.email}")
    address.params["CN"] = vText(calendar_text(person.full_name or person.email))
    if partstat:  # answers are given on the site, not by replying to the e-mail
        address.params["ROLE"] = vText("REQ-PARTICIPANT")
        address.params["PARTSTAT"] = vText(partstat)
        address.params["RSVP"] = vText("FALSE")
    return address


def _base_event(
    meeting: Meeting, person: User, *, sequence: int, cancelled: bool, stamp: dt.datetime
) -> Event:
    other = counterpart(meeting.pair, person)
    event = Event()
    event.add("uid", meeting_uid(meeting))
    event.add("sequence", sequence)
    event.add("dtstamp", stamp.astimezone(dt.UTC))
    event.add(
        "summary",
        _("Mentoring: %(name)s") % {"name": calendar_text(other.full_name or other.email)},
    )
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    return event


def _event(meeting: Meeting, person: User, *, cancelled: bool, stamp: dt.datetime) -> Event:
    event = _base_event(meeting, person, sequence=meeting.version, cancelled=cancelled, stamp=stamp)
    event.add("dtstart", meeting.start.astimezone(dt.UTC))
    event.add("dtend", meeting.end.astimezone(dt.UTC))
    if place := calendar_text(meeting.place):
        event.add("location", place)
    return event


def _series_master(pattern: SeriesPattern, person: User, *, stamp: dt.datetime) -> Event:
    """The recurring event: the rule, and every cancelled occurrence excluded."""
    meetings = pattern.meetings
    cancelled = all(meeting.is_cancelled for meeting in meetings)
    master = _base_event(
        meetings[0], person, sequence=pattern.sequence, cancelled=cancelled, stamp=stamp
    )
    master.add("dtstart", pattern.first)
    master.add("dtend", pattern.first + pattern.duration)
    master.add(
        "rrule",
        {"freq": "weekly", "interval": pattern.series.interval_weeks, "count": len(meetings)},
    )
    if place := calendar_text(pattern.place):
        master.add("location", place)
    excluded = [pattern.slot(m) for m in meetings if m.is_cancelled]
    if excluded and not cancelled:
        master.add("exdate", excluded)
    return master


def _occurrence(
    pattern: SeriesPattern, meeting: Meeting, person: User, *, stamp: dt.datetime
) -> Event:
    """One occurrence as it differs from the rule (moved, or cancelled)."""
    event = _event(meeting, person, cancelled=meeting.is_cancelled, stamp=stamp)
    event["sequence"] = pattern.sequence  # one sequence for the whole event and its overrides
    event.add("recurrence-id", pattern.slot(meeting))
    return event


def series_events(pattern: SeriesPattern, person: User, *, stamp: dt.datetime) -> list[Event]:
    """The whole series: the recurring event and an override for each moved occurrence."""
    overrides = [
        _occurrence(pattern, meeting, person, stamp=stamp)
        for meeting in pattern.meetings
        if not meeting.is_cancelled and not pattern.follows_rule(meeting)
    ]
    return [_series_master(pattern, person, stamp=stamp), *overrides]


def _invitation(events: Sequence[Event], pair_meeting: Meeting, method: Method) -> bytes:
    pair = pair_meeting.pair
    organiser = pair_meeting.organiser or members(pair)[0]
    if pair_meeting.series is not None and pair_meeting.series.organiser is not None:
        organiser = pair_meeting.series.organiser  # the one who planned it, for every version
    calendar = new_calendar(method)
    for event in events:
        event.add("organizer", _address(organiser))
        for person in members(pair):
            partstat = "ACCEPTED" if person.pk == organiser.pk else "NEEDS-ACTION"
            event.add("attendee", _address(person, partstat=partstat))
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def meeting_ics(meeting: Meeting, *, for_person: User, method: Method) -> bytes:
    """One meeting as an invitation (REQUEST) or a cancellation (CANCEL) for one of its two
    people: the summary names the other person. A meeting of a series comes as its whole
    series, the one event calendars know it by."""
    if meeting.series_id is not None:
        pattern = series_meetings([meeting.series_id])[meeting.series_id]
        return series_ics(pattern, for_person=for_person)
    cancelled = method == "CANCEL" or meeting.is_cancelled
    event = _event(meeting, for_person, cancelled=cancelled, stamp=timezone.now())
    return _invitation([event], meeting, method)


def series_ics(pattern: SeriesPattern, *, for_person: User, only: Meeting | None = None) -> bytes:
    """A series as one invitation for one of its two people: the whole series (REQUEST, or
    CANCEL once every meeting is cancelled), or ``only`` one changed occurrence, which
    updates just that one (REQUEST with its new time, or CANCEL)."""
    stamp = timezone.now()
    model = pattern.meetings[0]
    if only is not None:
        method: Method = "CANCEL" if only.is_cancelled else "REQUEST"
        return _invitation([_occurrence(pattern, only, for_person, stamp=stamp)], only, method)
    if all(meeting.is_cancelled for meeting in pattern.meetings):
        return _invitation([_series_master(pattern, for_person, stamp=stamp)], model, "CANCEL")
    return _invitation(series_events(pattern, for_person, stamp=stamp), model, "REQUEST")


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
    meetings = list(meetings)
    patterns = series_meetings(m.series_id for m in meetings if m.series_id is not None)
    for meeting in meetings:
        if meeting.series_id is None:
            stamp = meeting.updated_at
            calendar.add_component(
                _event(meeting, person, cancelled=meeting.is_cancelled, stamp=stamp)
            )
        elif (pattern := patterns.pop(meeting.series_id, None)) is not None:
            stamp = max(m.updated_at for m in pattern.meetings)
            for event in series_events(pattern, person, stamp=stamp):
                calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def feed_ics(person: User) -> bytes:
    """A subscription calendar: times, status, counterpart and place. No e-mail addresses.
    A series is its recurring event, as in the invitations."""
    return _feed(person, feed_meetings(person))


def archive_ics(person: User) -> bytes:
    """Every meeting of the person's pairs, for their own data export: times, status,
    counterpart and place, as the feed has them, with no history limit."""
    meetings = (
        Meeting.objects.filter(member_q(person, "pair__"))
        .select_related(*member_related("pair__"))
        .order_by("start", "pk")
    )
    return _feed(person, meetings)
