"""Every mentee's best mentors in a mentee-choice program, ranked once for the whole
cohort and kept in the cache: the worker's task ``matching.rank_shortlists`` runs
``shortlists_rank``; ``selectors.shortlist_for`` reads what it kept. Nothing here
enqueues work."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from django.core.cache import cache
from django.db.models import Count, Max

from matching import engine
from matching.explanations import explanation_facts_bulk
from matching.features import Cohort, goal_weights, load_cohort
from programs.models import Enrolment, Program

SHORTLIST_DEPTH = 20
RANKING_SECONDS = 6 * 3600
Ranked = list[tuple[int, dict[str, object]]]  # (mentor enrolment id, explanation facts)


def ranking_key(program: Program) -> str:
    enrolled = Enrolment.objects.filter(program=program).aggregate(
        count=Count("pk"), changed=Max("updated_at")
    )
    changed = enrolled["changed"].timestamp() if enrolled["changed"] else 0
    return (
        f"matching:shortlist:{program.pk}:{program.updated_at.timestamp()}:"
        f"{enrolled['count']}:{changed}"
    )


def ranked_pairs(cohort: Cohort, depth: int) -> tuple[np.ndarray, np.ndarray]:
    """(mentee row, mentor row) of every mentee's best ``depth`` mentors by score alone,
    by mentee and best first: seats are checked when a shortlist is shown, so a mentor
    full today is ranked all the same."""
    problem = replace(cohort.problem, capacity=np.ones(len(cohort.mentors), dtype=np.int64))
    candidates, _allowed = engine.candidate_pairs(problem, per_mentee=depth)
    mentee, mentor, score = candidates.arrays(len(cohort.mentors))
    order = np.lexsort((mentor, -score, mentee))  # per mentee: best first, ties by row
    return mentee[order], mentor[order]


def explained(cohort: Cohort, mentee: np.ndarray, mentor: np.ndarray) -> dict[int, Ranked]:
    """Those pairs as each mentee's ranking, with the explanation of every pair."""
    facts = explanation_facts_bulk(cohort, mentee.tolist(), mentor.tolist())
    ranked: dict[int, Ranked] = {}
    for row, column, explanation in zip(mentee.tolist(), mentor.tolist(), facts, strict=True):
        ranked.setdefault(cohort.mentees[row].pk, []).append(
            (cohort.mentors[column].pk, explanation)
        )
    return ranked


RANKING_CHUNK = 1_000  # mentees explained and stored at a time, so memory stays bounded


def shortlists_rank(*, program: Program) -> int:
    """Rank every mentee's candidates once and keep them; returns how many mentees."""
    key = ranking_key(program)
    cohort = load_cohort(program)
    mentee, mentor = ranked_pairs(cohort, SHORTLIST_DEPTH)
    for start in range(0, len(cohort.mentees), RANKING_CHUNK):
        rows = np.arange(start, min(start + RANKING_CHUNK, len(cohort.mentees)))
        chunk = np.isin(mentee, rows)
        ranked = explained(cohort, mentee[chunk], mentor[chunk])
        kept = {
            f"{key}:{cohort.mentees[row].pk}": ranked.get(cohort.mentees[row].pk, [])
            for row in rows.tolist()
        }
        cache.set_many(kept, RANKING_SECONDS)
    cache.set(f"{key}:ranked", goal_weights(cohort.problem), RANKING_SECONDS)
    return len(cohort.mentees)
