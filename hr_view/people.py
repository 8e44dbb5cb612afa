"""A person as HR's people pages show them: what several apps know, as plain values.

HR's read side composes it because no app below may know all of it: the reporting line is
people's, enrolments are programs', pairs are matching's and meetings are meetings'.
Names, roles, statuses and counts only; nothing here can reach session content (the
journal is not imported), and pairs come as values from ``matching.membership``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from matching.membership import (
    PairedWith,
    active_pair_count,
    paired_with_by_enrolment,
    pairs_of,
)
from meetings.health import future_meetings_in_active_pairs
from people.models import User
from programs.models import Enrolment
from programs.selectors import enrolments_of


@dataclass(frozen=True)
class ProgramRole:
    """One of the person's enrolments: the program, the role and with whom they are paired."""

    program_id: int
    program_name: str
    role: str
    status: str
    live: bool
    paired_with: tuple[PairedWith, ...]


@dataclass(frozen=True)
class DeactivationConsequences:
    """What deactivating the person would end, counted before HR confirms."""

    live_enrolments: int
    active_pairs: int
    future_meetings: int
    active_reports: int


def person_program_roles(*, person: User) -> tuple[ProgramRole, ...]:
    """Every program the person enrolled in, newest first, with their pairs there; in
    three queries whatever their number."""
    enrolments = list(enrolments_of(person=person))
    paired = paired_with_by_enrolment(person)
    return tuple(
        ProgramRole(
            program_id=e.program_id,
            program_name=e.program.name,
            role=e.get_role_display(),
            status=e.get_status_display(),
            live=e.is_live,
            paired_with=tuple(paired.get(e.pk, ())),
        )
        for e in enrolments
    )


def deactivation_consequences(*, person: User) -> DeactivationConsequences:
    future = future_meetings_in_active_pairs(pairs=pairs_of(person), now=timezone.now())
    return DeactivationConsequences(
        live_enrolments=Enrolment.objects.filter(
            person=person, status__in=[Enrolment.Status.PENDING, Enrolment.Status.ACCEPTED]
        ).count(),
        active_pairs=active_pair_count(person),
        future_meetings=future,
        active_reports=User.objects.filter(manager=person, is_active=True).count(),
    )
