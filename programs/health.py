"""Value-only reads of a program's enrolments for HR's health page (``hr_view``).

Counts and dates, as frozen dataclasses: nothing here returns a model instance, an
enrolment's answers (goals, availability) or a name. ``hr_view`` may import this module
but not ``programs.models`` for its health pages (see the import contracts).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q

from programs.models import Enrolment, Invitation, Program


@dataclass(frozen=True)
class ProgramFacts:
    """What the health page says about the program itself."""

    id: int
    name: str
    status: str
    status_label: str
    starts_on: dt.date
    ends_on: dt.date
    stalled_after_days: int


@dataclass(frozen=True)
class EnrolmentStages:
    """The first stages of the funnel, in enrolments (a person enrolled as mentee and as
    mentor counts twice)."""

    invited: int
    enrolled: int
    pending: int
    mentees_accepted: int
    mentors_accepted: int


def _facts(program: Program) -> ProgramFacts:
    return ProgramFacts(
        id=program.pk,
        name=program.name,
        status=program.status,
        status_label=str(program.get_status_display()),
        starts_on=program.starts_on,
        ends_on=program.ends_on,
        stalled_after_days=program.stalled_after_days,
    )


def facts_of(program: Program) -> ProgramFacts:
    """The facts of a program the caller already read (``programs.access`` hands it over)."""
    return _facts(program)


def program_facts(*, program_id: int) -> ProgramFacts:
    return _facts(Program.objects.get(pk=program_id))


class ProgramFactsList:
    """Every program, newest start first, for the side-by-side comparison: counted once and
    fetched a slice at a time (``people.paging.window`` pages through it)."""

    def __init__(self) -> None:
        self._programs = Program.objects.order_by("-starts_on", "name", "pk")

    def count(self) -> int:
        return self._programs.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> tuple[ProgramFacts, ...]:
        return tuple(_facts(p) for p in self._programs[index])


def enrolment_stages(*, program_id: int) -> EnrolmentStages:
    """In two queries: invitations, and enrolments by status and role."""
    accepted = Q(status=Enrolment.Status.ACCEPTED)
    figures = Enrolment.objects.filter(program_id=program_id).aggregate(
        enrolled=Count("pk"),
        pending=Count("pk", filter=Q(status=Enrolment.Status.PENDING)),
        mentees=Count("pk", filter=accepted & Q(role=Enrolment.Role.MENTEE)),
        mentors=Count("pk", filter=accepted & Q(role=Enrolment.Role.MENTOR)),
    )
    return EnrolmentStages(
        invited=Invitation.objects.filter(program_id=program_id).count(),
        enrolled=figures["enrolled"],
        pending=figures["pending"],
        mentees_accepted=figures["mentees"],
        mentors_accepted=figures["mentors"],
    )


def participants_by_department(*, program_id: int) -> dict[str, int]:
    """People taking part (an accepted enrolment) per department name; "" for people
    without a department. The caller suppresses small cells (``lib.suppression``)."""
    rows = (
        Enrolment.objects.filter(program_id=program_id, status=Enrolment.Status.ACCEPTED)
        .order_by()
        .values("person__department__name")
        .annotate(n=Count("person", distinct=True))
        .values_list("person__department__name", "n")
    )
    return {name or "": n for name, n in rows}
