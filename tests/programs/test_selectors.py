from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from people.models import User
from programs.models import Enrolment, Invitation, Program
from programs.selectors import (
    program_counts_for_hr,
    program_list_for_hr,
    programs_open_to,
    programs_visible_to,
)
from programs.services import enrolment_withdraw
from tests.factories import DepartmentFactory, UserFactory
from tests.programs.factories import ProgramFactory, enrol

pytestmark = pytest.mark.django_db


def test_everyone_program_is_open_to_every_person(mentee: User, outsider: User) -> None:
    program = ProgramFactory()
    assert list(programs_open_to(person=mentee)) == [program]
    assert list(programs_open_to(person=outsider)) == [program]


def test_department_program_is_open_only_to_its_departments(mentee: User, mentor: User) -> None:
    program = ProgramFactory(audience=Program.Audience.DEPARTMENTS)
    program.departments.set([mentee.department])
    assert list(programs_open_to(person=mentee)) == [program]
    assert list(programs_open_to(person=mentor)) == []


def test_person_without_department_sees_no_department_program(db: None) -> None:
    program = ProgramFactory(audience=Program.Audience.DEPARTMENTS)
    program.departments.set([DepartmentFactory()])
    loner = UserFactory(department=None)
    assert list(programs_open_to(person=loner)) == []


def test_invited_program_is_open_only_to_invited_people(mentee: User, mentor: User) -> None:
    program = ProgramFactory(audience=Program.Audience.INVITED)
    Invitation.objects.create(program=program, person=mentee)
    assert list(programs_open_to(person=mentee)) == [program]
    assert list(programs_open_to(person=mentor)) == []


@pytest.mark.parametrize(
    ("opens", "closes", "status", "open_today"),
    [
        (-1, 1, Program.Status.OPEN, True),
        (0, 0, Program.Status.OPEN, True),
        (1, 5, Program.Status.OPEN, False),
        (-5, -1, Program.Status.OPEN, False),
        (-1, 1, Program.Status.DRAFT, False),
        (-1, 1, Program.Status.MATCHING, False),
    ],
)
def test_programs_are_open_inside_their_window_and_status(
    mentee: User, opens: int, closes: int, status: str, open_today: bool
) -> None:
    today = timezone.localdate()
    ProgramFactory(
        status=status,
        enrolment_opens=today + dt.timedelta(days=opens),
        enrolment_closes=today + dt.timedelta(days=closes),
    )
    assert programs_open_to(person=mentee).exists() is open_today


def test_people_still_see_programs_they_are_in_after_enrolment_closes(mentee: User) -> None:
    program = ProgramFactory()
    enrol(program, mentee)
    Program.objects.filter(pk=program.pk).update(status=Program.Status.MATCHING)
    assert list(programs_visible_to(person=mentee)) == [program]


def test_drafts_are_visible_to_nobody_but_hr(mentee: User) -> None:
    ProgramFactory(status=Program.Status.DRAFT)
    assert not programs_visible_to(person=mentee).exists()


def test_hr_counts_leave_out_withdrawn_people(mentee: User, mentor: User, outsider: User) -> None:
    program = ProgramFactory(requires_approval=True)
    enrol(program, mentee)
    enrol(program, mentor, role=Enrolment.Role.MENTOR)
    enrolment_withdraw(enrolment=enrol(program, outsider))
    row = program_list_for_hr().get(pk=program.pk)
    assert (row.mentee_count, row.mentor_count, row.pending_count) == (1, 1, 2)


def test_enrolling_without_availability_is_allowed(mentee: User) -> None:
    enrolment = enrol(ProgramFactory(), mentee, availability=[])
    assert enrolment.availability == []


def test_the_written_out_counts_agree_with_the_queryset(
    mentee: User, mentor: User, outsider: User
) -> None:
    busy = ProgramFactory(requires_approval=True)
    enrol(busy, mentee)
    enrol(busy, mentor, role=Enrolment.Role.MENTOR)
    enrolment_withdraw(enrolment=enrol(busy, outsider))
    quiet = ProgramFactory()
    enrol(quiet, outsider, role=Enrolment.Role.MENTOR)
    ProgramFactory(status=Program.Status.DRAFT)
    fields = ("pk", "name", "status", "enrolment_opens", "enrolment_closes", "starts_on",
              "ends_on", "mentee_count", "mentor_count", "pending_count")  # fmt: skip
    assert [tuple(getattr(row, f) for f in fields) for row in program_counts_for_hr()] == [
        tuple(getattr(program, f) for f in fields)
        for program in program_list_for_hr().order_by("-starts_on", "name", "pk")
    ]
    assert [r.get_status_display() for r in program_counts_for_hr()] == [
        p.get_status_display() for p in program_list_for_hr().order_by("-starts_on", "name", "pk")
    ]
