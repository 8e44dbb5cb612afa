"""Synthetic cohorts for the matching benchmark and tests: realistic, seeded, no Django."""

from __future__ import annotations

import numpy as np

from matching.engine import HOURS_PER_WEEK, Problem, Rules, Side, Weights

SKILLS = 60
LANGUAGES = 12
DEPARTMENTS = 8
OFFSETS = np.array([-8, -5, -5, 0, 0, 1, 1, 1, 1, 2, 5.5, 8, 9], dtype=np.float32)


def _side(rng: np.random.Generator, n: int, people: np.ndarray, years: tuple[int, int]) -> Side:
    skills = np.zeros((n, SKILLS), dtype=np.float32)
    for row, count in enumerate(rng.integers(2, 6, n)):
        skills[row, rng.choice(SKILLS, count, replace=False)] = 1
    languages = np.zeros((n, LANGUAGES), dtype=np.float32)
    languages[:, 0] = rng.random(n) < 0.6  # the company language, not spoken by everyone
    languages[np.arange(n), rng.integers(1, LANGUAGES, n)] = 1
    offsets = rng.choice(OFFSETS, n)
    availability = np.zeros((n, HOURS_PER_WEEK), dtype=np.float32)
    for row in range(n):
        local = rng.choice(10, rng.integers(2, 7), replace=False)  # weekday mornings/afternoons
        for slot in local:
            day, afternoon = divmod(int(slot), 2)
            start = day * 24 + (13 if afternoon else 9) - offsets[row]
            hours = (np.arange(4) + round(start)) % HOURS_PER_WEEK
            availability[row, hours] = 1
    goals = rng.standard_normal((n, 64)).astype(np.float32)
    goals /= np.linalg.norm(goals, axis=1, keepdims=True)
    return Side(
        skills=skills,
        goals=np.clip(goals, 0, None),
        languages=languages,
        utc_offset_hours=offsets,
        availability=availability,
        years=rng.integers(*years, n).astype(np.float32),
        department=rng.integers(0, DEPARTMENTS, n).astype(np.int64),
        person=people.astype(np.int64),
    )


def reporting_tree(rng: np.random.Generator, size: int, span: int = 6) -> np.ndarray:
    """manager[i] for a tree where each manager has about ``span`` reports."""
    manager = np.full(size, -1, dtype=np.int64)
    manager[1:] = (np.arange(1, size) - 1) // span
    shuffled = rng.permutation(size)
    relabel = np.empty(size, dtype=np.int64)
    relabel[shuffled] = np.arange(size)
    tree = np.full(size, -1, dtype=np.int64)
    tree[relabel] = np.where(manager >= 0, relabel[np.maximum(manager, 0)], -1)
    return tree


def reporting_line_pairs(
    manager: np.ndarray, mentee_people: np.ndarray, mentor_people: np.ndarray
) -> np.ndarray:
    """(mentee row, mentor row) pairs where one is above the other in the tree."""
    mentee_row = {int(p): i for i, p in enumerate(mentee_people)}
    mentor_row = {int(p): i for i, p in enumerate(mentor_people)}
    pairs = []
    for person, row in mentee_row.items():
        boss = manager[person]
        while boss >= 0:
            if int(boss) in mentor_row:
                pairs.append((row, mentor_row[int(boss)]))
            boss = manager[boss]
    for person, row in mentor_row.items():
        boss = manager[person]
        while boss >= 0:
            if int(boss) in mentee_row:
                pairs.append((mentee_row[int(boss)], row))
            boss = manager[boss]
    return np.array(pairs, dtype=np.int64).reshape(-1, 2)


def synthetic_problem(
    mentees: int, mentors: int, capacity: int, seed: int, load_spreading: float = 0.0
) -> Problem:
    rng = np.random.default_rng(seed)
    people = rng.permutation(mentees + mentors)
    mentee_people, mentor_people = people[:mentees], people[mentees:]
    manager = reporting_tree(rng, mentees + mentors)
    return Problem(
        mentees=_side(rng, mentees, mentee_people, (1, 10)),
        mentors=_side(rng, mentors, mentor_people, (6, 30)),
        capacity=np.full(mentors, capacity, dtype=np.int64),
        rules=Rules(different_department=True, shared_language=True, max_time_zone_hours=6),
        weights=Weights(),
        forbidden=reporting_line_pairs(manager, mentee_people, mentor_people),
        load_spreading=load_spreading,
    )


# ---------------------------------------------------------------- the shapes real programs have

SHAPES = ("spread", "shortage", "stars", "exclusions")
STAR_SHARE = 0.1  # of mentors
STAR_PICKS = 5


def default_mentors(shape: str, mentees: int) -> int:
    """Mentors for a shape: 2 for every 5 mentees, a quarter of the mentees in a shortage."""
    return mentees // 4 if shape == "shortage" else mentees * 2 // 5


def shape_problem(
    shape: str, mentees: int, mentors: int | None = None, capacity: int = 3, seed: int = 1,
    load_spreading: float = 0.0,
) -> Problem:  # fmt: skip
    """A synthetic program of one shape.

    spread: the benchmark's original cohort (more seats than mentees, 24% of pairs allowed).
    shortage: 3 seats for every 4 mentees, so a quarter stays unmatched and every seat is contested.
    stars: 10% of mentors offer every skill, speak every language, are free all week, are the most
        senior and share the common goals: everyone's best fit, and every mentee's 5 picks.
    exclusions: a deep org chart (2 reports per manager, about 14 levels) whose reporting line is
        excluded both ways, departments that follow the chart's subtrees, and at least 3 years of
        seniority gap on top of the language and time-zone rules.
    """
    if shape not in SHAPES:
        raise ValueError(f"unknown shape {shape!r}; one of {', '.join(SHAPES)}")
    mentors = default_mentors(shape, mentees) if mentors is None else mentors
    if shape == "exclusions":
        return _exclusions(mentees, mentors, capacity, seed, load_spreading)
    problem = synthetic_problem(mentees, mentors, capacity, seed, load_spreading)
    if shape == "stars":
        return _with_stars(problem, np.random.default_rng(seed + 1))
    return problem


def _with_stars(problem: Problem, rng: np.random.Generator) -> Problem:
    o = problem.mentors
    stars = rng.choice(len(o), max(1, round(STAR_SHARE * len(o))), replace=False)
    skills, languages, goals = o.skills.copy(), o.languages.copy(), o.goals.copy()
    availability, years = o.availability.copy(), o.years.copy()
    skills[stars] = 1
    languages[stars] = 1
    common = problem.mentees.goals.mean(axis=0)
    goals[stars] = common / max(float(np.linalg.norm(common)), 1e-9)
    for star in stars:  # weekday working hours in the star's own time zone
        local = (np.arange(5)[:, None] * 24 + np.arange(9, 17)[None, :]).ravel()
        availability[
            star, np.rint(local - o.utc_offset_hours[star]).astype(int) % HOURS_PER_WEEK
        ] = 1
    years[stars] = 30
    mentors = Side(
        skills=skills, goals=goals, languages=languages, utc_offset_hours=o.utc_offset_hours,
        availability=availability, years=years, department=o.department, person=o.person,
    )  # fmt: skip
    n = len(problem.mentees)
    picked = np.argsort(rng.random((n, stars.size)), axis=1)[:, :STAR_PICKS]
    picks = np.stack(
        [np.repeat(np.arange(n), picked.shape[1]), stars[picked].ravel(),
         np.tile(np.arange(picked.shape[1]), n)],
        axis=1,
    ).astype(np.int64)  # fmt: skip
    return Problem(
        mentees=problem.mentees, mentors=mentors, capacity=problem.capacity, rules=problem.rules,
        weights=problem.weights, forbidden=problem.forbidden, picks=picks,
        load_spreading=problem.load_spreading,
    )  # fmt: skip


def _depths(manager: np.ndarray) -> np.ndarray:
    depth = np.zeros(manager.size, dtype=np.int64)
    boss = manager.copy()
    while (boss >= 0).any():
        depth += boss >= 0
        boss = np.where(boss >= 0, manager[np.maximum(boss, 0)], -1)
    return depth


def _ancestor_at(manager: np.ndarray, depth: np.ndarray, level: int) -> np.ndarray:
    """Each person's ancestor at ``level`` of the chart (themselves when not deeper)."""
    node = np.arange(manager.size)
    for _ in range(int(depth.max(initial=0))):
        up = (depth[node] > level) & (manager[node] >= 0)
        node = np.where(up, manager[node], node)
    return node


def _exclusions(
    mentees: int, mentors: int, capacity: int, seed: int, load_spreading: float
) -> Problem:
    rng = np.random.default_rng(seed)
    base = synthetic_problem(mentees, mentors, capacity, seed, load_spreading)
    people = rng.permutation(mentees + mentors)
    mentee_people, mentor_people = people[:mentees], people[mentees:]
    manager = reporting_tree(rng, mentees + mentors, span=2)
    depth = _depths(manager)
    # Departments are the subtrees three levels below the top: 8 of them, like the chart.
    subtree = _ancestor_at(manager, depth, 3)
    _, department = np.unique(subtree, return_inverse=True)
    department = department.ravel() % DEPARTMENTS

    def side(old: Side, persons: np.ndarray) -> Side:
        return Side(
            skills=old.skills, goals=old.goals, languages=old.languages,
            utc_offset_hours=old.utc_offset_hours, availability=old.availability,
            years=old.years, department=department[persons].astype(np.int64),
            person=persons.astype(np.int64),
        )  # fmt: skip

    return Problem(
        mentees=side(base.mentees, mentee_people),
        mentors=side(base.mentors, mentor_people),
        capacity=base.capacity,
        rules=Rules(True, True, max_time_zone_hours=6, min_seniority_gap_years=3),
        weights=base.weights,
        forbidden=reporting_line_pairs(manager, mentee_people, mentor_people),
        load_spreading=load_spreading,
    )
