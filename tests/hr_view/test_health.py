"""HR's program health: the figures equal a naive count over the rows, the page runs the same
number of queries at two sizes, and bad input changes nothing."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bench.health import seed_health_program
from hr_view.health import program_health
from matching.models import Pair
from meetings.health import DAYS_PER_MONTH, RECENT_DAYS, PairRows, program_end_moment
from meetings.models import Meeting
from people.models import User
from programs.models import Enrolment, Invitation, Program
from programs.services import program_update

pytestmark = pytest.mark.django_db


def _held(meeting: Meeting, now: dt.datetime) -> bool:
    return meeting.status == Meeting.Status.SCHEDULED and meeting.end <= now


def _naive(program: Program, now: dt.datetime) -> dict[str, object]:
    """The same figures, counted the slow and obvious way: a Python loop over every row."""
    enrolments = list(Enrolment.objects.filter(program=program))
    pairs = list(Pair.objects.filter(program=program))
    meetings = list(Meeting.objects.filter(pair__program=program))
    held_by_pair: dict[int, list[Meeting]] = {p.pk: [] for p in pairs}
    for m in meetings:
        if _held(m, now):
            held_by_pair[m.pair_id].append(m)
    end = program_end_moment(program)

    def pairs_of(e: Enrolment) -> list[Pair]:
        return [p for p in pairs if e.pk in (p.mentee_id, p.mentor_id)]

    def lasted(p: Pair) -> bool:
        if p.status == Pair.Status.ACTIVE:
            return now >= end
        return p.ended_at is not None and p.ended_at >= end

    recent = now - dt.timedelta(days=RECENT_DAYS)
    stalled_before = now - dt.timedelta(days=program.stalled_after_days)
    per_month: Counter[str] = Counter()
    to_first = []
    stalled = 0
    for p in pairs:
        held = held_by_pair[p.pk]
        months = max(((min(p.ended_at or now, now) - p.started_at).days + 0.0) / DAYS_PER_MONTH, 1)
        rate = len(held) / months
        per_month[
            "none" if rate == 0 else "under_1" if rate < 1 else "1_to_2" if rate < 2 else
            "2_to_4" if rate < 4 else "4_up"
        ] += 1  # fmt: skip
        if held:
            to_first.append((min(m.start for m in held) - p.mentee.created_at).days)
        last = max((m.start for m in held), default=None) or p.started_at
        if p.status == Pair.Status.ACTIVE and last < stalled_before:
            stalled += 1
    return {
        "invited": Invitation.objects.filter(program=program).count(),
        "enrolled": len(enrolments),
        "approved": sum(1 for e in enrolments if e.status == Enrolment.Status.ACCEPTED),
        "matched": sum(1 for e in enrolments if pairs_of(e)),
        "first": sum(1 for e in enrolments if any(held_by_pair[p.pk] for p in pairs_of(e))),
        "recent": sum(
            1
            for e in enrolments
            if any(m.end > recent for p in pairs_of(e) for m in held_by_pair[p.pk])
        ),
        "early": sum(
            1
            for e in enrolments
            if pairs_of(e)
            and not any(p.status == Pair.Status.ACTIVE or lasted(p) for p in pairs_of(e))
        ),
        "completed": sum(1 for e in enrolments if any(lasted(p) for p in pairs_of(e))),
        "held": sum(len(v) for v in held_by_pair.values()),
        "stalled": stalled,
        "per_month": dict(per_month),
        "median_days": statistics.median(to_first) if to_first else None,
        "waiting": sum(
            1
            for e in enrolments
            if e.role == Enrolment.Role.MENTEE
            and e.status == Enrolment.Status.ACCEPTED
            and not any(p.status == Pair.Status.ACTIVE for p in pairs_of(e))
        ),
        "weekly_held": sum(len(v) for v in held_by_pair.values()),
    }


def test_the_figures_equal_a_naive_count_over_the_rows() -> None:
    now = timezone.now()
    program = seed_health_program(people=60, meetings_per_pair=6, now=now)
    health = program_health(program_id=program.pk, now=now)
    naive = _naive(program, now)
    funnel = {stage.label: stage.count for stage in health.funnel}
    assert list(funnel.values()) == [
        naive["invited"],
        naive["enrolled"],
        naive["approved"],
        naive["matched"],
        naive["first"],
        naive["recent"],
        naive["early"],
        naive["completed"],
    ]
    assert health.cadence.held == naive["held"]
    assert health.cadence.stalled == naive["stalled"]
    assert {k: n for k, n in health.cadence.per_month if n} == naive["per_month"]
    assert health.waiting.mentees == naive["waiting"]
    assert health.cadence.median_days_to_first == pytest.approx(naive["median_days"], abs=1)
    # The weekly trend counts every held meeting of the program's life once.
    assert sum(week.held for week in health.trend) == naive["weekly_held"]
    assert (
        health.trend[-1].active_pairs
        == Pair.objects.filter(program=program, status=Pair.Status.ACTIVE).count()
    )
    # The world has what the page must show: stalled and ended pairs, a small department.
    assert naive["stalled"]
    assert naive["early"]
    assert naive["held"]
    shown = dict(health.departments.shown)
    assert all(n >= 5 for n in shown.values())
    assert not any(name.endswith("7") for name in shown)  # the department of 3


def test_after_the_program_ends_its_active_pairs_have_completed() -> None:
    now = timezone.now()
    program = seed_health_program(people=40, meetings_per_pair=3, now=now)
    Program.objects.filter(pk=program.pk).update(ends_on=now.date() - dt.timedelta(days=2))
    program.refresh_from_db()
    health = program_health(program_id=program.pk, now=now)
    naive = _naive(program, now)
    stages = [stage.count for stage in health.funnel]
    assert stages[-1] == naive["completed"] > 0
    assert stages[-2] == naive["early"]


def _served_queries(client: Client, program: Program, **params: str) -> tuple[int, str]:
    url = reverse("hr_view:health", kwargs={"program_id": program.pk})
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries.captured_queries), response.content.decode()


def test_the_page_runs_the_same_queries_at_two_sizes(hr_admin: User) -> None:
    now = timezone.now()
    small = seed_health_program(people=20, meetings_per_pair=2, now=now, tag="s")
    large = seed_health_program(people=200, meetings_per_pair=8, now=now, tag="l")
    client = Client()
    client.force_login(hr_admin)
    _served_queries(client, small)  # warm the session and the roles
    few, _ = _served_queries(client, small)
    many, page = _served_queries(client, large)
    assert few == many, (few, many)
    assert few <= 20
    assert page.count('role="img"') == 4  # funnel, cadence, first meeting, weekly trend
    assert "Next page" in page  # more than one page of pairs
    compare = reverse("hr_view:health_compare")
    with CaptureQueriesContext(connection) as q_compare:
        assert client.get(compare).status_code == 200
    seed_health_program(people=30, meetings_per_pair=2, now=now, tag="x")
    with CaptureQueriesContext(connection) as q_more:
        text = client.get(compare).content.decode()
    assert len(q_compare.captured_queries) == len(q_more.captured_queries)
    assert "Health bench x" in text


def test_pairs_sort_by_stalled_ness_and_bad_input_gives_the_first_page(hr_admin: User) -> None:
    now = timezone.now()
    program = seed_health_program(people=60, meetings_per_pair=4, now=now)
    rows = PairRows(program_id=program.pk, stalled_after_days=30, now=now, sort="stalled")
    page = rows[0 : rows.count()]
    active = [row for row in page if row.active]
    assert [r.weeks_since for r in active] == sorted((r.weeks_since for r in active), reverse=True)
    assert page[-1].active is False or not any(not r.active for r in page)
    held = PairRows(program_id=program.pk, stalled_after_days=30, now=now, sort="held")[0:500]
    assert [r.held for r in held if r.active] == sorted(r.held for r in held if r.active)
    client = Client()
    client.force_login(hr_admin)
    for params in ({"sort": "'; drop table x"}, {"page": "abc"}, {"page": "99999"}):
        _, text = _served_queries(client, program, **params)
        assert "Program health" in text


def test_hr_sets_when_a_pair_counts_as_stalled_within_bounds(hr_admin: User) -> None:
    now = timezone.now()
    program = seed_health_program(people=30, meetings_per_pair=3, now=now)
    for wrong in (0, 6, 366):
        with pytest.raises(ValidationError):
            program_update(program=program, values={"stalled_after_days": wrong})
    program.refresh_from_db()
    assert program.stalled_after_days == 30
    program_update(program=program, values={"stalled_after_days": 7})
    short = program_health(program_id=program.pk, now=now).cadence.stalled
    program_update(program=program, values={"stalled_after_days": 365})
    assert program_health(program_id=program.pk, now=now).cadence.stalled == 0 < short


def test_the_page_shows_neither_places_nor_goals(hr_admin: User) -> None:
    now = timezone.now()
    program = seed_health_program(people=40, meetings_per_pair=3, now=now)
    Enrolment.objects.filter(program=program).update(goals="GOAL-CANARY-4711")
    client = Client()
    client.force_login(hr_admin)
    _, page = _served_queries(client, program)
    assert "Room " not in page  # every seeded meeting's place starts so
    assert "GOAL-CANARY-4711" not in page
    assert "Person h" in page  # who is paired with whom: names are shown
