"""Properties of the pure matching engine, on small random cohorts."""

from __future__ import annotations

import itertools
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.synthetic import synthetic_problem
from matching.engine import (
    HOURS_PER_WEEK,
    Problem,
    Rules,
    Side,
    Unmatched,
    Weights,
    explain,
    match,
    pair_allowed,
    score_block,
    shortlist,
    text_vectors,
)


def _side(rng: np.random.Generator, n: int, people: np.ndarray) -> Side:
    availability = np.zeros((n, HOURS_PER_WEEK), dtype=np.float32)
    availability[:, rng.choice(HOURS_PER_WEEK, 20, replace=False)] = rng.random((n, 20)) < 0.5
    return Side(
        skills=(rng.random((n, 4)) < 0.5).astype(np.float32),
        goals=text_vectors([rng.choice(["lead a team", "public speaking", ""]) for _ in range(n)]),
        languages=(rng.random((n, 3)) < 0.6).astype(np.float32),
        utc_offset_hours=rng.choice(np.array([-5, 0, 1, 9], dtype=np.float32), n),
        availability=availability,
        years=rng.integers(0, 25, n).astype(np.float32),
        department=rng.integers(-1, 3, n).astype(np.int64),
        person=people.astype(np.int64),
    )


@st.composite
def problems(draw: st.DrawFn) -> Problem:
    n, m = draw(st.integers(0, 5)), draw(st.integers(1, 4))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    people = rng.permutation(n + m)
    # A mentor may also be a mentee in the same program: sometimes reuse a person.
    if draw(st.booleans()) and n:
        people[n] = people[0]
    forbidden = np.array(
        [(i, j) for i in range(n) for j in range(m) if rng.random() < 0.2], dtype=np.int64
    ).reshape(-1, 2)
    picks = np.array(
        [(i, j, r) for i in range(n) for r, j in enumerate(rng.permutation(m)[:2])],
        dtype=np.int64,
    ).reshape(-1, 3)
    return Problem(
        mentees=_side(rng, n, people[:n]),
        mentors=_side(rng, m, people[n:]),
        capacity=rng.integers(0, 3, m).astype(np.int64),
        rules=Rules(
            different_department=draw(st.booleans()),
            shared_language=draw(st.booleans()),
            max_time_zone_hours=draw(st.sampled_from([None, 1.0, 6.0])),
            min_seniority_gap_years=draw(st.sampled_from([0, 3])),
        ),
        weights=Weights(*draw(st.lists(st.integers(0, 10), min_size=7, max_size=7))),
        forbidden=forbidden,
        picks=picks,
        load_spreading=0.0,
    )


def _allowed_and_scores(problem: Problem) -> tuple[np.ndarray, np.ndarray]:
    scores, allowed = score_block(problem, slice(0, len(problem.mentees)))
    return allowed, scores


def _brute_force(problem: Problem) -> tuple[int, float]:
    """Best (count, total score) over every assignment, by enumeration."""
    allowed, scores = _allowed_and_scores(problem)
    n, m = allowed.shape
    best = (0, 0.0)
    for choice in itertools.product(range(-1, m), repeat=n):
        used = np.bincount([c for c in choice if c >= 0], minlength=m)
        if np.any(used > problem.capacity):
            continue
        if any(c >= 0 and not allowed[i, c] for i, c in enumerate(choice)):
            continue
        count = sum(c >= 0 for c in choice)
        total = float(sum(scores[i, c] for i, c in enumerate(choice) if c >= 0))
        best = max(best, (count, total))
    return best


@settings(max_examples=150, deadline=None)
@given(problems())
def test_no_proposal_breaks_a_hard_constraint_or_a_capacity(problem: Problem) -> None:
    result = match(problem, per_mentee=2)
    allowed, _ = _allowed_and_scores(problem)
    forbidden = {tuple(p) for p in problem.forbidden.tolist()}
    for mentee, mentor in result.pairs:
        assert allowed[mentee, mentor]
        assert (mentee, mentor) not in forbidden
        assert problem.mentees.person[mentee] != problem.mentors.person[mentor]
    used = np.bincount([m for _, m in result.pairs], minlength=len(problem.mentors))
    assert np.all(used <= problem.capacity)
    assert len({e for e, _ in result.pairs}) == len(result.pairs)  # one mentor per mentee


@settings(max_examples=150, deadline=None)
@given(problems())
def test_tiny_cohorts_reach_the_brute_force_optimum(problem: Problem) -> None:
    count, total = _brute_force(problem)
    result = match(problem)
    assert len(result.pairs) == count
    assert result.total_score == pytest.approx(total, abs=1e-3 * max(count, 1))


@settings(max_examples=150, deadline=None)
@given(problems())
def test_pruning_candidates_never_costs_a_mentee_their_match(problem: Problem) -> None:
    count, _ = _brute_force(problem)
    result = match(problem, per_mentee=1)  # keep one candidate each: pruning and its repair
    assert len(result.pairs) == count


@settings(max_examples=60, deadline=None)
@given(problems())
def test_every_mentee_is_matched_or_has_a_reason(problem: Problem) -> None:
    result = match(problem)
    allowed, _ = _allowed_and_scores(problem)
    matched = {e for e, _ in result.pairs}
    for mentee in range(len(problem.mentees)):
        if mentee in matched:
            continue
        expected = Unmatched.SEATS_RAN_OUT if allowed[mentee].any() else Unmatched.NO_ALLOWED_MENTOR
        assert result.unmatched[mentee] == expected


def _two_by_two(**rules: object) -> Problem:
    rng = np.random.default_rng(7)
    mentees, mentors = _side(rng, 2, np.array([0, 1])), _side(rng, 2, np.array([2, 3]))
    return Problem(mentees, mentors, np.array([1, 1]), rules=Rules(**rules))  # type: ignore[arg-type]


def test_a_mentor_in_the_reporting_line_is_never_proposed() -> None:
    problem = _two_by_two(different_department=False, shared_language=False)
    forbidden = Problem(
        problem.mentees, problem.mentors, problem.capacity, problem.rules,
        forbidden=np.array([[0, 0], [0, 1]]),
    )  # fmt: skip
    result = match(forbidden)
    assert all(mentee != 0 for mentee, _ in result.pairs)
    assert result.unmatched[0] == Unmatched.NO_ALLOWED_MENTOR
    assert not pair_allowed(forbidden, 0, 0)


def test_matching_more_mentees_beats_a_higher_score() -> None:
    # Mentor 0 suits both best, mentor 1 only suits mentee 0: both must be matched.
    problem = _two_by_two(different_department=False, shared_language=False)
    forbid = Problem(
        problem.mentees, problem.mentors, problem.capacity, problem.rules,
        forbidden=np.array([[1, 1]]),
    )  # fmt: skip
    result = match(forbid)
    assert sorted(result.pairs) == [(0, 1), (1, 0)]


def test_load_spreading_prefers_a_free_mentor_over_a_second_seat() -> None:
    base = synthetic_problem(30, 10, 3, seed=3)
    spread = replace(base, load_spreading=5.0)
    busiest = lambda r: np.bincount([m for _, m in r.pairs], minlength=10).max()  # noqa: E731
    assert busiest(match(spread)) <= busiest(match(base))


def test_explanation_adds_up_and_names_its_facts() -> None:
    problem = synthetic_problem(20, 8, 2, seed=5)
    result = match(problem)
    mentee, mentor = result.pairs[0]
    why = explain(problem, mentee, mentor)
    assert why.score == pytest.approx(result.scores[0], abs=0.05)
    assert why.score == pytest.approx(sum(why.points.values()), abs=0.01)
    expected_skills = np.flatnonzero(
        problem.mentees.skills[mentee] * problem.mentors.skills[mentor]
    )
    assert list(why.shared_skills) == expected_skills.tolist()
    assert why.time_zone_hours_apart <= 6


def test_shortlist_rotates_popular_mentors_to_the_back() -> None:
    problem = replace(synthetic_problem(5, 12, 1, seed=9), rules=Rules(False, False, None, 0))
    first = shortlist(problem, 0, size=5)
    assert len(first) == 5
    exposure = np.zeros(12, dtype=np.int64)
    exposure[first[0]] = 1  # already shown to as many mentees as it has seats
    rotated = shortlist(problem, 0, size=5, exposure=exposure)
    assert rotated[0] != first[0]
    assert first[0] not in rotated[:4]


def test_empty_cohorts_match_nothing() -> None:
    problem = synthetic_problem(0, 3, 1, seed=1)
    assert match(problem).pairs == []


def test_text_vectors_are_unit_length_and_similar_for_similar_goals() -> None:
    vectors = text_vectors(
        ["Improve public speaking to leaders", "public speaking for leaders", "tax accounting", ""]
    )
    assert np.linalg.norm(vectors[:3], axis=1) == pytest.approx(1.0, abs=1e-5)
    assert float(vectors[3] @ vectors[3]) == 0
    assert float(vectors[0] @ vectors[1]) > float(vectors[0] @ vectors[2])
