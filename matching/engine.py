"""The matching engine: pure computation over arrays, no Django.

A program's mentees and mentors arrive as feature arrays (``Side``). Hard
constraints remove candidate pairs outright; every remaining pair gets a
weighted score that is a sum of named factors, each in [0, 1] before weighting.
The assignment matches as many mentees as possible and, among those
assignments, maximises the total score, for the whole cohort at once under the
mentors' capacities: a min-cost max-flow (OR-Tools) over the best candidate
pairs of each mentee, widened by the flow's dual prices until no left-out pair
can improve it. Scores are computed in blocks of mentee rows so memory stays
bounded (plus one byte per pair) whatever the cohort size.
"""

from __future__ import annotations

import re
import time
import zlib
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
from numpy.typing import NDArray
from ortools.graph.python import min_cost_flow
from threadpoolctl import threadpool_limits

HOURS_PER_WEEK = 7 * 24
FACTORS = ("skills", "goals", "seniority", "time_zone", "language", "availability", "picks")
SCORE_SCALE = 10_000  # integer costs for the flow: score points x 10,000
CANDIDATES_PER_MENTEE = 24
BLOCK_ROWS = 512
PICK_DEPTH = 5  # a mentee ranks at most this many mentors
BLOCK_CELLS = 2_000_000  # mentee rows x mentors scored at once (8 MB per float32 array)
KEY_TABLE_CELLS = 32_000_000  # largest (time zone, years, department) x mentors table
SKETCH_LEVELS = 256  # one byte per pair for the bound of left-out pairs
SCORING_THREADS = 2  # the first pass scores blocks in parallel
PAIR_CHUNK = 65_536  # single pairs scored at once
PRICE_TOLERANCE = 0.5  # SCORE_SCALE units: below the flow's integer rounding
MAX_PRICING_ROUNDS = 8
FLOAT32_PRICES = 4_000_000.0  # SCORE_SCALE units: prices up to this keep keys in float32
KEY_MARGIN = 2.0  # SCORE_SCALE units: more than float32 rounds keys up to FLOAT32_PRICES
WIDEN_PER_MENTEE = 16  # pairs a row scored again adds at most
CROWDED_PER_MENTEE = 4  # pairs a mentee keeps on crowded mentors before the first flow
CROWDED_SEAT_SHARE = 4  # ... when crowded mentors hold at most 1/4 of the seats needed

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
    # True when the flow's dual prices proved that no allowed pair left out of the
    # candidates could match more mentees or raise the total.
    proven_optimal: bool = False


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


# ---------------------------------------------------------------- fast scoring


def _ranges(indptr: IntArray, rows: IntArray) -> tuple[IntArray, IntArray]:
    """For CSR row pointers: (position in ``rows``, entry index) of every entry of those rows."""
    starts, counts = indptr[rows], indptr[rows + 1] - indptr[rows]
    local = np.repeat(np.arange(rows.size), counts)
    offsets = np.cumsum(counts) - counts
    return local, np.repeat(starts - offsets, counts) + np.arange(int(counts.sum()))


def _by_row(rows: IntArray, count: int) -> tuple[IntArray, IntArray]:
    order = np.argsort(rows, kind="stable")
    return order, np.searchsorted(rows[order], np.arange(count + 1))


class _Scorer:
    """``score_block`` for any set of mentee rows, vectorised: the work that does not
    depend on the rows is done once, linear factors share one matrix product, and the
    (time zone, years) factors come from a table with one row per distinct value."""

    def __init__(self, problem: Problem) -> None:
        e, o, w, rules = problem.mentees, problem.mentors, problem.weights, problem.rules
        self.problem, self.m, self.rules = problem, len(o), rules
        wanted = np.maximum(e.skills.sum(axis=1, keepdims=True), 1)
        linear_e, linear_o = [e.skills * (np.float32(w.skills) / wanted)], [o.skills]
        # Non-negative goal vectors of length at most 1 have a cosine in [0, 1]: no clip needed.
        self.goals_linear = _unit_non_negative(e.goals) and _unit_non_negative(o.goals)
        if self.goals_linear:
            linear_e.append(e.goals * np.float32(w.goals))
            linear_o.append(o.goals)
        self.linear_e = np.ascontiguousarray(np.hstack(linear_e), dtype=np.float32)
        self.linear_o = np.ascontiguousarray(np.hstack(linear_o).T, dtype=np.float32)
        self.linear_o_rows = np.ascontiguousarray(self.linear_o.T)  # gathered by pair
        self.goals_o = np.ascontiguousarray(o.goals.T, dtype=np.float32)
        # Scaled by their weights, so a minimum against the weight is the whole factor.
        self.availability_e = e.availability * np.float32(w.availability / 6)
        self.availability_o = np.ascontiguousarray(o.availability.T, dtype=np.float32)
        # Single pairs count shared hours on bits: 24 bytes a person instead of 672.
        self.hours_e, self.hours_o = _hour_bits(e.availability), _hour_bits(o.availability)
        self.language_scale = np.float32(w.language / 2 if w.language > 0 else 1)
        self.languages_e = e.languages * self.language_scale
        self.languages_o = np.ascontiguousarray(o.languages.T, dtype=np.float32)
        self.department_o = o.department.astype(np.int64)
        self.open = problem.capacity > 0
        # One table row per distinct (time zone, years, department) of the mentees holds
        # those factors and rules against every mentor.
        department = e.department if rules.different_department else np.zeros(len(e))
        keys = np.stack([e.utc_offset_hours, e.years, department], axis=1).astype(np.float64)
        distinct, inverse = np.unique(keys, axis=0, return_inverse=True)
        self.key: IntArray | None = None
        if distinct.shape[0] * self.m <= KEY_TABLE_CELLS:
            self.key = inverse.reshape(-1).astype(np.int64)
            self.table, self.table_allowed = self._pair_terms(
                distinct[:, 0].astype(np.float32), distinct[:, 1].astype(np.float32),
                distinct[:, 2].astype(np.int64),
            )  # fmt: skip
        excluded = np.concatenate([problem.forbidden.reshape(-1, 2), _same_person(e, o)])
        order, self.excluded_ptr = _by_row(excluded[:, 0], len(e))
        self.excluded_mentor = excluded[order, 1]
        picks = problem.picks[problem.picks[:, 2] < PICK_DEPTH]
        order = np.lexsort((picks[:, 1], picks[:, 0]))
        self.picks_ptr = np.searchsorted(picks[order, 0], np.arange(len(e) + 1))
        self.pick_mentor = picks[order, 1]
        self.pick_key = picks[order, 0] * self.m + picks[order, 1]
        self.pick_points = (np.float32(w.picks) * (1 - picks[order, 2] / PICK_DEPTH)).astype(
            np.float32
        )

    def _pair_terms(
        self, offsets: FloatArray, years: FloatArray, department: IntArray
    ) -> tuple[FloatArray, BoolArray]:
        """Time zone and seniority points, and the rules that need no matrix product."""
        o, w, rules = self.problem.mentors, self.problem.weights, self.rules
        apart = _circular_hours(offsets, o.utc_offset_hours)
        gap = o.years[None, :] - years[:, None]
        terms = np.float32(w.time_zone) * (1 - apart / 12) + np.float32(w.seniority) * np.clip(
            gap / 10, 0, 1
        )
        allowed = np.ones(terms.shape, dtype=bool)
        if rules.max_time_zone_hours is not None:
            allowed &= apart <= rules.max_time_zone_hours
        if rules.min_seniority_gap_years > 0:
            allowed &= gap >= rules.min_seniority_gap_years
        if rules.different_department:
            column = department[:, None]
            allowed &= (column != self.department_o[None, :]) | (column < 0)
        allowed &= self.open[None, :]
        return terms.astype(np.float32), allowed

    def rows_per_block(self) -> int:
        return max(16, BLOCK_CELLS // max(self.m, 1))

    def pair_scores(self, mentee: IntArray, mentor: IntArray) -> FloatArray:
        """``block``'s scores of single pairs, for pairs chosen without scoring whole rows."""
        scores = np.empty(mentee.size, dtype=np.float32)
        for start in range(0, mentee.size, PAIR_CHUNK):
            part = slice(start, start + PAIR_CHUNK)
            scores[part] = self._pair_chunk(mentee[part], mentor[part])
        return scores

    def _pair_chunk(self, i: IntArray, j: IntArray) -> FloatArray:
        e, o, w = self.problem.mentees, self.problem.mentors, self.problem.weights
        scores = _rowwise_dot(self.linear_e[i], self.linear_o_rows[j])
        if not self.goals_linear and w.goals:
            goals = np.clip(_rowwise_dot(e.goals[i], o.goals[j]), 0, 1)
            scores += np.float32(w.goals) * goals
        if w.availability:
            if self.hours_e is not None and self.hours_o is not None:
                shared_hours = np.bitwise_count(self.hours_e[i] & self.hours_o[j]).sum(axis=1)
                overlap = np.minimum(shared_hours.astype(np.float32), 6)
            else:
                overlap = np.minimum(_rowwise_dot(e.availability[i], o.availability[j]), 6)
            scores += np.float32(w.availability / 6) * overlap
        if w.language:
            shared = np.minimum(_rowwise_dot(e.languages[i], o.languages[j]), 2)
            scores += np.float32(w.language / 2) * shared
        if self.key is not None:
            scores += self.table[self.key[i], j]
        else:
            apart = np.abs(e.utc_offset_hours[i] - o.utc_offset_hours[j])
            apart = np.minimum(apart, 24 - apart)
            gap = o.years[j] - e.years[i]
            scores += np.float32(w.time_zone) * (1 - apart / 12)
            scores += np.float32(w.seniority) * np.clip(gap / 10, 0, 1)
        if self.pick_key.size:
            wanted = i * self.m + j
            at = np.minimum(np.searchsorted(self.pick_key, wanted), self.pick_key.size - 1)
            hit = self.pick_key[at] == wanted
            scores[hit] += self.pick_points[at[hit]]
        return scores.astype(np.float32)

    def block(self, rows: IntArray) -> tuple[FloatArray, BoolArray]:
        """Scores and allowed pairs of these mentee rows against every mentor."""
        e, w, rules = self.problem.mentees, self.problem.weights, self.rules
        scores = self.linear_e[rows] @ self.linear_o
        if self.key is not None:
            keys = self.key[rows]
            scores += self.table[keys]
            allowed = self.table_allowed[keys]
        else:
            terms, allowed = self._pair_terms(
                e.utc_offset_hours[rows], e.years[rows], e.department[rows]
            )
            scores += terms
        if not self.goals_linear and w.goals:
            goals = e.goals[rows] @ self.goals_o
            np.clip(goals, 0, 1, out=goals)
            goals *= np.float32(w.goals)
            scores += goals
        if w.availability:
            overlap = self.availability_e[rows] @ self.availability_o
            np.minimum(overlap, np.float32(w.availability), out=overlap)
            scores += overlap
        shared = self.languages_e[rows] @ self.languages_o
        if rules.shared_language:
            allowed &= shared > 0
        if w.language:
            np.minimum(shared, np.float32(w.language), out=shared)
            scores += shared
        local, index = _ranges(self.excluded_ptr, rows)
        allowed[local, self.excluded_mentor[index]] = False
        local, index = _ranges(self.picks_ptr, rows)
        scores[local, self.pick_mentor[index]] += self.pick_points[index]
        return scores, allowed


def _rowwise_dot(a: FloatArray, b: FloatArray) -> FloatArray:
    return np.einsum("ij,ij->i", a, b)


def _hour_bits(availability: FloatArray) -> NDArray[np.uint64] | None:
    """Weekly hours as bits, 64 to a word; None unless every value is 0 or 1."""
    if not np.isin(availability, (0, 1)).all():
        return None
    bits = np.packbits(availability.astype(bool), axis=1)
    words = -(-bits.shape[1] // 8)
    padded = np.zeros((bits.shape[0], words * 8), dtype=np.uint8)
    padded[:, : bits.shape[1]] = bits
    return padded.view(np.uint64)


def _unit_non_negative(vectors: FloatArray) -> bool:
    if vectors.size == 0:
        return True
    norms = np.einsum("ij,ij->i", vectors, vectors)
    return bool(vectors.min() >= 0 and norms.max() <= 1 + 1e-6)


def _same_person(mentees: Side, mentors: Side) -> IntArray:
    """(mentee row, mentor row) pairs of one person enrolled on both sides."""
    common = np.intersect1d(mentees.person, mentors.person)
    pairs = [
        (int(e), int(o))
        for person in common.tolist()
        for e in np.flatnonzero(mentees.person == person)
        for o in np.flatnonzero(mentors.person == person)
    ]
    return np.array(pairs, dtype=np.int64).reshape(-1, 2)


def _select(
    keys: NDArray[np.floating] | NDArray[np.unsignedinteger], count: int,
    available: IntArray | None = None,
) -> tuple[IntArray, IntArray, NDArray[np.float64]]:  # fmt: skip
    """The ``count`` highest keys of every row (-inf, or 0 for integer keys = not allowed;
    ``available`` counts the others), and for each row a bound on the keys left out (in
    the keys' units)."""
    rows, width = keys.shape
    integer = np.issubdtype(keys.dtype, np.integer)
    allowed_from = 1 if integer else np.finfo(np.dtype(keys.dtype.char)).min
    if available is None:
        available = np.count_nonzero(keys >= allowed_from, axis=1)
    if width <= count:
        local, columns = np.nonzero(keys >= allowed_from)
        return local, columns.astype(np.int64), np.full(rows, -np.inf)
    # A threshold from a sample of the columns, set to catch a few more than ``count``:
    # one pass over the block instead of a partition of every row.
    sample = keys[:, :: max(1, width // 256)]
    rank = min(sample.shape[1], max(2, int(np.ceil(3 * count * sample.shape[1] / width))))
    threshold = np.partition(sample, sample.shape[1] - rank, axis=1)[:, -rank]
    threshold = np.maximum(threshold, allowed_from)
    chosen = keys >= threshold[:, None]
    # Flat indices: much faster than a 2-D nonzero, and they count each row's too.
    flat = np.flatnonzero(chosen)
    taken = np.bincount(flat // width, minlength=rows)
    # Left out: below the threshold, or nothing when every allowed pair is chosen.
    rest = np.where(taken >= available, -np.inf, threshold).astype(np.float64)
    short = np.flatnonzero(taken < np.minimum(available, count))
    if short.size:
        part = keys[short].astype(np.float64)
        part[keys[short] < allowed_from] = -np.inf
        best = np.argpartition(-part, count - 1, axis=1)[:, :count]
        chosen[short[:, None], best] = np.take_along_axis(part, best, axis=1) > -np.inf
        rest[short] = np.where(chosen[short], -np.inf, part).max(axis=1)
        flat = np.flatnonzero(chosen)
    local, columns = np.divmod(flat, width)
    values = keys[local, columns].astype(np.float64)
    order = np.lexsort((-values, local))
    local, columns, values = local[order], columns[order], values[order]
    starts = np.searchsorted(local, np.arange(rows))
    position = np.arange(local.size) - starts[local]
    # Each row's values are in descending order: its first one cut is the best left out.
    first_cut = position == count
    rest[local[first_cut]] = np.maximum(rest[local[first_cut]], values[first_cut])
    keep = position < count
    return local[keep], columns[keep].astype(np.int64), rest


# ---------------------------------------------------------------- candidates, widened by prices


@dataclass
class Candidates:
    mentee: list[IntArray] = field(default_factory=list)
    mentor: list[IntArray] = field(default_factory=list)
    score: list[FloatArray] = field(default_factory=list)

    def add(self, mentee: IntArray, mentor: IntArray, score: FloatArray) -> None:
        self.mentee.append(mentee)
        self.mentor.append(mentor)
        self.score.append(score)

    def arrays(self, mentors: int) -> tuple[IntArray, IntArray, FloatArray]:
        """Every candidate pair once."""
        if not self.mentee:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, np.zeros(0, dtype=np.float32)
        mentee, mentor = np.concatenate(self.mentee), np.concatenate(self.mentor)
        score = np.concatenate(self.score)
        _, first = np.unique(mentee * max(mentors, 1) + mentor, return_index=True)
        self.mentee, self.mentor, self.score = [mentee[first]], [mentor[first]], [score[first]]
        return mentee[first], mentor[first], score[first]


@dataclass
class _Bounds:
    """What is known about the pairs that are not candidates, row by row.

    Row i was last scored against the prices of version ``version[i]``; every allowed
    pair left out then had score x SCALE - price <= ``ceiling[i]``. ``sketch`` holds
    every left-out allowed pair's score rounded up to a multiple of ``step`` (score
    units: ``sketch * step``), 0 for pairs not allowed or already candidates: one byte a
    pair, so a row's bound at new prices costs no scoring.
    """

    ceiling: NDArray[np.float64]
    version: IntArray
    prices: list[NDArray[np.float64]]
    sketch: NDArray[np.uint8]
    step: float

    def sketch_into(
        self, sketch: NDArray[np.uint8], scores: FloatArray, allowed: BoolArray
    ) -> None:
        levels = scores * np.float32(1 / self.step)
        np.clip(levels, 0, SKETCH_LEVELS - 2, out=levels)
        np.copyto(sketch, levels, casting="unsafe")  # rounds down; the level above bounds it
        sketch += 1
        sketch *= allowed

    def forget(self, mentee: IntArray, mentor: IntArray) -> None:
        """These pairs are candidates now: the flow prices them itself."""
        self.sketch[mentee, mentor] = 0


def _first_pass(scorer: _Scorer, per_mentee: int) -> tuple[Candidates, IntArray, _Bounds]:
    n, m = len(scorer.problem.mentees), scorer.m
    candidates = Candidates()
    allowed_counts = np.zeros(n, dtype=np.int64)
    top = float(np.maximum(scorer.problem.weights.as_array(), 0).sum())
    bounds = _Bounds(
        np.full(n, -np.inf), np.zeros(n, dtype=np.int64), [np.zeros(m)],
        np.zeros((n, m), dtype=np.uint8), max(top, 1e-6) / (SKETCH_LEVELS - 1),
    )  # fmt: skip

    def score(block: slice) -> tuple[IntArray, IntArray, FloatArray]:
        rows = np.arange(block.start, block.stop)
        scores, allowed = scorer.block(rows)
        allowed_counts[rows] = np.count_nonzero(allowed, axis=1)
        sketch = bounds.sketch[block]
        bounds.sketch_into(sketch, scores, allowed)
        np.copyto(scores, -np.inf, where=np.logical_not(allowed, out=allowed))
        local, columns, rest = _select(scores, per_mentee, allowed_counts[rows])
        bounds.ceiling[rows] = rest * SCORE_SCALE
        sketch[local, columns] = 0
        return rows[local], columns, scores[local, columns]

    # Blocks write disjoint rows; numpy and BLAS release the GIL, so threads share the cores.
    # One BLAS thread per scoring thread: OpenBLAS would start a thread per core inside each
    # one, and its waiting threads spin (at 10,000 x 4,000 on two cores the first pass
    # takes about half the CPU time this way).
    blas = threadpool_limits(limits=1, user_api="blas")
    with blas, ThreadPoolExecutor(max_workers=SCORING_THREADS) as pool:
        for mentee, mentor, score_of in pool.map(score, _blocks(n, scorer.rows_per_block())):
            candidates.add(mentee, mentor, score_of)
    return candidates, allowed_counts, bounds


def _widen(
    scorer: _Scorer, rows: IntArray, prices: NDArray[np.float64], floor: NDArray[np.float64],
    bounds: _Bounds, candidates: Candidates, per_mentee: int, record: bool = True,
) -> tuple[int, int]:  # fmt: skip
    """Bound these rows' left-out pairs at the new prices from the sketch; where a pair
    might beat the row's floor, the row's best pairs by that bound join the candidates,
    scored exactly. Returns how many rows were widened and how many pairs joined."""
    version = len(bounds.prices) - 1
    widened = joined = 0
    levels, key_prices = _key_terms(bounds, prices)
    step = max(16, BLOCK_CELLS // max(scorer.m, 1))
    for start in range(0, rows.size, step):
        chunk = rows[start : start + step]
        keys = levels[bounds.sketch[chunk]]
        keys -= key_prices
        best = keys.max(axis=1)
        if record:
            bounds.ceiling[chunk] = best
            bounds.version[chunk] = version
        doubt = np.flatnonzero(best > floor[chunk] + PRICE_TOLERANCE)
        if doubt.size:
            local, columns, rest = _select(
                keys if doubt.size == chunk.size else keys[doubt], per_mentee
            )
            mentee = chunk[doubt][local]
            candidates.add(mentee, columns, scorer.pair_scores(mentee, columns))
            bounds.forget(mentee, columns)
            if record:
                bounds.ceiling[chunk[doubt]] = rest
            widened += doubt.size
            joined += columns.size
    return widened, joined


def _key_terms(
    bounds: _Bounds, prices: NDArray[np.float64]
) -> tuple[NDArray[np.floating], NDArray[np.floating]]:
    """A left-out pair's key, score x SCALE - price, as ``levels[sketch] - prices``.

    While every price is small enough for float32 to hold keys to a fraction of a unit,
    keys are float32, half the memory traffic of the widest step; each level is then
    raised by KEY_MARGIN, more than float32 rounds, so a key never falls below its
    float64 value and rows are only ever doubted more, never less. Larger prices (when
    matching more mentees is at stake) keep float64."""
    small = float(np.abs(prices).max(initial=0)) <= FLOAT32_PRICES
    levels = np.arange(SKETCH_LEVELS, dtype=np.float64) * (bounds.step * SCORE_SCALE)
    if small:
        levels += KEY_MARGIN
    levels[0] = -np.inf  # not allowed, or a candidate already
    dtype = np.float32 if small else np.float64
    return levels.astype(dtype), prices.astype(dtype)


def _spread_over_crowds(
    scorer: _Scorer, bounds: _Bounds, candidates: Candidates, allowed_counts: IntArray,
    per_mentee: int,
) -> None:  # fmt: skip
    """When the candidates crowd onto few mentors (everyone's best fits), they cannot seat
    as many mentees as the seats could: before the first flow, give every mentee their
    best pairs among the other mentors, as if the crowded ones were priced out. Saves the
    flow whose only use would be to find those prices."""
    _, mentor, _ = candidates.arrays(scorer.m)
    capacity = np.maximum(scorer.problem.capacity, 0)
    demand = np.bincount(mentor, minlength=scorer.m)
    needed = min(int(np.count_nonzero(allowed_counts)), int(capacity.sum()))
    if int(np.minimum(demand, capacity).sum()) >= needed:
        return
    crowded = demand > 2 * capacity
    # Ranked by sketch level, every other mentor before any crowded one: a level on
    # another mentor counts 256 times. Integer keys, 0 still for pairs not allowed.
    rank_weight = np.where(crowded, 1, SKETCH_LEVELS).astype(np.uint16)
    rows = np.flatnonzero(allowed_counts)
    step = max(16, BLOCK_CELLS // max(scorer.m, 1))
    for start in range(0, rows.size, step):
        chunk = rows[start : start + step]
        keys = np.multiply(bounds.sketch[chunk], rank_weight, dtype=np.uint16)
        local, columns, _ = _select(keys, per_mentee)
        mentee = chunk[local]
        candidates.add(mentee, columns, scorer.pair_scores(mentee, columns))
        bounds.forget(mentee, columns)
    # Few crowded seats (star mentors): most mentees are seated elsewhere, so their many
    # pairs on crowded mentors only slow every flow down. When most seats are crowded
    # (a shortage), those pairs are the assignment: keep them.
    if CROWDED_SEAT_SHARE * int(capacity[crowded].sum()) <= needed:
        _trim_crowded(scorer.m, bounds, candidates, crowded, CROWDED_PER_MENTEE)


def _trim_crowded(
    m: int, bounds: _Bounds, candidates: Candidates, crowded: BoolArray, keep: int
) -> None:
    """Each mentee keeps only its ``keep`` best candidates on crowded mentors; the others
    go back to the sketch and the row's bound (at prices 0), where the flow's prices will
    rule most of them out."""
    mentee, mentor, score = candidates.arrays(m)
    on_crowd = np.flatnonzero(crowded[mentor])
    order = on_crowd[np.lexsort((-score[on_crowd], mentee[on_crowd]))]
    grouped = mentee[order]
    first = np.flatnonzero(np.r_[True, grouped[1:] != grouped[:-1]])
    position = np.arange(order.size) - np.repeat(first, np.diff(np.r_[first, order.size]))
    drop = order[position >= keep]
    if drop.size == 0:
        return
    levels = score[drop] * np.float32(1 / bounds.step)
    np.clip(levels, 0, SKETCH_LEVELS - 2, out=levels)
    bounds.sketch[mentee[drop], mentor[drop]] = levels.astype(np.uint8) + 1
    np.maximum.at(bounds.ceiling, mentee[drop], score[drop].astype(np.float64) * SCORE_SCALE)
    kept = np.ones(mentee.size, dtype=bool)
    kept[drop] = False
    candidates.mentee, candidates.mentor = [mentee[kept]], [mentor[kept]]
    candidates.score = [score[kept]]


def candidate_pairs(
    problem: Problem, per_mentee: int = CANDIDATES_PER_MENTEE
) -> tuple[Candidates, IntArray]:
    """The best allowed mentors of each mentee, and how many mentors each may have."""
    candidates, allowed_counts, _ = _first_pass(_Scorer(problem), max(per_mentee, 1))
    return candidates, allowed_counts


# ---------------------------------------------------------------- assignment


def match(
    problem: Problem,
    per_mentee: int = CANDIDATES_PER_MENTEE,
    timings: dict[str, float] | None = None,
) -> Result:
    """Match the whole cohort: most mentees matched, then the highest total score.

    Scores every pair once, keeps the best ``per_mentee`` mentors of each mentee and a
    one-byte sketch of every other allowed pair's score, and solves a min-cost max-flow
    over the candidates. The flow's dual prices then tell which left-out pairs could
    still improve it (match more mentees, or raise the total): a row whose stored bound
    does not rule that out is bounded again from the sketch at the new prices, and its
    best pairs by that bound join the candidates, scored exactly. Repeat until no row can
    improve: the assignment is then optimal over all allowed pairs (``proven_optimal``).
    The work grows with mentees x mentors once, then with the rows in doubt, never with
    unmatched x seated x mentors.
    """
    clock = time.perf_counter()
    m = len(problem.mentors)
    scorer = _Scorer(problem)
    per_mentee = max(per_mentee, 1)
    candidates, allowed_counts, bounds = _first_pass(scorer, per_mentee)
    _spread_over_crowds(
        scorer, bounds, candidates, allowed_counts, min(per_mentee, WIDEN_PER_MENTEE)
    )
    scoring = time.perf_counter() - clock
    widening = 0.0
    rounds, proven, joined_total = 0, False, 0
    while True:
        mentee, mentor, score = candidates.arrays(m)
        assigned = _solve_flow(problem, mentee, mentor, score)
        if rounds == MAX_PRICING_ROUNDS or mentee.size == 0:
            proven = mentee.size == 0
            break
        rounds += 1
        prices, floor = _dual_prices(problem, mentee, mentor, score, assigned)
        started = time.perf_counter()
        doubtful = _doubtful_rows(problem, bounds, prices, floor, allowed_counts)
        bounds.prices.append(prices)
        improvable = 0
        if doubtful.size:
            improvable, joined = _widen(
                scorer, doubtful, prices, floor, bounds, candidates,
                min(per_mentee, WIDEN_PER_MENTEE),
            )  # fmt: skip
            joined_total += joined
        widening += time.perf_counter() - started
        if not improvable:
            proven = True
            break
    if timings is not None:
        timings["scoring"] = scoring + widening
        timings["solving"] = time.perf_counter() - clock - scoring - widening
        timings["rounds"] = float(rounds)
        timings["pairs_joined"] = float(joined_total)
    return _result(
        problem, mentee[assigned], mentor[assigned], score[assigned], allowed_counts, proven
    )


def _doubtful_rows(
    problem: Problem, bounds: _Bounds, prices: NDArray[np.float64],
    floor: NDArray[np.float64], allowed_counts: IntArray,
) -> IntArray:  # fmt: skip
    """Rows where a left-out pair might beat the row's floor at these prices."""
    open_mentors = problem.capacity > 0
    if not open_mentors.any():
        return np.zeros(0, dtype=np.int64)
    # A left-out pair's key moves by at most the largest drop of any price since.
    drop = np.array([float((old - prices)[open_mentors].max()) for old in bounds.prices])
    ceiling = bounds.ceiling + drop[bounds.version]
    return np.flatnonzero((allowed_counts > 0) & (ceiling > floor + PRICE_TOLERANCE))


def _dual_prices(
    problem: Problem, mentee: IntArray, mentor: IntArray, score: FloatArray,
    assigned: BoolArray,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:  # fmt: skip
    """Prices of the mentors and floors of the mentees (SCORE_SCALE units) from node
    potentials of the optimal flow: a pair not in the flow network can improve the
    assignment only if score x SCALE - price[mentor] > floor[mentee].

    The potentials are shortest distances in the residual network, where one more
    mentee matched is worth more than any score (an arc sink -> source of cost -BIG),
    so prices also account for matching more mentees.
    """
    n, m = len(problem.mentees), len(problem.mentors)
    source, sink = n + m, n + m + 1
    best = _best_cost(problem)
    big = (best + 1) * (n + m + 2) + _seat_costs(problem).max(initial=0) * (n + m + 2)
    cost = best - np.rint(score.astype(np.float64) * SCORE_SCALE).astype(np.int64)
    matched = np.zeros(n, dtype=bool)
    matched[mentee[assigned]] = True
    load = np.bincount(mentor[assigned], minlength=m)
    seat = _seat_costs(problem)
    capacity = np.maximum(problem.capacity, 0)
    has_room = np.flatnonzero(load < capacity)
    has_mentees = np.flatnonzero(load > 0)
    rows = np.arange(n)
    flow_value = int(matched.sum())
    more, fewer = int(flow_value < n), int(flow_value > 0)
    # Residual arcs: unused pairs forward, used pairs back; the source reaches unmatched
    # mentees and is reached from matched ones; seats left and seats taken; the return arc.
    tails = [
        np.where(assigned, n + mentor, mentee), np.full(n - flow_value, source), rows[matched],
        n + has_room, np.full(has_mentees.size, sink),
        np.array([sink] * more + [source] * fewer),
    ]  # fmt: skip
    heads = [
        np.where(assigned, mentee, n + mentor), rows[~matched], np.full(flow_value, source),
        np.full(has_room.size, sink), n + has_mentees,
        np.array([source] * more + [sink] * fewer),
    ]  # fmt: skip
    costs = [
        np.where(assigned, -cost, cost), np.zeros(n, dtype=np.int64),
        seat[load[has_room]], -seat[load[has_mentees] - 1],
        np.array([-big] * more + [big] * fewer),
    ]  # fmt: skip
    potential = _shortest_distances(
        n + m + 2,
        np.concatenate(tails).astype(np.int64),
        np.concatenate(heads).astype(np.int64),
        np.concatenate(costs).astype(np.int64),
    )
    prices = -potential[n : n + m].astype(np.float64)
    floor = (best + potential[:n]).astype(np.float64)
    return prices, floor


def _best_cost(problem: Problem) -> int:
    return int(np.ceil(float(problem.weights.as_array().sum()) * SCORE_SCALE))


def _seat_costs(problem: Problem) -> NDArray[np.int64]:
    """Cost of the k-th seat of any mentor (k from 0), as the flow charges it."""
    most = int(np.maximum(problem.capacity, 0).max(initial=0))
    if problem.load_spreading <= 0:
        return np.zeros(most + 1, dtype=np.int64)
    return np.rint(np.arange(most + 1) * problem.load_spreading * SCORE_SCALE).astype(np.int64)


def _shortest_distances(nodes: int, tail: IntArray, head: IntArray, cost: IntArray) -> IntArray:
    """Bellman-Ford from a virtual root joined to every node at cost 0, relaxing only
    the arcs out of nodes whose distance changed (the network has no negative cycle)."""
    order = np.argsort(tail, kind="stable")
    tail, head, cost = tail[order], head[order], cost[order]
    pointer = np.searchsorted(tail, np.arange(nodes + 1))
    distance = np.zeros(nodes, dtype=np.int64)
    active = np.unique(tail[cost < 0])
    for _ in range(nodes + 1):
        if active.size == 0:
            return distance
        _, arcs = _ranges(pointer, active)
        reach = distance[tail[arcs]] + cost[arcs]
        better = reach < distance[head[arcs]]
        if not better.any():
            return distance
        np.minimum.at(distance, head[arcs][better], reach[better])
        active = np.unique(head[arcs][better])
    raise RuntimeError("negative cycle in an optimal flow's residual network")


def _solve_flow(
    problem: Problem, mentee: IntArray, mentor: IntArray, score: FloatArray
) -> NDArray[np.bool_]:
    """Min-cost max-flow: source -> mentee -> mentor -> (one arc per seat) -> sink."""
    n, m = len(problem.mentees), len(problem.mentors)
    if mentee.size == 0:
        return np.zeros(0, dtype=bool)
    source, sink = n + m, n + m + 1
    best = _best_cost(problem)
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
    problem: Problem, mentee: IntArray, mentor: IntArray, score: FloatArray, allowed: IntArray,
    proven: bool = False,
) -> Result:  # fmt: skip
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
        proven_optimal=proven,
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
