"""HR's program health: the figures equal a naive count over the rows, the page runs the same
number of queries at two sizes, and bad input changes nothing."""

from __future__ import annotations

import datetime as dt
import statistics
import zoneinfo
from collections import Counter

import pytest
from django.core.cache import cache, caches
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import time_format

from bench.health import seed_health_program
from checkins.aggregates import program_results
from checkins.models import PulseAnswer, SurveyAnswer
from hr_view import health as health_module
from hr_view.health import program_health
from lib.page_cache import PAGES
from matching.models import Pair
from meetings.health import DAYS_PER_MONTH, RECENT_DAYS, PairRows, program_end_moment
from meetings.models import Attendance, Meeting
from people.models import User
from programs.health import program_facts
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


def _cold_and_warm(client: Client, url: str) -> tuple[tuple[int, int, int], str]:
    """Queries of ``url`` when its figures are counted (caches emptied), when kept figures
    are drawn (the page cache emptied), and when the kept page is served; and the page."""
    counts = []
    for empty in ((cache, caches[PAGES]), (caches[PAGES],), ()):
        for kept in empty:
            kept.clear()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(queries.captured_queries))
    return (counts[0], counts[1], counts[2]), response.content.decode()


def test_the_page_runs_the_same_queries_at_two_sizes(hr_admin: User) -> None:
    now = timezone.now()
    small = seed_health_program(people=20, meetings_per_pair=2, now=now, tag="s", answers=60)
    large = seed_health_program(people=200, meetings_per_pair=8, now=now, tag="l", answers=600)
    client = Client()
    client.force_login(hr_admin)
    _served_queries(client, small)  # warm the session and the roles
    # Counted or served from the cache, the health page, a later page of the pairs sorted by
    # stalled-ness and the survey results each run as many queries at either size.
    pages = {}
    for name, params in (("hr_view:health", ""), ("hr_view:health", "?sort=stalled&page=2"),
                         ("hr_view:survey_results", "")):  # fmt: skip
        counts = [
            _cold_and_warm(client, reverse(name, kwargs={"program_id": p.pk}) + params)
            for p in (small, large)
        ]
        assert counts[0][0] == counts[1][0], (name, params, counts)
        assert max(counts[0][0]) <= 20
        pages[name, params] = counts[1][1]
    page = pages["hr_view:health", ""]
    assert page.count('role="img"') == 4  # funnel, cadence, first meeting, weekly trend
    assert "Next page" in page  # more than one page of pairs
    assert "Figures as of" in page
    assert "Person l" in pages["hr_view:health", "?sort=stalled&page=2"]
    assert "How well does your pairing work?" in pages["hr_view:survey_results", ""]
    compare = reverse("hr_view:health_compare")
    with CaptureQueriesContext(connection) as q_compare:
        assert client.get(compare).status_code == 200
    seed_health_program(people=30, meetings_per_pair=2, now=now, tag="x")
    with CaptureQueriesContext(connection) as q_more:
        text = client.get(compare).content.decode()
    assert len(q_compare.captured_queries) == len(q_more.captured_queries)
    assert "Health bench x" in text


def test_the_seeded_answers_are_released_as_the_app_releases_them() -> None:
    now = timezone.now()
    program = seed_health_program(people=100, meetings_per_pair=6, now=now, answers=400)
    results = program_results(program_id=program.pk)
    survey = results.surveys[0].released
    assert survey is not None
    assert results.pulse is not None
    assert all(q is not None and q.n >= results.threshold for q in survey.questions)
    assert SurveyAnswer.objects.filter(response__survey__program=program).count() == 160
    assert PulseAnswer.objects.filter(program=program).count() == 240
    # Every meeting has its members' attendance, never two of one person at once.
    assert Attendance.objects.filter(meeting__pair__program=program).count() == (
        2 * Meeting.objects.filter(pair__program=program).count()
    )


def _figures(program: Program, moment: dt.datetime) -> tuple[int, dt.datetime]:
    health = program_health(program_id=program.pk, now=moment)
    return health.cadence.held, health.counted_at


def _hold_a_meeting(program: Program, when: dt.datetime) -> None:
    pair = Pair.objects.filter(program=program, status=Pair.Status.ACTIVE).first()
    assert pair is not None
    Meeting.objects.create(pair=pair, start=when, end=when + dt.timedelta(hours=1))


def test_kept_figures_are_served_until_stale_and_one_request_counts_them_again(
    settings: pytest.FixtureRequest,
) -> None:
    settings.MENTORING_HEALTH_FRESH_SECONDS = 300  # type: ignore[attr-defined]
    now = timezone.now()
    program = seed_health_program(people=40, meetings_per_pair=3, now=now)
    held, counted_at = _figures(program, now)
    assert counted_at == now
    _hold_a_meeting(program, now - dt.timedelta(days=2))
    # Fresh: the kept figures, and no counting query.
    with CaptureQueriesContext(connection) as fresh:
        assert _figures(program, now + dt.timedelta(minutes=4)) == (held, now)
    assert len(fresh.captured_queries) == 1  # the program's facts
    # Stale while another request counts: the previous figures, still no counting.
    later = now + dt.timedelta(minutes=6)
    facts = program_facts(program_id=program.pk)
    lock = health_module._key(facts, "figures") + ":counting"
    assert cache.add(lock, "another request", timeout=60)
    with CaptureQueriesContext(connection) as stale:
        assert _figures(program, later) == (held, now)
    assert len(stale.captured_queries) == 1
    # That request done, the next one counts again and keeps the new figures.
    cache.delete(lock)
    assert _figures(program, later) == (held + 1, later)
    assert _figures(program, later + dt.timedelta(minutes=1)) == (held + 1, later)
    assert cache.get(lock) is None  # the counting request let go of the lock


def test_with_nothing_kept_a_request_waits_for_the_count_under_way(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    now = timezone.now()
    program = seed_health_program(people=30, meetings_per_pair=2, now=now)
    facts = program_facts(program_id=program.pk)
    key = health_module._key(facts, "figures")
    assert cache.add(key + ":counting", "another request", timeout=60)
    counted = health_module.Counted(health_module.count_health(program=facts, now=now), now)
    sleeps: list[float] = []

    def meanwhile(seconds: float) -> None:  # the other request finishes while this one waits
        sleeps.append(seconds)
        cache.set(key, counted)

    monkeypatch.setattr(health_module.time, "sleep", meanwhile)
    later = now + dt.timedelta(seconds=1)
    with CaptureQueriesContext(connection) as waiting:
        assert health_module.counted_health(program=facts, now=later) == counted
    assert sleeps
    assert len(waiting.captured_queries) == 0  # served what the other request counted
    # Nothing arrives in time: it counts itself rather than fail.
    cache.delete(key)
    monkeypatch.setattr(health_module, "WAIT_SECONDS", 0.01)
    monkeypatch.setattr(health_module.time, "sleep", lambda seconds: None)
    assert health_module.counted_health(program=facts, now=later).counted_at == later


def test_a_program_never_gets_another_programs_figures(hr_admin: User) -> None:
    now = timezone.now()
    first = seed_health_program(people=40, meetings_per_pair=3, now=now, tag="a")
    second = seed_health_program(people=80, meetings_per_pair=6, now=now, tag="b", seed=3)
    one = program_health(program_id=first.pk, now=now)
    two = program_health(program_id=second.pk, now=now)
    assert one.cadence.held == _naive(first, now)["held"]
    assert two.cadence.held == _naive(second, now)["held"] != one.cadence.held
    client = Client()
    client.force_login(hr_admin)
    pages = [_served_queries(client, p)[1] for p in (first, second, first)]
    assert "Health bench a" in pages[0]
    assert "Person a" in pages[0]
    assert "Person b" not in pages[0]
    assert "Health bench b" in pages[1]
    assert "Person b" in pages[1]
    assert "Person a" not in pages[1]
    assert "Health bench a" in pages[2]  # served kept, and still the first program's
    assert "Person b" not in pages[2]
    # A change of the program's setting counts again at once (the key holds it).
    program_update(program=first, values={"stalled_after_days": 365})
    assert program_health(program_id=first.pk, now=now).cadence.stalled == 0


def test_the_page_says_when_its_figures_were_counted_in_the_viewers_zone(
    hr_admin: User,
) -> None:
    hr_admin.time_zone = "Asia/Kolkata"  # UTC+05:30: another hour and minute than UTC
    hr_admin.save(update_fields=["time_zone"])
    program = seed_health_program(people=30, meetings_per_pair=2, now=timezone.now())
    client = Client()
    client.force_login(hr_admin)
    _, page = _served_queries(client, program)
    counted_at = health_module.counted_health(
        program=program_facts(program_id=program.pk), now=timezone.now()
    ).counted_at
    zone = zoneinfo.ZoneInfo("Asia/Kolkata")
    with translation.override("en"):
        local = time_format(timezone.localtime(counted_at, zone), "TIME_FORMAT")
        utc = time_format(timezone.localtime(counted_at, dt.UTC), "TIME_FORMAT")
    assert local != utc
    assert f"Figures as of {local}" in page
    assert utc not in page


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
