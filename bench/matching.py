"""Benchmark the matching engine against a first-come greedy baseline and the exact optimum.

Usage: python bench/matching.py --shape shortage --mentees 10000 --capacity 3 --seed 1
Prints one JSON object per run. Shapes are described in bench/synthetic.py; --mentors
overrides the shape's default number of mentors.

The exact optimum is an OR-Tools min-cost max-flow over ALL allowed pairs, scored densely
with the engine's reference scoring (``score_block``) and the same integer costs as the
engine: most mentees matched first, then the highest total. Where that does not fit
(--exact-limit allowed pairs), the run reports instead the largest number of mentees any
assignment can match (a max-flow over all allowed pairs, or a bound) and an upper bound on
the total score, and says which it is.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from pathlib import Path

import numpy as np
from ortools.graph.python import max_flow, min_cost_flow

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.synthetic import SHAPES, shape_problem
from matching.engine import SCORE_SCALE, Problem, match, score_block

EXACT_LIMIT_PAIRS = 30_000_000  # allowed pairs the exact flow takes: about 3 GB
BLOCK = 256


def _allowed_blocks(problem: Problem):  # type: ignore[no-untyped-def]
    for start in range(0, len(problem.mentees), BLOCK):
        rows = slice(start, min(start + BLOCK, len(problem.mentees)))
        scores, allowed = score_block(problem, rows)
        yield rows, scores, allowed


def greedy_first_come(problem: Problem) -> tuple[float, int]:
    """Each mentee in arrival order takes their best allowed mentor with a free seat."""
    free = problem.capacity.copy()
    total, matched = 0.0, 0
    for _, scores, allowed in _allowed_blocks(problem):
        for i in range(scores.shape[0]):
            options = np.where(allowed[i] & (free > 0), scores[i], -np.inf)
            best = int(np.argmax(options))
            if np.isfinite(options[best]):
                free[best] -= 1
                total += float(scores[i, best])
                matched += 1
    return total, matched


def _all_allowed_pairs(problem: Problem) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    mentees, mentors, costs = [], [], []
    best = int(np.ceil(float(problem.weights.as_array().sum()) * SCORE_SCALE))
    for rows, scores, allowed in _allowed_blocks(problem):
        local, mentor = np.nonzero(allowed)
        mentees.append((local + rows.start).astype(np.int32))
        mentors.append(mentor.astype(np.int32))
        costs.append(best - np.rint(scores[local, mentor].astype(np.float64) * SCORE_SCALE))
    return np.concatenate(mentees), np.concatenate(mentors), np.concatenate(costs)


def count_allowed(problem: Problem) -> int:
    return sum(int(allowed.sum()) for _, _, allowed in _allowed_blocks(problem))


def exact_optimum(problem: Problem) -> tuple[float, int]:
    """Most mentees matched, then the highest total: min-cost max-flow over all allowed pairs."""
    n, m = len(problem.mentees), len(problem.mentors)
    mentee, mentor, cost = _all_allowed_pairs(problem)
    source, sink = n + m, n + m + 1
    capacity = np.maximum(problem.capacity, 0)
    if problem.load_spreading > 0:
        seat_mentor = np.repeat(np.arange(m), capacity)
        seat_index = np.concatenate([np.arange(c) for c in capacity])
        seat_cost = np.rint(seat_index * problem.load_spreading * SCORE_SCALE)
        seat_capacity = np.ones(seat_mentor.size)
    else:
        seat_mentor, seat_cost, seat_capacity = np.arange(m), np.zeros(m), capacity
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(
        np.concatenate([np.full(n, source), mentee, n + seat_mentor]).astype(np.int32),
        np.concatenate([np.arange(n), n + mentor, np.full(seat_mentor.size, sink)]).astype(
            np.int32
        ),
        np.concatenate([np.ones(n), np.ones(mentee.size), seat_capacity]).astype(np.int64),
        np.concatenate([np.zeros(n), cost, seat_cost]).astype(np.int64),
    )
    supplies = np.zeros(n + m + 2, dtype=np.int64)
    supplies[source], supplies[sink] = n, -n
    flow.set_nodes_supplies(np.arange(n + m + 2, dtype=np.int32), supplies)
    if flow.solve_max_flow_with_min_cost() != flow.OPTIMAL:
        raise RuntimeError("exact flow failed")
    used = flow.flows(np.arange(n, n + mentee.size, dtype=np.int32)) > 0
    best = int(np.ceil(float(problem.weights.as_array().sum()) * SCORE_SCALE))
    total = float((best - cost[used]).sum()) / SCORE_SCALE
    return total, int(used.sum())


def bounds_without_exact(problem: Problem, result_pairs: int) -> dict[str, object]:
    """Where the exact flow does not fit: an upper bound on mentees matched (seats, and
    mentees with any allowed mentor) and on the total (each mentee's best allowed score,
    capped by the best scores each mentor could seat)."""
    n, m = len(problem.mentees), len(problem.mentors)
    capacity = np.maximum(problem.capacity, 0)
    row_best = np.full(n, -np.inf)
    seat_best = np.zeros((m, int(capacity.max(initial=0))))
    for rows, scores, allowed in _allowed_blocks(problem):
        masked = np.where(allowed, scores, -np.inf)
        row_best[rows] = masked.max(axis=1)
        top = -np.sort(-np.vstack([masked, seat_best.T]), axis=0)[: seat_best.shape[1]]
        seat_best = np.where(np.isfinite(top), top, 0).T
    seat_best[np.arange(seat_best.shape[1])[None, :] >= capacity[:, None]] = 0
    matchable = int(np.isfinite(row_best).sum())
    return {
        "kind": "bounds (the exact flow over all allowed pairs does not fit)",
        "mentees_matched_at_most": min(matchable, int(capacity.sum())),
        "total_score_at_most": round(
            min(float(row_best[np.isfinite(row_best)].sum()), float(seat_best.sum())), 2
        ),
        "engine_matched_equals_bound": result_pairs == min(matchable, int(capacity.sum())),
    }


def max_matching_size(problem: Problem) -> int:
    """Most mentees any assignment can match: a max-flow over all allowed pairs."""
    n, m = len(problem.mentees), len(problem.mentors)
    mentee, mentor, _ = _all_allowed_pairs(problem)
    source, sink = n + m, n + m + 1
    flow = max_flow.SimpleMaxFlow()
    flow.add_arcs_with_capacity(
        np.concatenate([np.full(n, source), mentee, n + np.arange(m)]).astype(np.int32),
        np.concatenate([np.arange(n), n + mentor, np.full(m, sink)]).astype(np.int32),
        np.concatenate([np.ones(n), np.ones(mentee.size), problem.capacity]).astype(np.int64),
    )
    if flow.solve(source, sink) != flow.OPTIMAL:
        raise RuntimeError("max flow failed")
    return int(flow.optimal_flow())


def run(args: argparse.Namespace) -> dict[str, object]:
    problem = shape_problem(
        args.shape, args.mentees, args.mentors, args.capacity, args.seed, args.load_spreading
    )
    timings: dict[str, float] = {}
    cpu = time.process_time()
    result = match(problem, timings=timings)
    cpu = time.process_time() - cpu
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    report: dict[str, object] = {
        "shape": args.shape,
        "mentees": len(problem.mentees),
        "mentors": len(problem.mentors),
        "seats": int(problem.capacity.sum()),
        "seed": args.seed,
        "seconds_scoring": round(timings["scoring"], 3),
        "seconds_solving": round(timings["solving"], 3),
        "seconds_total": round(timings["scoring"] + timings["solving"], 3),
        # CPU seconds of the process (both scoring threads): on a loaded machine the
        # honest measure of the work, since wall time then counts waiting for a core.
        "cpu_seconds": round(cpu, 3),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "pricing_rounds": int(timings["rounds"]),
        "pairs_joined": int(timings["pairs_joined"]),
        "peak_rss_mb": round(peak_mb, 1),
        "total_score": round(result.total_score, 2),
        "mentees_matched": len(result.pairs),
        "proven_optimal": result.proven_optimal,
    }
    if not args.no_greedy:
        started = time.perf_counter()
        greedy_total, greedy_matched = greedy_first_come(problem)
        report["greedy"] = {
            "seconds": round(time.perf_counter() - started, 3),
            "total_score": round(greedy_total, 2),
            "mentees_matched": greedy_matched,
        }
    if args.no_exact:
        return report
    allowed = count_allowed(problem)
    report["allowed_pairs"] = allowed
    if allowed <= args.exact_limit:
        started = time.perf_counter()
        exact_total, exact_matched = exact_optimum(problem)
        report["exact"] = {
            "seconds": round(time.perf_counter() - started, 3),
            "total_score": round(exact_total, 2),
            "mentees_matched": exact_matched,
        }
        report["percent_of_optimum"] = round(100 * result.total_score / exact_total, 4)
        report["matched_equals_maximum"] = len(result.pairs) == exact_matched
    else:
        report["exact"] = bounds_without_exact(problem, len(result.pairs))
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shape", choices=SHAPES, default="spread")
    parser.add_argument("--mentees", type=int, default=2000)
    parser.add_argument("--mentors", type=int, default=None, help="default: the shape's")
    parser.add_argument("--capacity", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--load-spreading", type=float, default=0.0)
    parser.add_argument("--no-exact", action="store_true", help="skip the exact optimum")
    parser.add_argument("--no-greedy", action="store_true", help="skip the greedy baseline")
    parser.add_argument("--exact-limit", type=int, default=EXACT_LIMIT_PAIRS)
    print(json.dumps(run(parser.parse_args())))


if __name__ == "__main__":
    main()
