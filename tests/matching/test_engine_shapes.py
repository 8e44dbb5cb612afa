"""The engine on the shapes real programs have (bench/synthetic.py), small enough to check
against the exact optimum: most mentees matched first, then the highest total score."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment

from bench.synthetic import SHAPES, default_mentors, shape_problem
from matching import engine
from matching.engine import Problem, match, score_block


def _exact(problem: Problem) -> tuple[int, float]:
    """The lexicographic optimum by a different algorithm than the engine's: SciPy's
    assignment solver on the capacity-expanded matrix (one column per seat)."""
    scores, allowed = score_block(problem, slice(0, len(problem.mentees)))
    seats = np.repeat(np.arange(len(problem.mentors)), np.maximum(problem.capacity, 0))
    if seats.size == 0 or not allowed.any():
        return 0, 0.0
    bonus = float(problem.weights.as_array().sum()) * len(problem.mentees) + 1
    value = np.where(allowed, scores.astype(np.float64) + bonus, 0.0)[:, seats]
    rows, columns = linear_sum_assignment(value, maximize=True)
    chosen = allowed[rows, seats[columns]]
    total = scores[rows, seats[columns]][chosen].astype(np.float64).sum()
    return int(chosen.sum()), float(total)


def _assert_feasible(problem: Problem, result: engine.Result) -> None:
    _, allowed = score_block(problem, slice(0, len(problem.mentees)))
    for mentee, mentor in result.pairs:
        assert allowed[mentee, mentor]
    load = np.bincount([m for _, m in result.pairs], minlength=len(problem.mentors))
    assert np.all(load <= problem.capacity)
    assert len({e for e, _ in result.pairs}) == len(result.pairs)


@st.composite
def shaped_problems(draw: st.DrawFn) -> tuple[Problem, int]:
    shape = draw(st.sampled_from(SHAPES))
    mentees = draw(st.integers(10, 70))
    mentors = max(1, default_mentors(shape, mentees) + draw(st.integers(-2, 2)))
    problem = shape_problem(
        shape, mentees, mentors, capacity=draw(st.integers(1, 3)),
        seed=draw(st.integers(0, 10_000)),
    )  # fmt: skip
    # Few candidates per mentee make the pruning bite, so the dual prices must widen it.
    return problem, draw(st.sampled_from([1, 2, 4, engine.CANDIDATES_PER_MENTEE]))


@settings(max_examples=60, deadline=None)
@given(shaped_problems())
def test_every_shape_matches_the_most_mentees_at_the_optimum_score(
    case: tuple[Problem, int],
) -> None:
    problem, per_mentee = case
    count, total = _exact(problem)
    result = match(problem, per_mentee=per_mentee)
    _assert_feasible(problem, result)
    assert len(result.pairs) == count
    assert result.total_score >= total * (1 - 1e-4) - 1e-3
    assert result.total_score <= total + 1e-3 * max(count, 1)
    assert result.proven_optimal


@pytest.mark.parametrize("shape", SHAPES)
def test_each_shape_at_a_few_hundred_mentees_reaches_the_optimum(shape: str) -> None:
    problem = shape_problem(shape, 300, seed=4)
    count, total = _exact(problem)
    result = match(problem, per_mentee=8)
    assert len(result.pairs) == count
    assert result.total_score == pytest.approx(total, rel=1e-6)


def test_star_mentors_fill_up_and_everyone_else_goes_to_other_mentors() -> None:
    problem = shape_problem("stars", 200, seed=2)
    stars = np.flatnonzero(problem.mentors.skills.min(axis=1) == 1)
    result = match(problem, per_mentee=5)  # every mentee's 5 best are stars
    load = np.bincount([m for _, m in result.pairs], minlength=len(problem.mentors))
    assert np.all(load[stars] == problem.capacity[stars])
    assert len(result.pairs) == _exact(problem)[0]


def test_a_shortage_seats_the_most_mentees_and_says_seats_ran_out() -> None:
    problem = shape_problem("shortage", 200, seed=3)
    result = match(problem, per_mentee=3)
    assert len(result.pairs) == _exact(problem)[0] > 0.6 * int(problem.capacity.sum())
    reasons = set(result.unmatched.values())
    assert len(result.unmatched) >= 50
    assert engine.Unmatched.SEATS_RAN_OUT in reasons


def test_no_mentee_row_is_scored_against_all_mentors_twice(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The old repair re-scored rows against every mentor at each step of a search per
    # unmatched mentee; widening scores only the pairs it adds.
    rows_scored: list[int] = []
    dense = engine._Scorer.block

    def counting(self: engine._Scorer, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        rows_scored.append(len(rows))
        return dense(self, rows)

    monkeypatch.setattr(engine._Scorer, "block", counting)
    monkeypatch.setattr(engine, "factor_blocks", None)  # the slow reference stays unused
    for shape in ("shortage", "stars"):
        rows_scored.clear()
        problem = shape_problem(shape, 400, seed=5)
        match(problem, per_mentee=4)
        assert sum(rows_scored) == len(problem.mentees)


def test_fast_scoring_equals_the_reference_scoring() -> None:
    for shape in SHAPES:
        problem = shape_problem(shape, 120, seed=6)
        scorer = engine._Scorer(problem)
        rows = np.arange(len(problem.mentees))
        fast, fast_allowed = scorer.block(rows)
        reference, allowed = score_block(problem, slice(0, len(problem.mentees)))
        assert np.array_equal(fast_allowed, allowed)
        assert np.allclose(fast, reference, atol=1e-4)
        mentee, mentor = np.nonzero(allowed)
        assert np.allclose(scorer.pair_scores(mentee, mentor), reference[allowed], atol=1e-4)
