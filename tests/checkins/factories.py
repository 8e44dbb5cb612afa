"""Check-in states for tests, built through the real services."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from checkins.models import Survey
from checkins.services import survey_save
from matching.models import Pair
from matching.services import pair_create
from meetings.models import Meeting
from meetings.services import meeting_log
from people.models import User
from programs.models import Enrolment, Program
from tests.factories import UserFactory
from tests.meetings.factories import when
from tests.programs.factories import ProgramFactory, enrol


def pair_in(program: Program, mentee: User | None = None, mentor: User | None = None) -> Pair:
    with transaction.atomic():
        return pair_create(
            mentee=enrol(program, mentee or UserFactory()),
            mentor=enrol(program, mentor or UserFactory(), role=Enrolment.Role.MENTOR),
            origin=Pair.Origin.MANUAL,
        )


def cohort(program: Program, pairs: int) -> list[Pair]:
    return [pair_in(program) for _ in range(pairs)]


def held_meeting(pair: Pair, days_ago: int = 1) -> Meeting:
    day = timezone.localdate() - dt.timedelta(days=days_ago)
    return meeting_log(pair=pair, by=pair.mentee.person, when=when(day, 10))


def open_survey(
    program: Program,
    kind: str = Survey.Kind.MID,
    keys: tuple[str, ...] = ("useful", "progress", "recommend"),
) -> Survey:
    now = timezone.now()
    return survey_save(
        program=program,
        kind=kind,
        opens_at=now - dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=7),
        keys=keys,
    )


def new_program() -> Program:
    return ProgramFactory()
