"""The matching engine: pure computation over arrays, no Django.

A program's mentees and mentors arrive as feature arrays (``Side``). Hard
constraints remove candidate pairs outright; every remaining pair gets a
weighted score that is a sum of named factors, each in [0, 1] before weighting.
The assignment matches as many mentees as possible and, among those
assignments, maximises the total score, for the whole cohort at once under the
mentors' capacities: a min-cost max-flow (OR-Tools) over the best candidate
pairs of each mentee. Scores are computed in blocks of mentee rows so memory
stays bounded whatever the cohort size.
"""

from __future__ import annotations

import re
import time
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
from numpy.typing import NDArray
from ortools.graph.python import min_cost_flow

HOURS_PER_WEEK = 7 * 24
FACTORS = ("skills", "goals", "seniority", "time_zone", "language", "availability", "picks")
SCORE_SCALE = 10_000  # integer costs for the flow: score points x 10,000
CANDIDATES_PER_MENTEE = 40
BLOCK_ROWS = 512
PICK_DEPTH = 5  # a mentee ranks at most this many mentors
MAX_REPAIR_ROUNDS = 20

FloatArray = NDArray[np.float32]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]


class Unmatched(StrEnum):
    NO_ALLOWED_MENTOR = "no_allowed_mentor"
    SEATS_RAN_OUT = "seats_ran_out"


@dataclass(frozen=True)
class Rules:
    different_department: bool = True
    shared_language: bool = True
    max_time_zone_hours: float | None = None
    min_seniority_gap_years: float = 0.0


@dataclass(frozen=True)
class Weights:
    skills: float = 5
    goals: float = 3
    seniority: float = 2
    time_zone: float = 2
    language: float = 2
    availability: float = 3
    picks: float = 4

    def as_array(self) -> FloatArray:
        return np.array([getattr(self, f) for f in FACTORS], dtype=np.float32)


@dataclass(frozen=True)
class Side:
    """One side of the market: row i describes person i.

    skills: (n, S) 0/1, wanted (mentees) or offered (mentors)
    goals: (n, H) L2-normalised text vectors (zeros when empty)
    languages: (n, L) 0/1
    utc_offset_hours: (n,) current UTC offset of each person's time zone
    availability: (n, 168) 0/1, available UTC hours of the week
    years: (n,) years of work experience
    department: (n,) department id, -1 for none
    person: (n,) person id, so nobody is matched with themselves
    """

    skills: FloatArray
    goals: FloatArray
    languages: FloatArray
    utc_offset_hours: FloatArray
    availability: FloatArray
    years: FloatArray
    department: IntArray
    person: IntArray

    def __len__(self) -> int:
        return int(self.years.shape[0])


@dataclass(frozen=True)
class Problem:
    mentees: Side
    mentors: Side
    capacity: IntArray  # (m,) free seats per mentor
    rules: Rules = field(default_factory=Rules)
    weights: Weights = field(default_factory=Weights)
    # (k, 2) (mentee row, mentor row) pairs that may never be proposed: reporting
    # line, pairs that ended, pairs that exist already.
    forbidden: IntArray = field(default_factory=lambda: np.zeros((0, 2), dtype=np.int64))
    # (p, 3) (mentee row, mentor row, rank from 0): the mentee's own picks.
    picks: IntArray = field(default_factory=lambda: np.zeros((0, 3), dtype=np.int64))
    load_spreading: float = 0.0  # score points each further seat of a mentor costs


@dataclass(frozen=True)
class Explanation:
    """Why a pair scored what it did: points per factor and the facts behind them."""

    score: float
    points: dict[str, float]
    shared_skills: tuple[int, ...]  # skill columns both have
    shared_languages: tuple[int, ...]  # language columns both have
    time_zone_hours_apart: float
    overlap_hours: int  # weekly hours both are available
    years_gap: float
    goals_similarity: float
    pick_rank: int | None


@dataclass(frozen=True)
class Result:
    pairs: list[tuple[int, int]]  # (mentee row, mentor row)
    scores: list[float]
    unmatched: dict[int, Unmatched]  # mentee row -> reason
    total_score: float


# ---------------------------------------------------------------- text features

_WORD = re.compile(r"[a-zà-ÿ]{3,}")
_STOPWORDS = frozenset(
    [
        "the",
        "and",
        "for",
        "with",
        "that",
        "this",
        "have",
        "from",
        "what",
        "want",
        "like",
        "would",
        "about",
        "into",
        "more",
        "their",
        "them",
        "they",
        "you",
        "your",
        "are",
        "was",
        "were",
        "been",
        "being",
        "can",
        "could",
        "how",
        "our",
        "out",
        "not",
        "but",
        "all",
        "any",
        "also",
        "get",
        "got",
        "its",
        "it's",
        "i'd",
        "i'm",
        "who",
        "when",
        "where",
        "which",
        "will",
        "just",
        "very",
    ]
)


def text_vectors(texts: Sequence[str], dims: int = 256) -> FloatArray:
    """Hashed TF-IDF vectors, L2-normalised, so that a dot product is a cosine."""
    rows = [
        [zlib.crc32(w.encode()) % dims for w in _WORD.findall(t.lower()) if w not in _STOPWORDS]
        for t in texts
    ]
    counts = np.zeros((len(texts), dims), dtype=np.float32)
    for i, buckets in enumerate(rows):
        np.add.at(counts[i], buckets, 1.0)
    document_frequency = (counts > 0).sum(axis=0)
    idf = np.log((1 + len(texts)) / (1 + document_frequency)).astype(np.float32) + 1
    vectors = np.log1p(counts) * idf
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)


# ---------------------------------------------------------------- scoring


def _circular_hours(a: FloatArray, b: FloatArray) -> FloatArray:
    apart = np.abs(a[:, None] - b[None, :])
    return np.minimum(apart, 24 - apart)


def factor_blocks(problem: Problem, rows: slice) -> tuple[dict[str, FloatArray], BoolArray]:
    """Every factor, in [0, 1], for a block of mentee rows against all mentors,
    and which of those pairs the hard constraints allow."""
    e, o, rules = problem.mentees, problem.mentors, problem.rules
    wanted = e.skills[rows]
    shared_skills = wanted @ o.skills.T
    wanted_count = np.maximum(wanted.sum(axis=1, keepdims=True), 1)
    shared_languages = e.languages[rows] @ o.languages.T
    apart = _circular_hours(e.utc_offset_hours[rows], o.utc_offset_hours)
    gap = o.years[None, :] - e.years[rows, None]
    factors = {
        "skills": shared_skills / wanted_count,
        "goals": np.clip(e.goals[rows] @ o.goals.T, 0, 1),
        "seniority": np.clip(gap / 10, 0, 1),
        "time_zone": 1 - apart / 12,
        "language": np.minimum(shared_languages, 2) / 2,
        "availability": np.minimum(e.availability[rows] @ o.availability.T, 6) / 6,
        "picks": _pick_block(problem, rows),
    }
    allowed = e.person[rows, None] != o.person[None, :]
    if rules.different_department:
        allowed &= (e.department[rows, None] != o.department[None, :]) | (
            e.department[rows, None] < 0
        )
    if rules.shared_language:
        allowed &= shared_languages > 0
    if rules.max_time_zone_hours is not None:
        allowed &= apart <= rules.max_time_zone_hours
    if rules.min_seniority_gap_years > 0:
        allowed &= gap >= rules.min_seniority_gap_years
    _forbid(problem.forbidden, rows, allowed)
    allowed &= (problem.capacity > 0)[None, :]
    return factors, allowed


def _pick_block(problem: Problem, rows: slice) -> FloatArray:
    block = np.zeros((rows.stop - rows.start, len(problem.mentors)), dtype=np.float32)
    picks = problem.picks
    inside = (picks[:, 0] >= rows.start) & (picks[:, 0] < rows.stop) & (picks[:, 2] < PICK_DEPTH)
    chosen = picks[inside]
    block[chosen[:, 0] - rows.start, chosen[:, 1]] = 1 - chosen[:, 2] / PICK_DEPTH
    return block


def _forbid(forbidden: IntArray, rows: slice, allowed: BoolArray) -> None:
    inside = (forbidden[:, 0] >= rows.start) & (forbidden[:, 0] < rows.stop)
    chosen = forbidden[inside]
    allowed[chosen[:, 0] - rows.start, chosen[:, 1]] = False


def score_block(problem: Problem, rows: slice) -> tuple[FloatArray, BoolArray]:
    factors, allowed = factor_blocks(problem, rows)
    weights = problem.weights.as_array()
    total = np.zeros_like(factors["skills"], dtype=np.float32)
    for weight, name in zip(weights, FACTORS, strict=True):
        if weight:
            total += weight * factors[name].astype(np.float32, copy=False)
    return total, allowed


def _blocks(count: int, size: int = BLOCK_ROWS) -> Iterable[slice]:
    for start in range(0, count, size):
        yield slice(start, min(start + size, count))


@dataclass
class Candidates:
    mentee: list[IntArray] = field(default_factory=list)
    mentor: list[IntArray] = field(default_factory=list)
    score: list[FloatArray] = field(default_factory=list)

    def add(self, mentee: IntArray, mentor: IntArray, score: FloatArray) -> None:
        self.mentee.append(mentee)
        self.mentor.append(mentor)
        self.score.append(score)

    def arrays(self) -> tuple[IntArray, IntArray, FloatArray]:
        if not self.mentee:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, np.zeros(0, dtype=np.float32)
        return np.concatenate(self.mentee), np.concatenate(self.mentor), np.concatenate(self.score)


def candidate_pairs(
    problem: Problem, per_mentee: int = CANDIDATES_PER_MENTEE
) -> tuple[Candidates, IntArray]:
    """The best allowed mentors of each mentee, and how many mentors each may have."""
    candidates = Candidates()
    allowed_counts = np.zeros(len(problem.mentees), dtype=np.int64)
    for rows in _blocks(len(problem.mentees)):
        scores, allowed = score_block(problem, rows)
        allowed_counts[rows] = allowed.sum(axis=1)
        _keep_best(candidates, scores, allowed, rows, per_mentee)
    return candidates, allowed_counts


def _keep_best(
    candidates: Candidates, scores: FloatArray, allowed: BoolArray, rows: slice, keep: int
) -> None:
    masked = np.where(allowed, scores, -np.inf)
    if keep < masked.shape[1]:
        best = np.argpartition(-masked, keep - 1, axis=1)[:, :keep]
    else:
        best = np.broadcast_to(np.arange(masked.shape[1]), masked.shape).copy()
    row_index = np.repeat(np.arange(masked.shape[0]), best.shape[1])
    columns = best.ravel()
    ok = allowed[row_index, columns]
    candidates.add(
        row_index[ok] + rows.start, columns[ok].astype(np.int64), scores[row_index, columns][ok]
    )


# ---------------------------------------------------------------- assignment


def match(
    problem: Problem,
    per_mentee: int = CANDIDATES_PER_MENTEE,
    timings: dict[str, float] | None = None,
) -> Result:
    """Match the whole cohort: most mentees matched, then the highest total score."""
    clock = time.perf_counter()
    candidates, allowed_counts = candidate_pairs(problem, per_mentee)
    mentee, mentor, score = candidates.arrays()
    scored = time.perf_counter()
    assigned = _solve_flow(problem, mentee, mentor, score)
    for _ in range(MAX_REPAIR_ROUNDS):
        # Pruning may have hidden the only way to seat someone: look for an
        # augmenting path over every allowed pair, and give the solver the rows on it.
        rows = _rows_on_augmenting_paths(
            problem, mentee[assigned], mentor[assigned], allowed_counts
        )
        if not rows:
            break
        known = set(zip(mentee.tolist(), mentor.tolist(), strict=True))
        extra = [
            (e, o, sc)
            for e, o, sc in zip(*_all_allowed_for(problem, np.array(sorted(rows))), strict=True)
            if (int(e), int(o)) not in known
        ]
        if not extra:
            break
        mentee = np.concatenate([mentee, np.array([e for e, _, _ in extra], dtype=np.int64)])
        mentor = np.concatenate([mentor, np.array([o for _, o, _ in extra], dtype=np.int64)])
        score = np.concatenate([score, np.array([sc for _, _, sc in extra], dtype=np.float32)])
        assigned = _solve_flow(problem, mentee, mentor, score)
    if timings is not None:
        timings["scoring"] = scored - clock
        timings["solving"] = time.perf_counter() - scored
    return _result(problem, mentee[assigned], mentor[assigned], score[assigned], allowed_counts)


def _rows_on_augmenting_paths(
    problem: Problem, matched_mentee: IntArray, matched_mentor: IntArray, allowed: IntArray
) -> set[int]:
    """Mentee rows on a path that would seat one more mentee (breadth-first search)."""
    holders: dict[int, list[int]] = {}
    for e, o in zip(matched_mentee.tolist(), matched_mentor.tolist(), strict=True):
        holders.setdefault(o, []).append(e)
    load = np.bincount(matched_mentor, minlength=len(problem.mentors))
    seated = set(matched_mentee.tolist())
    rows: set[int] = set()
    for start in np.flatnonzero(allowed > 0).tolist():
        if start in seated or start in rows:
            continue
        visited = _search(problem, start, holders, load)
        if visited:
            rows |= visited
    return rows


def _search(
    problem: Problem, start: int, holders: dict[int, list[int]], load: IntArray
) -> set[int]:
    visited_mentees, visited_mentors = {start}, set()
    queue = [start]
    while queue:
        row = queue.pop(0)
        _, allowed = factor_blocks(problem, slice(row, row + 1))
        for mentor in np.flatnonzero(allowed[0]).tolist():
            if mentor in visited_mentors:
                continue
            visited_mentors.add(mentor)
            if load[mentor] < problem.capacity[mentor]:
                return visited_mentees
            for holder in holders.get(mentor, []):
                if holder not in visited_mentees:
                    visited_mentees.add(holder)
                    queue.append(holder)
    return set()


def _all_allowed_for(problem: Problem, rows: IntArray) -> tuple[IntArray, IntArray, FloatArray]:
    extra = Candidates()
    for row in rows:
        scores, allowed = score_block(problem, slice(int(row), int(row) + 1))
        _keep_best(extra, scores, allowed, slice(int(row), int(row) + 1), scores.shape[1])
    return extra.arrays()


def _solve_flow(
    problem: Problem, mentee: IntArray, mentor: IntArray, score: FloatArray
) -> NDArray[np.bool_]:
    """Min-cost max-flow: source -> mentee -> mentor -> (one arc per seat) -> sink."""
    n, m = len(problem.mentees), len(problem.mentors)
    if mentee.size == 0:
        return np.zeros(0, dtype=bool)
    source, sink = n + m, n + m + 1
    best = int(np.ceil(float(problem.weights.as_array().sum()) * SCORE_SCALE))
    seat_mentor, seat_cost, seat_capacity = _seat_arcs(problem)
    tails = np.concatenate([np.full(n, source), mentee, n + seat_mentor])
    heads = np.concatenate([np.arange(n), n + mentor, np.full(seat_mentor.size, sink)])
    capacities = np.concatenate([np.ones(n), np.ones(mentee.size), seat_capacity])
    # Every unit of flow costs (best - score): as many pairs as possible first
    # (max flow), then the cheapest, i.e. the highest total score.
    pair_cost = best - np.rint(score.astype(np.float64) * SCORE_SCALE)
    costs = np.concatenate([np.zeros(n), pair_cost, seat_cost])
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(
        tails.astype(np.int32), heads.astype(np.int32), capacities.astype(np.int64),
        costs.astype(np.int64),
    )  # fmt: skip
    supplies = np.zeros(n + m + 2, dtype=np.int64)
    supplies[source], supplies[sink] = n, -n
    flow.set_nodes_supplies(np.arange(n + m + 2, dtype=np.int32), supplies)
    status = flow.solve_max_flow_with_min_cost()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed with status {status}")
    pair_arcs = np.arange(n, n + mentee.size, dtype=np.int32)
    return flow.flows(pair_arcs) > 0


def _seat_arcs(problem: Problem) -> tuple[IntArray, NDArray[np.int64], NDArray[np.int64]]:
    capacity = np.maximum(problem.capacity, 0).astype(np.int64)
    mentors = np.arange(len(problem.mentors), dtype=np.int64)
    if problem.load_spreading <= 0:
        return mentors, np.zeros(mentors.size, dtype=np.int64), capacity
    # Load spreading: a mentor's second seat costs a little, the third more, ...
    seat_mentor = np.repeat(mentors, capacity)
    seat_index = np.concatenate([np.arange(c) for c in capacity]) if capacity.sum() else seat_mentor
    cost = np.rint(seat_index * problem.load_spreading * SCORE_SCALE).astype(np.int64)
    return seat_mentor, cost, np.ones(seat_mentor.size, dtype=np.int64)


def _result(
    problem: Problem, mentee: IntArray, mentor: IntArray, score: FloatArray, allowed: IntArray
) -> Result:
    order = np.argsort(mentee, kind="stable")
    matched = set(mentee.tolist())
    unmatched = {
        row: (Unmatched.NO_ALLOWED_MENTOR if allowed[row] == 0 else Unmatched.SEATS_RAN_OUT)
        for row in range(len(problem.mentees))
        if row not in matched
    }
    return Result(
        pairs=list(zip(mentee[order].tolist(), mentor[order].tolist(), strict=True)),
        scores=score[order].astype(float).tolist(),
        unmatched=unmatched,
        total_score=float(score.astype(np.float64).sum()),
    )


# ---------------------------------------------------------------- one pair, and shortlists


def pair_allowed(problem: Problem, mentee: int, mentor: int) -> bool:
    _, allowed = factor_blocks(problem, slice(mentee, mentee + 1))
    return bool(allowed[0, mentor])


def explain(problem: Problem, mentee: int, mentor: int) -> Explanation:
    rows = slice(mentee, mentee + 1)
    factors, _ = factor_blocks(problem, rows)
    weights = problem.weights.as_array()
    points = {
        name: round(float(weight * factors[name][0, mentor]), 2)
        for weight, name in zip(weights, FACTORS, strict=True)
    }
    e, o = problem.mentees, problem.mentors
    rank = problem.picks[(problem.picks[:, 0] == mentee) & (problem.picks[:, 1] == mentor)]
    return Explanation(
        score=round(sum(points.values()), 2),
        points=points,
        shared_skills=tuple(np.flatnonzero(e.skills[mentee] * o.skills[mentor]).tolist()),
        shared_languages=tuple(np.flatnonzero(e.languages[mentee] * o.languages[mentor]).tolist()),
        time_zone_hours_apart=float(
            _circular_hours(e.utc_offset_hours[rows], o.utc_offset_hours[mentor : mentor + 1])[0, 0]
        ),
        overlap_hours=int(e.availability[mentee] @ o.availability[mentor]),
        years_gap=float(o.years[mentor] - e.years[mentee]),
        goals_similarity=round(float(np.clip(e.goals[mentee] @ o.goals[mentor], 0, 1)), 2),
        pick_rank=int(rank[0, 2]) if rank.size else None,
    )


def shortlist(
    problem: Problem, mentee: int, size: int = 5, exposure: IntArray | None = None
) -> list[int]:
    """The best allowed mentors for one mentee, best first.

    ``exposure`` counts how often each mentor is already shown or requested; a
    mentor shown at least as often as they have free seats only comes after the
    mentors who still have room, so popular mentors rotate out.
    """
    scores, allowed = score_block(problem, slice(mentee, mentee + 1))
    candidates = np.flatnonzero(allowed[0])
    if candidates.size == 0:
        return []
    crowded = np.zeros(candidates.size, dtype=bool)
    if exposure is not None:
        crowded = exposure[candidates] >= problem.capacity[candidates]
    order = np.lexsort((-scores[0, candidates], crowded))
    return candidates[order[:size]].tolist()
