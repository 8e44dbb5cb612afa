"""Why a proposed pair fits, in short sentences HR can read at a glance.

The input is a proposal's ``explanation`` JSON: points per factor plus the facts
behind them (see ``matching.features.explanation_facts``). Factors that earned
no points are left out, so every sentence is a reason for the pair.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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
    return _("Similar goals")


def _seniority(facts: Mapping[str, Any]) -> str:
    years = _hours(facts.get("years_gap"))
    if years <= 0:
        return ""
    return ngettext(
        "%(years)d more year of experience", "%(years)d more years of experience", years
    ) % {"years": years}


def _time_zone(facts: Mapping[str, Any]) -> str:
    apart = _hours(facts.get("time_zone_hours_apart"))
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
    if hours <= 0:
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
    """Short sentences for every factor that earned points, strongest reasons first."""
    points: Mapping[str, float] = explanation.get("points") or {}
    earned = [f for f in SENTENCES if float(points.get(f) or 0) > 0]
    earned.sort(key=lambda f: -float(points[f]))  # stable: ties keep the order above
    sentences = []
    for factor in earned:
        text = SENTENCES[factor](explanation)
        if text:
            sentences.append(text)
    return sentences
