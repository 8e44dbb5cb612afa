"""Reads about requests, pairs and shortlists, scoped to the person who asks."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from matching import engine
from matching.explanations import explanation_sentences
from matching.features import explanation_facts, load_cohort
from matching.models import MentorshipRequest, Pair
from people.models import User
from programs.models import Enrolment, Program

# Mentees may ask for a mentor while the program is open, matching or running.
CHOOSING_STATUSES = (Program.Status.OPEN, Program.Status.MATCHING, Program.Status.ACTIVE)


@dataclass(frozen=True)
class MentorOption:
    """One mentor on a mentee's shortlist: their matching profile and why they fit."""

    mentor: Enrolment  # with person, department and skills loaded
    reasons: list[str]


def choosing_is_open(program: Program) -> bool:
    return (
        program.matching_mode == Program.MatchingMode.CHOICE and program.status in CHOOSING_STATUSES
    )


def active_pair_of(*, mentee: Enrolment) -> Pair | None:
    return (
        Pair.objects.filter(mentee=mentee, status=Pair.Status.ACTIVE)
        .select_related("mentor__person")
        .first()
    )


def open_requests_of(*, mentee: Enrolment) -> QuerySet[MentorshipRequest]:
    return MentorshipRequest.objects.filter(
        mentee=mentee, status=MentorshipRequest.Status.OPEN
    ).select_related("mentor__person")


def _exposure(program: Program, mentors: list[Enrolment], mentee: Enrolment) -> np.ndarray:
    """Open requests from other mentees per mentor row.

    The engine's capacity already counts free seats (active pairs taken off), so
    only the requests still waiting for an answer are compared with them.
    """
    waiting = Counter(
        MentorshipRequest.objects.filter(program=program, status=MentorshipRequest.Status.OPEN)
        .exclude(mentee=mentee)
        .values_list("mentor_id", flat=True)
    )
    return np.array([waiting.get(m.pk, 0) for m in mentors], dtype=np.int64)


def shortlist_for(*, mentee: Enrolment, size: int = 5) -> list[MentorOption]:
    """The best mentors this mentee may still ask, best first, with the reasons.

    Mentors the mentee has asked already, or who declined them, are left out;
    mentors whose free seats are all requested rotate behind those with room.
    """
    program = mentee.program
    cohort = load_cohort(program)
    try:
        row = cohort.mentee_row(mentee.pk)
    except StopIteration:  # paired already, or no longer enrolled
        return []
    skip = set(
        MentorshipRequest.objects.filter(mentee=mentee)
        .filter(status__in=[MentorshipRequest.Status.OPEN, MentorshipRequest.Status.DECLINED])
        .values_list("mentor_id", flat=True)
    )
    exposure = _exposure(program, list(cohort.mentors), mentee)
    rows = engine.shortlist(cohort.problem, row, size=size + len(skip), exposure=exposure)
    chosen = [r for r in rows if cohort.mentors[r].pk not in skip][:size]
    profiles = Enrolment.objects.select_related("person__department").prefetch_related("skills")
    by_id = {e.pk: e for e in profiles.filter(pk__in=[cohort.mentors[r].pk for r in chosen])}
    return [
        MentorOption(
            mentor=by_id[cohort.mentors[r].pk],
            reasons=explanation_sentences(explanation_facts(cohort, row, r)),
        )
        for r in chosen
    ]


def _open_first() -> Case:
    return Case(
        When(status=MentorshipRequest.Status.OPEN, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )


def requests_received(*, person: User) -> QuerySet[MentorshipRequest]:
    """Requests to the person as a mentor, open ones first, with the mentee's matching answers."""
    return (
        MentorshipRequest.objects.filter(mentor__person=person)
        .select_related("mentee__person", "program")
        .prefetch_related("mentee__skills")
        .order_by(_open_first(), "-created_at")
    )


def requests_sent(*, person: User) -> QuerySet[MentorshipRequest]:
    return (
        MentorshipRequest.objects.filter(mentee__person=person)
        .select_related("mentor__person", "program")
        .order_by(_open_first(), "-created_at")
    )


def pairs_of(*, person: User) -> QuerySet[Pair]:
    """The person's pairs as mentee or mentor, active ones first."""
    return (
        Pair.objects.filter(Q(mentee__person=person) | Q(mentor__person=person))
        .select_related("program", "mentee__person", "mentor__person")
        .order_by("status", "-started_at")
    )


def choosing_enrolments(*, person: User) -> QuerySet[Enrolment]:
    """The person's mentee enrolments where they may still choose a mentor."""
    return (
        Enrolment.objects.filter(
            person=person,
            role=Enrolment.Role.MENTEE,
            status=Enrolment.Status.ACCEPTED,
            program__matching_mode=Program.MatchingMode.CHOICE,
            program__status__in=CHOOSING_STATUSES,
        )
        .exclude(mentee_pairs__status=Pair.Status.ACTIVE)
        .select_related("program")
    )
