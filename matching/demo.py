"""Demo pairs: the cohort program matched and published, a few open requests in the other."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from matching.engine import shortlist
from matching.features import load_cohort
from matching.models import MatchRun, Proposal
from matching.runs import match_run_execute
from matching.services import (
    match_run_publish,
    match_run_start,
    proposal_remove,
    proposal_set,
    request_create,
)
from people.models import User
from programs.models import Enrolment, Program
from programs.services import program_transition

REQUEST_MESSAGES = [
    "Your experience moving between teams is exactly what I'm trying to figure out. "
    "Would you have time for a first chat?",
    "I'd love to learn how you prepare for leadership presentations.",
    "I'm hoping to get better at negotiating scope, and your profile mentions it.",
]


def cohort_publish(
    *, program: Program, hr_admin: User, featured: tuple[User, User] | None = None
) -> list[int]:
    """Match an open cohort program, pair the ``featured`` mentee with the featured mentor
    (as HR would by hand, so the README can name them whatever the engine proposes),
    publish, and make the program active. Returns the new pairs' ids."""
    program = program_transition(program_id=program.pk, to=Program.Status.MATCHING)
    run = match_run_start(program=program, started_by=hr_admin)
    run = match_run_execute(run_id=run.pk)
    if featured is not None:
        _featured_proposal(run, program, *featured)
    pair_ids = match_run_publish(run=run)
    program_transition(program_id=program.pk, to=Program.Status.ACTIVE)
    return pair_ids


def _featured_proposal(run: MatchRun, program: Program, mentee: User, mentor: User) -> None:
    enrolments = Enrolment.objects.filter(program=program).select_related("person")
    mentee_enrolment = enrolments.get(person=mentee, role=Enrolment.Role.MENTEE)
    mentor_enrolment = enrolments.get(person=mentor, role=Enrolment.Role.MENTOR)
    proposals = Proposal.objects.filter(run=run)
    if proposals.filter(mentee=mentee_enrolment, mentor=mentor_enrolment).exists():
        return
    seats = mentor_enrolment.capacity or 0
    others = proposals.filter(mentor=mentor_enrolment).exclude(mentee=mentee_enrolment)
    for proposal in others.order_by("score", "pk")[: max(0, others.count() - seats + 1)]:
        proposal_remove(proposal=proposal)  # free a seat: the lowest-scoring mentee waits
    proposal_set(run=run, mentee=mentee_enrolment, mentor=mentor_enrolment)


def requests_seed(*, program: Program) -> int:
    """A few mentees of a choice program ask their best-fitting mentor; returns how many."""
    cohort = load_cohort(program)
    made = 0
    for row, mentee in enumerate(cohort.mentees[:3]):
        options = shortlist(cohort.problem, row, size=1)
        if not options:
            continue
        try:
            request_create(
                mentee=mentee,
                mentor=cohort.mentors[options[0]],
                message=REQUEST_MESSAGES[row % len(REQUEST_MESSAGES)],
            )
        except ValidationError:
            continue
        made += 1
    return made
