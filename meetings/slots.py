"""Meeting times that fall in both people's stated weekly availability.

Each person states when they are free in their own zone at enrolment ("tue-am" is
Tuesday 9 to 12 on their clock, programs.models.SLOT_HOURS). A suggestion is a start
time, on the half hour, whose whole meeting lies inside a free slot on both clocks,
summer time included: each candidate moment is read on each person's clock.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass

from programs.models import SLOT_HOURS

DAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
STEP = dt.timedelta(minutes=30)


@dataclass(frozen=True)
class Availability:
    slots: Sequence[str]  # "mon-am", "thu-pm", ... as stored on the enrolment
    time_zone: str


def _free(moment: dt.datetime, duration: dt.timedelta, person: Availability) -> bool:
    """Whether the meeting from ``moment`` lies inside one of the person's slots."""
    start = moment.astimezone(zoneinfo.ZoneInfo(person.time_zone))
    since_midnight = dt.timedelta(hours=start.hour, minutes=start.minute)
    day = DAY_KEYS[start.weekday()]
    return any(
        dt.timedelta(hours=opens) <= since_midnight
        and since_midnight + duration <= dt.timedelta(hours=closes)
        for part, (opens, closes) in SLOT_HOURS.items()
        if f"{day}-{part}" in person.slots
    )


def shared_slots(
    people: Sequence[Availability],
    *,
    after: dt.datetime,
    duration: dt.timedelta = dt.timedelta(hours=1),
    days: int = 14,
    limit: int = 6,
    per_day: int = 1,
) -> list[dt.datetime]:
    """Up to ``limit`` start times (in UTC) from ``after`` over the next ``days`` days
    when the meeting fits everybody's availability; at most ``per_day`` per UTC day, so
    the suggestions spread over the fortnight. Empty when anyone stated none."""
    if not people or any(not person.slots for person in people):
        return []
    try:
        for person in people:
            zoneinfo.ZoneInfo(person.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):  # an older row without a usable zone
        return []
    moment = after.astimezone(dt.UTC).replace(second=0, microsecond=0)
    moment += dt.timedelta(minutes=(30 - moment.minute % 30) % 30)
    end = moment + dt.timedelta(days=days)
    found: list[dt.datetime] = []
    taken: dict[dt.date, int] = {}
    while moment < end and len(found) < limit:
        if taken.get(moment.date(), 0) < per_day and all(
            _free(moment, duration, person) for person in people
        ):
            found.append(moment)
            taken[moment.date()] = taken.get(moment.date(), 0) + 1
        moment += STEP
    return found
