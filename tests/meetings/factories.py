"""A pair ready to meet, built through the real services."""

from __future__ import annotations

import datetime as dt

from matching.models import Pair
from meetings.services import When
from people.models import User
from programs.models import Enrolment
from tests.programs.factories import ProgramFactory, enrol


def make_pair(mentee: User, mentor: User) -> Pair:
    program = ProgramFactory()
    return Pair.objects.create(
        program=program,
        mentee=enrol(program, mentee),
        mentor=enrol(program, mentor, role=Enrolment.Role.MENTOR),
        origin=Pair.Origin.MANUAL,
    )


def when(
    day: dt.date,
    hour: int = 10,
    minute: int = 0,
    *,
    minutes: int = 60,
    zone: str = "Europe/Berlin",
    fold: int | None = None,
) -> When:
    return When(day, dt.time(hour, minute), dt.timedelta(minutes=minutes), zone, fold)
