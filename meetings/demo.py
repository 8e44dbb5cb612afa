"""Demo meetings: each demo pair gets a past meeting and a few planned ones."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone

from matching.models import Pair
from meetings.models import Meeting
from meetings.services import When, meeting_log, meeting_respond, meeting_schedule

PLACES = ["https://meet.example.com/mentoring", "Coffee corner, 3rd floor", ""]


def seed_meetings() -> int:
    """Meetings for pairs that have none yet; returns how many were made."""
    made = 0
    pairs = Pair.objects.filter(status=Pair.Status.ACTIVE).select_related(
        "program", "mentee__person", "mentor__person"
    )
    for n, pair in enumerate(pairs):
        if Meeting.objects.filter(pair=pair).exists():
            continue
        made += _pair_meetings(pair, n)
    return made


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
