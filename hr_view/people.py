"""A person as HR's people pages show them: what several apps know, as plain values.

HR's read side composes it because no app below may know all of it: the reporting line is
people's, enrolments are programs', pairs are matching's and meetings are meetings'.
Names, roles, statuses and counts only; nothing here can reach session content (the
journal is not imported), and a pair's people come through ``matching.membership``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from matching.membership import (
    MEMBER_COLUMNS,
    MEMBER_ROLES,
    counterparts,
    load_members,
    pairs_of,
)
from matching.models import Pair
from meetings.health import future_meetings_in_active_pairs
from people.models import User
from programs.models import Enrolment
from programs.selectors import enrolments_of


@dataclass(frozen=True)
class PairedWith:
    name: str
    active: bool


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


def _pairs_by_enrolment(person: User, pairs: list[Pair]) -> dict[int, list[PairedWith]]:
    load_members(pairs)
    found: dict[int, list[PairedWith]] = {}
    for pair in pairs:
        mine = [
            getattr(pair, column)
            for role, column in zip(MEMBER_ROLES, MEMBER_COLUMNS, strict=True)
            if getattr(pair, role).person_id == person.pk
        ]
        for enrolment_id in mine:
            found.setdefault(enrolment_id, []).extend(
                PairedWith(other.full_name or other.email, pair.status == Pair.Status.ACTIVE)
                for other in counterparts(pair, person)
            )
    return found


def person_program_roles(*, person: User) -> tuple[ProgramRole, ...]:
    """Every program the person enrolled in, newest first, with their pairs there; in
    three queries whatever their number."""
    enrolments = list(enrolments_of(person=person))
    pairs = list(pairs_of(person).order_by("status", "-started_at", "-pk"))  # active first
    paired = _pairs_by_enrolment(person, pairs)
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
    active_pairs = pairs_of(person).filter(status=Pair.Status.ACTIVE)
    future = future_meetings_in_active_pairs(pairs=pairs_of(person), now=timezone.now())
    return DeactivationConsequences(
        live_enrolments=Enrolment.objects.filter(
            person=person, status__in=[Enrolment.Status.PENDING, Enrolment.Status.ACCEPTED]
        ).count(),
        active_pairs=active_pairs.count(),
        future_meetings=future,
        active_reports=User.objects.filter(manager=person, is_active=True).count(),
    )
