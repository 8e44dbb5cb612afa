"""Value-only reads of a program's pairs for HR's health page (``hr_view``): mentor load and
mentees waiting for a mentor, as counts and dates in frozen dataclasses. Nothing here returns
a model instance, a name or anything a pair wrote.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, F, Min, OuterRef, Q, Sum

from matching.models import Pair
from programs.models import Enrolment


@dataclass(frozen=True)
class MentorLoad:
    """Accepted mentors by how full they are, and the program's places in all."""

    mentors: int
    without_mentee: int
    below_capacity: int
    at_capacity: int
    over_capacity: int  # HR may add a pair beyond a mentor's capacity by hand
    places: int  # the mentors' capacities added up
    mentees_in_pairs: int


@dataclass(frozen=True)
class Waiting:
    """Accepted mentees without an active pair, and since when the longest has waited."""

    mentees: int
    enrolled_since: dt.datetime | None


def mentor_load(*, program_id: int) -> MentorLoad:
    """In one query, whatever the number of mentors."""
    mentors = (
        Enrolment.objects.filter(
            program_id=program_id, role=Enrolment.Role.MENTOR, status=Enrolment.Status.ACCEPTED
        )
        .order_by()
        .annotate(active=Count("mentor_pairs", filter=Q(mentor_pairs__status=Pair.Status.ACTIVE)))
    )
    figures = mentors.aggregate(
        mentors=Count("pk"),
        without=Count("pk", filter=Q(active=0)),
        below=Count("pk", filter=Q(active__gt=0, active__lt=F("capacity"))),
        at=Count("pk", filter=Q(active__gt=0, active=F("capacity"))),
        over=Count("pk", filter=Q(active__gt=F("capacity"))),
        places=Sum("capacity"),
        in_pairs=Sum("active"),
    )
    return MentorLoad(
        mentors=figures["mentors"],
        without_mentee=figures["without"],
        below_capacity=figures["below"],
        at_capacity=figures["at"],
        over_capacity=figures["over"],
        places=figures["places"] or 0,
        mentees_in_pairs=figures["in_pairs"] or 0,
    )


def mentees_waiting(*, program_id: int) -> Waiting:
    """In one query."""
    paired = Pair.objects.filter(mentee=OuterRef("pk"), status=Pair.Status.ACTIVE)
    figures = (
        Enrolment.objects.filter(
            program_id=program_id, role=Enrolment.Role.MENTEE, status=Enrolment.Status.ACCEPTED
        )
        .filter(~Exists(paired))
        .aggregate(n=Count("pk"), since=Min("created_at"))
    )
    return Waiting(mentees=figures["n"], enrolled_since=figures["since"])
