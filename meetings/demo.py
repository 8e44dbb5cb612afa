"""Demo meetings: each demo pair gets a past meeting and a few planned ones, and the pair
the README names a meeting today or tomorrow, whenever the demo is seeded."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils import timezone

from matching.models import Pair
from meetings.models import Meeting
from meetings.services import When, meeting_log, meeting_respond, meeting_schedule

PLACES = ["https://meet.example.com/mentoring", "Coffee corner, 3rd floor", ""]
SOON_HOURS = (10, 11, 14, 15, 16, 9, 17)  # local times to try for the meeting "soon"


def meetings_seed(*, pairs: Iterable[Pair]) -> int:
    """Meetings for the given (new, active) demo pairs; returns how many were made."""
    return sum(_pair_meetings(pair, n) for n, pair in enumerate(pairs))


def _pair_meetings(pair: Pair, n: int) -> int:
    mentee = pair.mentee.person
    today = timezone.localdate()
    hour = 9 + n % 7  # spread the pairs over the day so people with two pairs do not clash
    try:
        meeting_log(
            pair=pair,
            by=mentee,
            when=When(today - dt.timedelta(days=12 + n % 5), dt.time(hour), dt.timedelta(hours=1),
                      mentee.time_zone),
        )  # fmt: skip
        planned = meeting_schedule(
            pair=pair,
            organiser=mentee,
            when=When(today + dt.timedelta(days=3 + n % 9), dt.time(hour, 30),
                      dt.timedelta(minutes=45), mentee.time_zone),
            place=PLACES[n % len(PLACES)],
            every_weeks=pair.program.cadence_weeks,
            count=3,
        )  # fmt: skip
    except ValidationError:
        return 0  # a clash with this person's other pair: leave this one without meetings
    meeting_respond(meeting=planned[0], person=pair.mentor.person, accept=True)
    return 1 + len(planned)


def meeting_soon(*, pair: Pair) -> Meeting | None:
    """The pair's next scheduled meeting if it starts before the end of tomorrow (in the
    mentee's time zone), else None."""
    mentee = pair.mentee.person
    zone = zoneinfo.ZoneInfo(mentee.time_zone)
    day_after = timezone.localdate(timezone=zone) + dt.timedelta(days=2)
    end_of_tomorrow = dt.datetime.combine(day_after, dt.time(), tzinfo=zone)
    return (
        Meeting.objects.filter(
            pair=pair,
            status=Meeting.Status.SCHEDULED,
            start__gt=timezone.now(),
            start__lt=end_of_tomorrow,
        )
        .order_by("start")
        .first()
    )


def meeting_soon_ensure(*, pair: Pair) -> tuple[Meeting | None, bool]:
    """Give an active pair a meeting tomorrow unless it has one today or tomorrow already;
    returns the meeting (None if both people are busy all day or the pair ended) and
    whether it is new."""
    existing = meeting_soon(pair=pair)
    if existing is not None or pair.status != Pair.Status.ACTIVE:
        return existing, False
    mentee = pair.mentee.person
    tomorrow = timezone.localdate(timezone=zoneinfo.ZoneInfo(mentee.time_zone))
    tomorrow += dt.timedelta(days=1)
    for hour in SOON_HOURS:
        when = When(tomorrow, dt.time(hour), dt.timedelta(minutes=45), mentee.time_zone)
        try:
            [meeting] = meeting_schedule(pair=pair, organiser=mentee, when=when, place=PLACES[0])
        except ValidationError:
            continue  # one of them is busy then: try the next hour
        meeting_respond(meeting=meeting, person=pair.mentor.person, accept=True)
        return meeting, True
    return None, False
