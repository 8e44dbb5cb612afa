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


def test_star_pairs_beyond_a_few_wait_in_the_sketch_and_the_result_stays_optimal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    problem = shape_problem("stars", 600, seed=7)
    stars = np.flatnonzero(problem.mentors.skills.min(axis=1) == 1)
    flows: list[tuple[np.ndarray, np.ndarray]] = []
    solve = engine._solve_flow

    def recording(
        problem: Problem, mentee: np.ndarray, mentor: np.ndarray, score: np.ndarray
    ) -> np.ndarray:
        flows.append((mentee, mentor))
        return solve(problem, mentee, mentor, score)

    monkeypatch.setattr(engine, "_solve_flow", recording)
    result = match(problem, per_mentee=8)  # 24 stars: most mentees' 8 best are stars
    mentee, mentor = flows[0]
    on_stars = np.bincount(mentee[np.isin(mentor, stars)], minlength=len(problem.mentees))
    assert on_stars.max() == engine.CROWDED_PER_MENTEE < 8
    count, total = _exact(problem)
    assert len(result.pairs) == count
    assert result.total_score == pytest.approx(total, rel=1e-6)
    assert result.proven_optimal


@settings(max_examples=40, deadline=None)
@given(
    st.integers(0, 2**32 - 1),
    st.sampled_from([1_000.0, 250_000.0, engine.FLOAT32_PRICES, 3e9]),
)
def test_keys_from_the_sketch_never_fall_below_their_float64_value(
    seed: int, highest_price: float
) -> None:
    rng = np.random.default_rng(seed)
    step = 21 / (engine.SKETCH_LEVELS - 1)
    sketch = rng.integers(0, engine.SKETCH_LEVELS, (40, 300)).astype(np.uint8)
    prices = rng.uniform(0, highest_price, 300)
    bounds = engine._Bounds(np.zeros(40), np.zeros(40, dtype=np.int64), [prices], sketch, step)
    levels, key_prices = engine._key_terms(bounds, prices)
    keys = levels[sketch] - key_prices
    exact = sketch.astype(np.float64) * (step * engine.SCORE_SCALE) - prices
    allowed = sketch > 0
    assert np.all(keys[allowed].astype(np.float64) >= exact[allowed])
    assert np.all(keys[allowed].astype(np.float64) <= exact[allowed] + 2 * engine.KEY_MARGIN)
    assert np.all(np.isneginf(keys[~allowed]))


def test_selection_on_integer_levels_skips_zero_and_takes_the_highest() -> None:
    rng = np.random.default_rng(8)
    keys = rng.integers(0, 60_000, (50, 700)).astype(np.uint16)
    keys[:5] = 0  # nothing allowed
    keys[5:10, 3:] = 0  # fewer allowed than asked for
    local, columns, _ = engine._select(keys, 16)
    for row in range(50):
        chosen = np.sort(keys[row, columns[local == row]])[::-1]
        expected = np.sort(keys[row][keys[row] > 0])[::-1][:16]
        assert np.array_equal(chosen, expected)
