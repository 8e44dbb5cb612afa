"""A pair ready to meet, built through the real services."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from matching.models import Pair
from matching.services import pair_create
from meetings.services import When
from people.models import User
from programs.models import Enrolment
from tests.programs.factories import ProgramFactory, enrol


def make_pair(mentee: User, mentor: User) -> Pair:
    """A pair made as HR makes one by hand: ``matching.services.pair_create``, which checks
    the mentor's free seat and that the mentee has no mentor yet."""
    program = ProgramFactory()
    with transaction.atomic():
        return pair_create(
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
