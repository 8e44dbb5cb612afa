"""Demo pairs: the cohort program matched and published, a few open requests in the other."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from matching.engine import shortlist
from matching.features import load_cohort
from matching.models import MentorshipRequest, Pair
from matching.services import match_run_execute, match_run_publish, match_run_start
from people.models import User
from programs.models import Program
from programs.services import program_transition

REQUEST_MESSAGES = [
    "Your experience moving between teams is exactly what I'm trying to figure out. "
    "Would you have time for a first chat?",
    "I'd love to learn how you prepare for leadership presentations.",
    "I'm hoping to get better at negotiating scope, and your profile mentions it.",
]


def seed_pairs(*, hr_admin: User) -> dict[str, int]:
    cohort = Program.objects.filter(matching_mode=Program.MatchingMode.COHORT).first()
    choice = Program.objects.filter(matching_mode=Program.MatchingMode.CHOICE).first()
    made = {"pairs": 0, "requests": 0}
    if cohort is not None and not Pair.objects.filter(program=cohort).exists():
        cohort = program_transition(program_id=cohort.pk, to=Program.Status.MATCHING)
        run = match_run_start(program=cohort, started_by=hr_admin)
        match_run_execute(run_id=run.pk)
        run.refresh_from_db()
        made["pairs"] = len(match_run_publish(run=run))
        program_transition(program_id=cohort.pk, to=Program.Status.ACTIVE)
    if choice is not None and not MentorshipRequest.objects.filter(program=choice).exists():
        made["requests"] = _requests(choice)
    return made


def _requests(program: Program) -> int:
    from matching.services import request_create

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
