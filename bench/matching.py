"""Benchmark the matching engine against a first-come greedy baseline and the exact optimum.

Usage: python bench/matching.py --mentees 10000 --mentors 4000 --capacity 3 --seed 1
Prints one JSON object per run.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

import numpy as np
from scipy.optimize import linear_sum_assignment

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.synthetic import synthetic_problem
from matching.engine import BLOCK_ROWS, Problem, match, score_block

EXACT_LIMIT_CELLS = 200_000_000  # the capacity-expanded matrix, float64: about 1.6 GB


def greedy_first_come(problem: Problem) -> tuple[float, int]:
    """Each mentee in arrival order takes their best allowed mentor with a free seat."""
    free = problem.capacity.copy()
    total, matched = 0.0, 0
    for start in range(0, len(problem.mentees), BLOCK_ROWS):
        rows = slice(start, min(start + BLOCK_ROWS, len(problem.mentees)))
        scores, allowed = score_block(problem, rows)
        for i in range(scores.shape[0]):
            options = np.where(allowed[i] & (free > 0), scores[i], -np.inf)
            best = int(np.argmax(options))
            if np.isfinite(options[best]):
                free[best] -= 1
                total += float(scores[i, best])
                matched += 1
    return total, matched


def exact_optimum(problem: Problem) -> tuple[float, int] | None:
    """Most mentees matched, then the highest total: LSA over one column per seat."""
    seats = np.repeat(np.arange(len(problem.mentors)), problem.capacity)
    if len(problem.mentees) * seats.size > EXACT_LIMIT_CELLS:
        return None
    scores, allowed = score_block(problem, slice(0, len(problem.mentees)))
    bonus = float(problem.weights.as_array().sum()) * len(problem.mentees) + 1
    value = np.where(allowed, scores.astype(np.float64) + bonus, 0.0)[:, seats]
    rows, cols = linear_sum_assignment(value, maximize=True)
    chosen = allowed[rows, seats[cols]]
    return float(scores[rows, seats[cols]][chosen].astype(np.float64).sum()), int(chosen.sum())


def run(args: argparse.Namespace) -> dict[str, object]:
    problem = synthetic_problem(
        args.mentees, args.mentors, args.capacity, args.seed, args.load_spreading
    )
    timings: dict[str, float] = {}
    result = match(problem, timings=timings)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    greedy_total, greedy_matched = greedy_first_come(problem)
    greedy_seconds = time.perf_counter() - started
    exact = None if args.no_exact else exact_optimum(problem)
    report: dict[str, object] = {
        "mentees": args.mentees,
        "mentors": args.mentors,
        "capacity": args.capacity,
        "seed": args.seed,
        "seconds_scoring": round(timings["scoring"], 3),
        "seconds_solving": round(timings["solving"], 3),
        "seconds_total": round(timings["scoring"] + timings["solving"], 3),
        "peak_rss_mb": round(peak_mb, 1),
        "total_score": round(result.total_score, 2),
        "mentees_matched": len(result.pairs),
        "greedy": {
            "seconds": round(greedy_seconds, 3),
            "total_score": round(greedy_total, 2),
            "mentees_matched": greedy_matched,
            "unmatched_percent": round(100 * (1 - greedy_matched / args.mentees), 2),
        },
    }
    if exact is not None:
        exact_total, exact_matched = exact
        report["exact"] = {"total_score": round(exact_total, 2), "mentees_matched": exact_matched}
        report["percent_of_optimum"] = round(100 * result.total_score / exact_total, 4)
        report["greedy"]["percent_of_optimum"] = round(100 * greedy_total / exact_total, 4)  # type: ignore[index]
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mentees", type=int, default=2000)
    parser.add_argument("--mentors", type=int, default=800)
    parser.add_argument("--capacity", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--load-spreading", type=float, default=0.0)
    parser.add_argument("--no-exact", action="store_true", help="skip the exact optimum")
    print(json.dumps(run(parser.parse_args())))


if __name__ == "__main__":
    main()
