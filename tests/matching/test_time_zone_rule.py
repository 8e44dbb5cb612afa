"""HR's largest time-zone gap is a hard rule: no path of the engine proposes a pair beyond it.

Checked against the people's own UTC offsets (not the engine's allowed matrix, which the
rule itself fills), on every scoring path, with zones across the date line and half hours.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.synthetic import synthetic_problem
from matching import engine
from matching.engine import Problem, Rules, match, pair_allowed, shortlist
from matching.features import load_cohort
from matching.models import Proposal
from matching.runs import match_run_execute
from matching.services import match_run_start, proposal_set
from people.models import User
from programs.models import Enrolment, Program
from tests.factories import DepartmentFactory, UserFactory
from tests.programs.factories import ProgramFactory, enrol

OFFSETS = np.array([-11, -8, -5, -3.5, 0, 1, 2, 5.5, 8, 9, 12, 13], dtype=np.float32)


def _apart(problem: Problem, mentee: int, mentor: int) -> float:
    a = float(problem.mentees.utc_offset_hours[mentee])
    b = float(problem.mentors.utc_offset_hours[mentor])
    apart = abs(a - b)
    return min(apart, 24 - apart)


def _spread_zones(problem: Problem, seed: int) -> Problem:
    rng = np.random.default_rng(seed)
    mentees = replace(problem.mentees, utc_offset_hours=rng.choice(OFFSETS, len(problem.mentees)))
    mentors = replace(problem.mentors, utc_offset_hours=rng.choice(OFFSETS, len(problem.mentors)))
    return replace(problem, mentees=mentees, mentors=mentors)


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**16),
    limit=st.sampled_from([0, 1, 3, 5, 8]),
    table=st.booleans(),
)
def test_no_proposed_pair_is_further_apart_than_the_limit(
    seed: int, limit: int, table: bool
) -> None:
    problem = _spread_zones(synthetic_problem(60, 30, 2, seed=seed), seed)
    problem = replace(problem, rules=replace(problem.rules, max_time_zone_hours=float(limit)))
    # Both scoring paths: the table of distinct (zone, years, department) keys, and the
    # row-by-row terms used when that table would be too large.
    with pytest.MonkeyPatch.context() as patch:
        if not table:
            patch.setattr(engine, "KEY_TABLE_CELLS", 0)
        result = match(problem)
    for mentee, mentor in result.pairs:
        assert _apart(problem, mentee, mentor) <= limit
    for mentee, reason in result.unmatched.items():
        if all(_apart(problem, mentee, j) > limit for j in range(len(problem.mentors))):
            assert reason == engine.Unmatched.NO_ALLOWED_MENTOR


def test_the_date_line_and_half_hours_count_as_the_clock_does() -> None:
    problem = synthetic_problem(2, 2, 1, seed=1)
    zones = replace(problem.mentees, utc_offset_hours=np.array([12, 5.5], dtype=np.float32))
    mentors = replace(problem.mentors, utc_offset_hours=np.array([-11, 0], dtype=np.float32))
    problem = replace(
        problem,
        mentees=zones,
        mentors=mentors,
        forbidden=np.zeros((0, 2), dtype=np.int64),
        rules=Rules(different_department=False, shared_language=False, max_time_zone_hours=5),
    )
    assert pair_allowed(problem, 0, 0)  # +12 and -11 are one hour apart
    assert not pair_allowed(problem, 1, 1)  # +5:30 and UTC are 5.5 hours apart
    assert not pair_allowed(problem, 0, 1)


def test_a_shortlist_keeps_to_the_limit_too() -> None:
    problem = _spread_zones(synthetic_problem(10, 40, 2, seed=4), 4)
    problem = replace(problem, rules=replace(problem.rules, max_time_zone_hours=2.0))
    for mentee in range(len(problem.mentees)):
        for mentor in shortlist(problem, mentee, size=10):
            assert _apart(problem, mentee, int(mentor)) <= 2


# ---------------------------------------------------------------- through the database


def _person(name: str, zone: str) -> User:
    return UserFactory(full_name=name, time_zone=zone, department=DepartmentFactory(name=name))


@pytest.mark.django_db
def test_a_program_s_limit_keeps_far_apart_people_out_of_runs_and_hand_edits(
    hr_admin: User,
) -> None:
    program = ProgramFactory(status=Program.Status.OPEN, max_time_zone_hours=3)
    berlin = enrol(program, _person("Mentee Berlin", "Europe/Berlin"))
    tokyo = enrol(program, _person("Mentee Tokyo", "Asia/Tokyo"))
    mentor = enrol(program, _person("Mentor Lisbon", "Europe/Lisbon"), role="mentor", capacity=2)
    Program.objects.filter(pk=program.pk).update(status=Program.Status.MATCHING)
    program.refresh_from_db()

    run = match_run_execute(run_id=match_run_start(program=program, started_by=hr_admin).pk)

    proposed = set(run.proposals.values_list("mentee_id", flat=True))
    assert proposed == {berlin.pk}
    assert run.statistics["unmatched_mentees"] == {str(tokyo.pk): "no_allowed_mentor"}
    with pytest.raises(ValidationError, match="cannot be paired"):
        proposal_set(run=run, mentee=tokyo, mentor=mentor)
    assert not Proposal.objects.filter(run=run, mentee=tokyo).exists()
    # Without the limit the same two are a pair the engine may propose.
    Program.objects.filter(pk=program.pk).update(max_time_zone_hours=None)
    program.refresh_from_db()
    cohort = load_cohort(program)
    assert pair_allowed(cohort.problem, cohort.mentee_row(tokyo.pk), cohort.mentor_row(mentor.pk))
    assert Enrolment.objects.get(pk=tokyo.pk).time_zone == "Asia/Tokyo"
