from __future__ import annotations

from dataclasses import asdict, replace
from typing import Any

import numpy as np
import pytest

from bench.synthetic import synthetic_problem
from matching.engine import Problem, explain
from matching.explanations import (
    explanation_facts_bulk,
    explanation_sentences,
    explanation_watch,
    match_quality,
    quality_label,
)
from matching.features import LANGUAGE_CODES, Cohort


def _facts(**overrides: Any) -> dict[str, Any]:
    facts: dict[str, Any] = {
        "score": 0,
        "points": dict.fromkeys(
            ("skills", "goals", "seniority", "time_zone", "language", "availability", "picks"), 0
        ),
        "shared_skills": [],
        "shared_languages": [],
        "time_zone_hours_apart": 0.0,
        "overlap_hours": 0,
        "years_gap": 0.0,
        "goals_similarity": 0.0,
        "pick_rank": None,
    }
    points = overrides.pop("points", {})
    facts.update(overrides)
    facts["points"].update(points)
    return facts


def test_shared_skills_are_counted_and_named() -> None:
    facts = _facts(points={"skills": 5}, shared_skills=["Negotiation", "Hiring", "Public speaking"])
    assert explanation_sentences(facts) == ["3 shared skills: Negotiation, Hiring, Public speaking"]


def test_one_shared_skill_is_singular() -> None:
    facts = _facts(points={"skills": 2}, shared_skills=["Hiring"])
    assert explanation_sentences(facts) == ["1 shared skill: Hiring"]


def test_time_zones_apart_and_the_same() -> None:
    assert explanation_sentences(_facts(points={"time_zone": 1.8}, time_zone_hours_apart=1.0)) == [
        "Time zones 1 hour apart"
    ]
    assert explanation_sentences(_facts(points={"time_zone": 1.5}, time_zone_hours_apart=3.0)) == [
        "Time zones 3 hours apart"
    ]
    assert explanation_sentences(_facts(points={"time_zone": 2})) == ["Same time zone"]


def test_languages_are_named_not_coded() -> None:
    assert explanation_sentences(_facts(points={"language": 2}, shared_languages=["es", "en"])) == [
        "Both speak Spanish and English"
    ]
    assert explanation_sentences(_facts(points={"language": 1}, shared_languages=["de"])) == [
        "Both speak German"
    ]
    assert explanation_sentences(
        _facts(points={"language": 2}, shared_languages=["fr", "it", "nl"])
    ) == ["Both speak French, Italian and Dutch"]


def test_availability_experience_goals_and_picks() -> None:
    facts = _facts(
        points={"availability": 3, "seniority": 2.5, "goals": 1, "picks": 0.5},
        overlap_hours=6,
        years_gap=12.0,
        goals_similarity=0.3,
        pick_rank=0,
    )
    assert explanation_sentences(facts) == [
        "Available at the same time 6 hours a week",
        "12 more years of experience",
        "Similar goals",
        "The mentee's choice number 1",
    ]


def test_strongest_reasons_come_first() -> None:
    facts = _facts(
        points={"skills": 1, "language": 2},
        shared_skills=["Hiring"],
        shared_languages=["en"],
    )
    assert explanation_sentences(facts) == ["Both speak English", "1 shared skill: Hiring"]


def test_factors_without_points_are_left_out() -> None:
    facts = _facts(
        shared_skills=["Hiring"], shared_languages=["en"], overlap_hours=4, years_gap=9.0
    )
    assert explanation_sentences(facts) == []


def test_an_empty_or_old_explanation_gives_no_sentences() -> None:
    assert explanation_sentences({}) == []
    assert explanation_sentences({"points": {"skills": 3}}) == []


# ---------------------------------------------------------------- many pairs at once


def _cohort(problem: Problem) -> Cohort:
    skills = [f"Skill {i}" for i in range(problem.mentees.skills.shape[1])]
    return Cohort(problem, [], [], skills)


def test_bulk_facts_equal_the_engines_explanation_of_each_pair() -> None:
    problem = synthetic_problem(60, 25, 2, seed=11)
    rng = np.random.default_rng(4)
    mentees = rng.integers(0, 60, 200)
    mentors = rng.integers(0, 25, 200)
    picks = np.array(
        [[m, o, r] for r, (m, o) in enumerate(zip(mentees[:7], mentors[:7], strict=True))]
    )
    problem = replace(problem, picks=picks.astype(np.int64))
    cohort = _cohort(problem)
    # Only the 12 languages the app knows exist in facts; the synthetic data has 12 columns.
    assert problem.mentees.languages.shape[1] <= len(LANGUAGE_CODES)
    bulk = explanation_facts_bulk(cohort, mentees.tolist(), mentors.tolist())
    assert len(bulk) == 200
    for facts, mentee, mentor in zip(bulk, mentees.tolist(), mentors.tolist(), strict=True):
        one = asdict(explain(problem, mentee, mentor))
        assert facts["pick_rank"] == one["pick_rank"]
        assert facts["shared_skills"] == [f"Skill {i}" for i in one["shared_skills"]]
        assert facts["shared_languages"] == [LANGUAGE_CODES[i] for i in one["shared_languages"]]
        assert facts["overlap_hours"] == one["overlap_hours"]
        for key in ("time_zone_hours_apart", "years_gap", "goals_similarity", "score"):
            assert facts[key] == pytest.approx(one[key], abs=0.011), key
        assert facts["points"] == pytest.approx(one["points"], abs=0.011)


def test_bulk_facts_of_no_pairs_are_empty() -> None:
    assert explanation_facts_bulk(_cohort(synthetic_problem(3, 2, 1, seed=1)), [], []) == []


# ---------------------------------------------------------------- what fits, what to watch, quality


def test_time_zones_far_apart_are_something_to_watch_not_a_reason() -> None:
    facts = _facts(points={"time_zone": 0.17, "skills": 5}, time_zone_hours_apart=11.0,
                   shared_skills=["Hiring"], overlap_hours=6, years_gap=5.0,
                   shared_languages=["en"])  # fmt: skip
    assert explanation_sentences(facts) == ["1 shared skill: Hiring"]
    assert explanation_watch(facts) == ["Time zones 11 hours apart: few shared working hours"]


def test_close_time_zones_are_a_reason_they_fit() -> None:
    facts = _facts(points={"time_zone": 1.7}, time_zone_hours_apart=1.0)
    assert explanation_sentences(facts) == ["Time zones 1 hour apart"]
    assert "Time zones" not in " ".join(explanation_watch(facts))


def test_what_to_watch_names_every_weak_spot() -> None:
    facts = _facts(overlap_hours=1, years_gap=-2.0)
    assert explanation_watch(facts) == [
        "Available at the same time only 1 hour a week",
        "The mentor has no more years of experience than the mentee",
        "No skill in common",
        "No language in common",
    ]
    assert "No weekly slot when both are available" in explanation_watch(_facts(overlap_hours=0))


def test_a_strong_pair_has_nothing_to_watch() -> None:
    facts = _facts(shared_skills=["Hiring"], shared_languages=["en"], overlap_hours=8,
                   years_gap=6.0, time_zone_hours_apart=1.0)  # fmt: skip
    assert explanation_watch(facts) == []


WEIGHTS = {"skills": 5, "goals": 3, "seniority": 2, "time_zone": 2, "language": 2,
           "availability": 3, "picks": 4}  # fmt: skip


def test_quality_is_the_share_of_what_the_weights_can_give() -> None:
    everything = _facts(points={f: float(w) for f, w in WEIGHTS.items()})
    assert match_quality(everything, WEIGHTS) == 100  # picks are a preference, not counted
    assert match_quality(_facts(), WEIGHTS) == 0
    half = _facts(points={"skills": 5, "goals": 3, "availability": 0.5})  # 8.5 of 17
    assert match_quality(half, WEIGHTS) == 50
    assert match_quality(_facts(points={"picks": 4}), WEIGHTS) == 0
    assert match_quality(everything, dict.fromkeys(WEIGHTS, 0)) == 0


@pytest.mark.parametrize(
    ("quality", "label"),
    [(100, "Strong fit"), (70, "Strong fit"), (69, "Good fit"), (45, "Good fit"),
     (44, "Weak fit"), (0, "Weak fit")],
)  # fmt: skip
def test_each_quality_has_a_plain_label(quality: int, label: str) -> None:
    assert quality_label(quality) == label
