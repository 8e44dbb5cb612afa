"""Build the engine's arrays for one program from the database, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Collection, Sequence
from dataclasses import asdict, dataclass
from functools import cache

import numpy as np
from django.db.models import Count, Q
from django.utils import timezone

from matching import engine
from matching.models import Pair
from people.selectors import chain_up, manager_map
from programs.models import MENTORING_LANGUAGES, SLOT_HOURS, Enrolment, Program, Skill

LANGUAGE_CODES = [code for code, _ in MENTORING_LANGUAGES]
DAY_INDEX = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
GOAL_DIMENSIONS = 256


@dataclass(frozen=True)
class Cohort:
    """The engine's problem plus the way back from array rows to enrolments."""

    problem: engine.Problem
    mentees: Sequence[Enrolment]
    mentors: Sequence[Enrolment]
    skill_names: list[str]

    def mentee_row(self, enrolment_id: int) -> int:
        return next(i for i, e in enumerate(self.mentees) if e.pk == enrolment_id)

    def mentor_row(self, enrolment_id: int) -> int:
        return next(i for i, e in enumerate(self.mentors) if e.pk == enrolment_id)


def rules_of(program: Program) -> engine.Rules:
    return engine.Rules(
        different_department=program.require_different_department,
        shared_language=program.require_shared_language,
        max_time_zone_hours=program.max_time_zone_hours,
        min_seniority_gap_years=program.min_seniority_gap_years,
    )


def weights_of(program: Program) -> engine.Weights:
    return engine.Weights(**{name: float(w) for name, w in program.weights().items()})


@cache
def _utc_offset_hours(time_zone: str, on: dt.date) -> float:
    moment = dt.datetime.combine(on, dt.time(12), tzinfo=zoneinfo.ZoneInfo(time_zone))
    offset = moment.utcoffset()
    return offset.total_seconds() / 3600 if offset else 0.0


def availability_hours(slots: list[str], time_zone: str, week_of: dt.date) -> np.ndarray:
    """Local weekly slots ("tue-am") as UTC hours of the week (0 = Monday 00:00 UTC)."""
    hours = np.zeros(engine.HOURS_PER_WEEK, dtype=np.float32)
    offset = _utc_offset_hours(time_zone, week_of)
    for slot in slots:
        day, _, part = slot.partition("-")
        if day not in DAY_INDEX or part not in SLOT_HOURS:
            continue
        start, end = SLOT_HOURS[part]
        local = np.arange(DAY_INDEX[day] * 24 + start, DAY_INDEX[day] * 24 + end)
        hours[np.rint(local - offset).astype(int) % engine.HOURS_PER_WEEK] = 1
    return hours


def _side(
    enrolments: Sequence[Enrolment], skill_column: dict[int, int], skill_ids: dict[int, list[int]],
    goals: np.ndarray, on: dt.date,
) -> engine.Side:  # fmt: skip
    n = len(enrolments)
    skills = np.zeros((n, len(skill_column)), dtype=np.float32)
    languages = np.zeros((n, len(LANGUAGE_CODES)), dtype=np.float32)
    for row, enrolment in enumerate(enrolments):
        skills[row, [skill_column[s] for s in skill_ids.get(enrolment.pk, [])]] = 1
        languages[
            row, [LANGUAGE_CODES.index(c) for c in enrolment.languages if c in LANGUAGE_CODES]
        ] = 1
    return engine.Side(
        skills=skills,
        goals=goals,
        languages=languages,
        utc_offset_hours=np.array(
            [_utc_offset_hours(e.time_zone, on) for e in enrolments], dtype=np.float32
        ),
        availability=np.array(
            [availability_hours(e.availability, e.time_zone, on) for e in enrolments],
            dtype=np.float32,
        ).reshape(n, engine.HOURS_PER_WEEK),
        years=np.array([e.years_experience for e in enrolments], dtype=np.float32),
        department=np.array([e.person.department_id or -1 for e in enrolments], dtype=np.int64),
        person=np.array([e.person_id for e in enrolments], dtype=np.int64),
    )


# Score points a mentor's second seat costs when a program spreads mentees (the third
# costs twice that): enough to prefer a free mentor over a slightly better fit.
SPREAD_POINTS = 1.0


def goal_weights(problem: engine.Problem) -> list[float]:
    """The inverse document frequency behind the cohort's goal vectors, recovered from the
    vectors themselves (a bucket is non-zero exactly where a text has a word in it): what
    ``load_cohort(..., goal_idf=...)`` needs to score a few people as the whole cohort."""
    texts = len(problem.mentees) + len(problem.mentors)
    frequency = (problem.mentees.goals > 0).sum(axis=0) + (problem.mentors.goals > 0).sum(axis=0)
    return (np.log((1 + texts) / (1 + frequency)) + 1).astype(float).tolist()


def _goal_vectors(texts: Sequence[str], idf: Sequence[float] | None) -> np.ndarray:
    if idf is None:
        return engine.text_vectors(texts, GOAL_DIMENSIONS)
    # Alone, a text's vector has every word weighted 1; the cohort's weights make it the
    # vector it has in the whole cohort (the normalisation cancels out).
    alone = np.array(
        [engine.text_vectors([text], GOAL_DIMENSIONS)[0] for text in texts], dtype=np.float32
    ).reshape(len(texts), GOAL_DIMENSIONS)
    vectors = alone * np.asarray(idf, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)


def load_cohort(
    program: Program,
    *,
    mentee_ids: Collection[int] | None = None,
    mentor_ids: Collection[int] | None = None,
    goal_idf: Sequence[float] | None = None,
) -> Cohort:
    """Mentees still without an active pair, and mentors with their free seats.

    With ``mentee_ids`` and ``mentor_ids``, only those people (checking or explaining a
    few pairs by hand); ``goal_idf`` (``goal_weights`` of the whole cohort) then scores
    their goals as the whole cohort would.
    """
    live = Enrolment.objects.filter(program=program, status=Enrolment.Status.ACCEPTED)
    active = Q(mentee_pairs__status=Pair.Status.ACTIVE)
    if mentee_ids is not None:
        live = live.filter(Q(role=Enrolment.Role.MENTOR) | Q(pk__in=mentee_ids))
    if mentor_ids is not None:
        live = live.filter(Q(role=Enrolment.Role.MENTEE) | Q(pk__in=mentor_ids))
    mentees = list(
        live.filter(role=Enrolment.Role.MENTEE)
        .annotate(active_pairs=Count("mentee_pairs", filter=active))
        .filter(active_pairs=0)
        .select_related("person")
        .order_by("pk")
    )
    mentors = list(
        live.filter(role=Enrolment.Role.MENTOR)
        .annotate(taken=Count("mentor_pairs", filter=Q(mentor_pairs__status=Pair.Status.ACTIVE)))
        .select_related("person")
        .order_by("pk")
    )
    enrolment_ids = [e.pk for e in mentees + mentors]
    skill_ids: dict[int, list[int]] = {}
    for enrolment_id, skill_id in Enrolment.skills.through.objects.filter(
        enrolment_id__in=enrolment_ids
    ).values_list("enrolment_id", "skill_id"):
        skill_ids.setdefault(enrolment_id, []).append(skill_id)
    skills = list(Skill.objects.order_by("pk").values_list("pk", "name"))
    skill_column = {pk: i for i, (pk, _) in enumerate(skills)}
    goals = _goal_vectors([e.goals for e in mentees + mentors], goal_idf)
    on = max(program.starts_on, timezone.localdate())
    problem = engine.Problem(
        mentees=_side(mentees, skill_column, skill_ids, goals[: len(mentees)], on),
        mentors=_side(mentors, skill_column, skill_ids, goals[len(mentees) :], on),
        capacity=np.array([max((e.capacity or 0) - e.taken, 0) for e in mentors], dtype=np.int64),
        rules=rules_of(program),
        weights=weights_of(program),
        forbidden=_forbidden_pairs(program, mentees, mentors),
        load_spreading=SPREAD_POINTS if program.spread_mentees else 0.0,
    )
    return Cohort(problem, mentees, mentors, [name for _, name in skills])


def _forbidden_pairs(
    program: Program, mentees: Sequence[Enrolment], mentors: Sequence[Enrolment]
) -> np.ndarray:
    """The reporting line in both directions, and people who were paired before.

    Walking up from each person is enough: a mentor below a mentee is a mentor
    whose chain up passes the mentee.
    """
    managers = manager_map()
    mentee_rows = _rows_by_person(mentees)
    mentor_rows = _rows_by_person(mentors)
    pairs: list[tuple[int, int]] = []
    for row, mentee in enumerate(mentees):
        for boss in chain_up(mentee.person_id, managers):
            pairs.extend((row, m) for m in mentor_rows.get(boss, []))
    for row, mentor in enumerate(mentors):
        for boss in chain_up(mentor.person_id, managers):
            pairs.extend((e, row) for e in mentee_rows.get(boss, []))
    before = Pair.objects.filter(program=program).values_list(
        "mentee__person_id", "mentor__person_id"
    )
    for mentee_person, mentor_person in before:
        pairs.extend(
            (e, m)
            for e in mentee_rows.get(mentee_person, [])
            for m in mentor_rows.get(mentor_person, [])
        )
    return np.array(pairs, dtype=np.int64).reshape(-1, 2)


def _rows_by_person(enrolments: Sequence[Enrolment]) -> dict[int, list[int]]:
    rows: dict[int, list[int]] = {}
    for row, enrolment in enumerate(enrolments):
        rows.setdefault(enrolment.person_id, []).append(row)
    return rows


def explanation_facts(cohort: Cohort, mentee: int, mentor: int) -> dict[str, object]:
    """What the proposal page explains: points per factor and the facts, by name."""
    facts = asdict(engine.explain(cohort.problem, mentee, mentor))
    facts["shared_skills"] = [cohort.skill_names[i] for i in facts["shared_skills"]]
    facts["shared_languages"] = [_language_code(i) for i in facts["shared_languages"]]
    return facts


def _language_code(column: int) -> str:
    return LANGUAGE_CODES[column]
