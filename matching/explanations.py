"""Why a proposed pair fits, and what to watch, in short sentences HR can read at a glance.

The input is a proposal's ``explanation`` JSON: points per factor plus the facts
behind them (see ``explanation_facts_bulk``, or ``matching.features.explanation_facts``
for one pair). ``explanation_sentences`` gives what fits (a factor that earned points
and whose fact is good news); ``explanation_watch`` what to watch (time zones far
apart, few shared hours, no more experience). ``match_quality`` turns the score into
0 to 100 of what the program's weights could give, with a plain label.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from matching import engine
from matching.features import LANGUAGE_CODES, Cohort
from programs.models import MENTORING_LANGUAGES

LANGUAGE_NAMES = dict(MENTORING_LANGUAGES)


def _hours(value: Any) -> int:
    return round(float(value or 0))


def _skills(facts: Mapping[str, Any]) -> str:
    names = [str(name) for name in facts.get("shared_skills") or []]
    if not names:
        return ""
    return ngettext(
        "%(count)d shared skill: %(names)s", "%(count)d shared skills: %(names)s", len(names)
    ) % {"count": len(names), "names": ", ".join(names)}


def _goals(facts: Mapping[str, Any]) -> str:
    similarity = facts.get("goals_similarity")
    if similarity is not None and float(similarity) < SIMILAR_GOALS:
        return ""
    return _("Similar goals")


def _seniority(facts: Mapping[str, Any]) -> str:
    years = _hours(facts.get("years_gap"))
    if years <= 0:
        return ""
    return ngettext(
        "%(years)d more year of experience", "%(years)d more years of experience", years
    ) % {"years": years}


# Time zones this many hours apart share little of a working day: something to watch.
FAR_APART_HOURS = 4
# Fewer weekly hours than this when both are available: something to watch.
FEW_SHARED_HOURS = 2
# Goals this similar (cosine of their words) read as similar goals.
SIMILAR_GOALS = 0.1


def _time_zone(facts: Mapping[str, Any]) -> str:
    apart = _hours(facts.get("time_zone_hours_apart"))
    if apart >= FAR_APART_HOURS:
        return ""
    if apart == 0:
        return _("Same time zone")
    return ngettext(
        "Time zones %(hours)d hour apart", "Time zones %(hours)d hours apart", apart
    ) % {"hours": apart}


def _language(facts: Mapping[str, Any]) -> str:
    names = [str(LANGUAGE_NAMES.get(code, code)) for code in facts.get("shared_languages") or []]
    if not names:
        return ""
    if len(names) == 1:
        return _("Both speak %(language)s") % {"language": names[0]}
    listed = _("%(first)s and %(last)s") % {"first": ", ".join(names[:-1]), "last": names[-1]}
    return _("Both speak %(languages)s") % {"languages": listed}


def _availability(facts: Mapping[str, Any]) -> str:
    hours = _hours(facts.get("overlap_hours"))
    if hours < FEW_SHARED_HOURS:
        return ""
    return ngettext(
        "Available at the same time %(hours)d hour a week",
        "Available at the same time %(hours)d hours a week",
        hours,
    ) % {"hours": hours}


def _picks(facts: Mapping[str, Any]) -> str:
    rank = facts.get("pick_rank")
    if rank is None:
        return ""
    return _("The mentee's choice number %(rank)d") % {"rank": int(rank) + 1}


# Ties in points keep this order: what the pair shares first, practicalities after.
SENTENCES: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "skills": _skills,
    "goals": _goals,
    "seniority": _seniority,
    "language": _language,
    "time_zone": _time_zone,
    "availability": _availability,
    "picks": _picks,
}


def explanation_sentences(explanation: Mapping[str, Any]) -> list[str]:
    """What fits: short sentences for every factor that earned points and whose fact
    speaks for the pair, strongest reasons first."""
    points: Mapping[str, float] = explanation.get("points") or {}
    earned = [f for f in SENTENCES if float(points.get(f) or 0) > 0]
    earned.sort(key=lambda f: -float(points[f]))  # stable: ties keep the order above
    sentences = []
    for factor in earned:
        text = SENTENCES[factor](explanation)
        if text:
            sentences.append(text)
    return sentences


def explanation_watch(explanation: Mapping[str, Any]) -> list[str]:
    """What to watch: the facts that speak against the pair, even where the rules allow
    it (an empty list when nothing does)."""
    watch: list[str] = []
    apart = _hours(explanation.get("time_zone_hours_apart"))
    if apart >= FAR_APART_HOURS:
        watch.append(
            ngettext(
                "Time zones %(hours)d hour apart: few shared working hours",
                "Time zones %(hours)d hours apart: few shared working hours",
                apart,
            )
            % {"hours": apart}
        )
    if "overlap_hours" in explanation:
        hours = _hours(explanation.get("overlap_hours"))
        if hours == 0:
            watch.append(_("No weekly slot when both are available"))
        elif hours < FEW_SHARED_HOURS:
            watch.append(
                ngettext(
                    "Available at the same time only %(hours)d hour a week",
                    "Available at the same time only %(hours)d hours a week",
                    hours,
                )
                % {"hours": hours}
            )
    if "years_gap" in explanation and float(explanation.get("years_gap") or 0) <= 0:
        watch.append(_("The mentor has no more years of experience than the mentee"))
    if "shared_skills" in explanation and not explanation.get("shared_skills"):
        watch.append(_("No skill in common"))
    if "shared_languages" in explanation and not explanation.get("shared_languages"):
        watch.append(_("No language in common"))
    return watch


# A pair's quality, 0 to 100, and the word for it: at least this many points.
QUALITY_LABELS: tuple[tuple[int, Promise], ...] = (
    (70, gettext_lazy("Strong fit")),
    (45, gettext_lazy("Good fit")),
    (0, gettext_lazy("Weak fit")),
)


def match_quality(explanation: Mapping[str, Any], weights: Mapping[str, float]) -> int:
    """The pair's points as a share of the most the program's weights can give, 0 to 100.

    A mentee's own picks are left out of both: they are a preference, not a fit, and a
    cohort run has none (counting them would leave every pair short of 100)."""
    counted = [f for f in engine.FACTORS if f != "picks" and float(weights.get(f) or 0) > 0]
    most = sum(float(weights[f]) for f in counted)
    if most <= 0:
        return 0
    points: Mapping[str, float] = explanation.get("points") or {}
    earned = sum(float(points.get(f) or 0) for f in counted)
    return max(0, min(100, round(100 * earned / most)))


def quality_label(quality: int) -> str:
    return next(str(label) for least, label in QUALITY_LABELS if quality >= least)


# ---------------------------------------------------------------- facts, many pairs at once


def _pair_factors(
    problem: engine.Problem, mentee: np.ndarray, mentor: np.ndarray
) -> dict[str, Any]:
    """The engine's factors (see ``engine.factor_blocks``) for the given pairs only: one
    value per pair instead of a mentee row against every mentor."""
    e, o = problem.mentees, problem.mentors
    wanted = e.skills[mentee]
    both_skills = wanted * o.skills[mentor]
    both_languages = e.languages[mentee] * o.languages[mentor]
    apart = np.abs(e.utc_offset_hours[mentee] - o.utc_offset_hours[mentor])
    apart = np.minimum(apart, 24 - apart)
    overlap = np.einsum("ij,ij->i", e.availability[mentee], o.availability[mentor])
    similarity = np.clip(np.einsum("ij,ij->i", e.goals[mentee], o.goals[mentor]), 0, 1)
    gap = o.years[mentor] - e.years[mentee]
    rank = _pick_ranks(problem.picks, mentee, mentor)
    picked = rank < engine.PICK_DEPTH
    return {
        "factors": {
            "skills": both_skills.sum(axis=1) / np.maximum(wanted.sum(axis=1), 1),
            "goals": similarity,
            "seniority": np.clip(gap / 10, 0, 1),
            "time_zone": 1 - apart / 12,
            "language": np.minimum(both_languages.sum(axis=1), 2) / 2,
            "availability": np.minimum(overlap, 6) / 6,
            "picks": np.where(picked, 1 - rank / engine.PICK_DEPTH, 0),
        },
        "both_skills": both_skills,
        "both_languages": both_languages,
        "apart": apart,
        "overlap": overlap,
        "similarity": similarity,
        "gap": gap,
        "rank": rank,
    }


def _pick_ranks(picks: np.ndarray, mentee: np.ndarray, mentor: np.ndarray) -> np.ndarray:
    """Each pair's rank among the mentee's picks, or a large number when not picked."""
    ranks = np.full(mentee.size, np.iinfo(np.int64).max, dtype=np.int64)
    if picks.size and mentee.size:
        by_pair: dict[tuple[int, int], int] = {}
        for a, b, r in picks.tolist():
            by_pair.setdefault((a, b), r)  # the first pick counts, as in ``engine.explain``
        for i, key in enumerate(zip(mentee.tolist(), mentor.tolist(), strict=True)):
            if key in by_pair:
                ranks[i] = by_pair[key]
    return ranks


def explanation_facts_bulk(
    cohort: Cohort, mentees: Sequence[int], mentors: Sequence[int]
) -> list[dict[str, object]]:
    """``features.explanation_facts`` for many (mentee row, mentor row) pairs at once,
    vectorised over the pairs: what a run saves with its proposals."""
    mentee = np.asarray(mentees, dtype=np.int64)
    mentor = np.asarray(mentors, dtype=np.int64)
    computed = _pair_factors(cohort.problem, mentee, mentor)
    weights = cohort.problem.weights.as_array()
    points = {
        name: np.round(float(weight) * computed["factors"][name].astype(np.float64), 2)
        for weight, name in zip(weights, engine.FACTORS, strict=True)
    }
    point_lists = {name: values.tolist() for name, values in points.items()}
    apart = computed["apart"].astype(float).tolist()
    overlap = computed["overlap"].astype(float).tolist()
    gap = computed["gap"].astype(float).tolist()
    similarity = np.round(computed["similarity"].astype(np.float64), 2).tolist()
    ranks = computed["rank"].tolist()
    skills = _columns(computed["both_skills"])
    languages = _columns(computed["both_languages"])
    names = cohort.skill_names
    facts: list[dict[str, object]] = []
    for i in range(mentee.size):
        pair_points = {name: point_lists[name][i] for name in engine.FACTORS}
        facts.append(
            {
                "score": round(sum(pair_points.values()), 2),
                "points": pair_points,
                "shared_skills": [names[c] for c in skills[i]],
                "shared_languages": [LANGUAGE_CODES[c] for c in languages[i]],
                "time_zone_hours_apart": apart[i],
                "overlap_hours": round(overlap[i]),
                "years_gap": gap[i],
                "goals_similarity": similarity[i],
                "pick_rank": ranks[i] if ranks[i] != np.iinfo(np.int64).max else None,
            }
        )
    return facts


def _columns(matrix: np.ndarray) -> list[list[int]]:
    """The non-zero columns of each row, as lists (one pass, not one per row)."""
    rows, columns = np.nonzero(matrix)
    found: list[list[int]] = [[] for _ in range(matrix.shape[0])]
    for row, column in zip(rows.tolist(), columns.tolist(), strict=True):
        found[row].append(column)
    return found
