"""Programs for tests: factory_boy for single rows, services for states."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from people.models import User
from programs.models import Enrolment, Program, Skill
from programs.services import enrolment_create


class SkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Skill
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Skill {n}")


class ProgramFactory(factory.django.DjangoModelFactory):
    """An open program with today inside its enrolment window."""

    class Meta:
        model = Program

    name = factory.Sequence(lambda n: f"Program {n}")
    description = "Grow with a mentor from another part of the company."
    status = Program.Status.OPEN
    enrolment_opens = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=7))
    enrolment_closes = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=21))
    starts_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=30))
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=210))


MENTEE_ANSWERS = {
    "goals": "Get better at leading meetings with senior stakeholders.",
    "languages": ["en"],
    "meeting_format": Enrolment.MeetingFormat.VIDEO,
    "availability": ["tue-am", "thu-pm"],
    "years_experience": 3,
}
MENTOR_ANSWERS = {**MENTEE_ANSWERS, "goals": "", "years_experience": 12, "capacity": 2}


def enrol(program: Program, person: User, role: str = "mentee", **answers: object) -> Enrolment:
    base = MENTOR_ANSWERS if role == Enrolment.Role.MENTOR else MENTEE_ANSWERS
    return enrolment_create(program=program, person=person, role=role, values={**base, **answers})
