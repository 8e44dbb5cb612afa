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
