"""Benchmark HR's program health on a large program, and the world it is measured on.

Usage: python bench/health.py [--people 10000] [--meetings-per-pair 20] [--rounds 20]
Needs a database: DATABASE_URL (PostgreSQL for figures worth reporting). It adds one program
with ``--people`` people enrolled (60% mentees, 40% mentors with two places each), pairs for
most mentees, ``--meetings-per-pair`` meetings for most pairs over the program's life (some
cancelled, some ahead), invitations and a few ended pairs. Then it computes the health page's
figures ``--rounds`` times, as the page does (``hr_view.health.program_health`` and the first
page of the pair list), and renders the page through Django's test client. Prints one JSON
object: the queries per computation and the median and p95 times in milliseconds.

``seed_health_program`` is also the world of ``tests/hr_view/test_health.py`` (small sizes).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEPARTMENT_WEIGHTS = (30, 20, 15, 12, 10, 8, 5)  # and one tiny department of 3 people


def seed_health_program(
    *, people: int, meetings_per_pair: int, now: dt.datetime, seed: int = 7, tag: str = "h"
) -> Any:
    """One active program, started 40 weeks ago, with ``people`` enrolled; returns it."""
    from django.db import transaction

    from matching.models import Pair
    from meetings.models import Meeting
    from people.models import Department, User
    from programs.models import Enrolment, Invitation, Program

    rng = random.Random(seed)
    today = now.date()
    with transaction.atomic():
        program = Program.objects.create(
            name=f"Health bench {tag}",
            status=Program.Status.ACTIVE,
            enrolment_opens=today - dt.timedelta(weeks=44),
            enrolment_closes=today - dt.timedelta(weeks=41),
            starts_on=today - dt.timedelta(weeks=40),
            ends_on=today + dt.timedelta(weeks=12),
        )
        departments = [
            Department.objects.get_or_create(name=f"Dept {tag}{i}")[0]
            for i in range(len(DEPARTMENT_WEIGHTS) + 1)
        ]
        tiny = departments[-1]
        users = User.objects.bulk_create(
            User(
                email=f"{tag}{n}@health.example",
                full_name=f"Person {tag}{n}",
                department=tiny
                if n < 3
                else rng.choices(departments[:-1], weights=DEPARTMENT_WEIGHTS)[0],
                time_zone="UTC",
            )
            for n in range(people)
        )
        mentees_n = people * 6 // 10
        statuses = (
            [Enrolment.Status.ACCEPTED] * 90
            + [Enrolment.Status.PENDING] * 5
            + [Enrolment.Status.WITHDRAWN] * 5
        )
        enrolments = Enrolment.objects.bulk_create(
            Enrolment(
                program=program,
                person=user,
                role=Enrolment.Role.MENTEE if n < mentees_n else Enrolment.Role.MENTOR,
                status=Enrolment.Status.ACCEPTED if n >= mentees_n else rng.choice(statuses),
                capacity=None if n < mentees_n else 2,
                time_zone="UTC",
            )
            for n, user in enumerate(users)
        )
        enrolled_at = [now - dt.timedelta(weeks=43, days=rng.randint(0, 20)) for _ in enrolments]
        for enrolment, when in zip(enrolments, enrolled_at, strict=True):
            enrolment.created_at = when
        Enrolment.objects.bulk_update(enrolments, ["created_at"], batch_size=2000)
        Invitation.objects.bulk_create(
            Invitation(program=program, person=user) for user in users[: people // 3]
        )
        mentees = [e for e in enrolments[:mentees_n] if e.status == Enrolment.Status.ACCEPTED]
        mentors = enrolments[mentees_n:]
        seats = [m for m in mentors for _ in range(2)]
        rng.shuffle(seats)
        paired = mentees[: int(len(mentees) * 0.9)]
        pairs = Pair.objects.bulk_create(
            Pair(
                program=program,
                mentee=mentee,
                mentor=mentor,
                origin=Pair.Origin.COHORT,
                status=Pair.Status.ACTIVE,
            )
            for mentee, mentor in zip(paired, seats, strict=False)
        )
        meetings = []
        for i, pair in enumerate(pairs):
            pair.started_at = now - dt.timedelta(weeks=40, days=rng.randint(0, 60))
            if i % 25 == 0:
                pair.status = Pair.Status.ENDED
                pair.ended_at = pair.started_at + dt.timedelta(days=rng.randint(20, 120))
            if i % 7 == 0:
                continue  # a pair that never met
            quiet = rng.choice((0, 0, 0, 3, 6, 10))  # weeks since they last met
            span = max((now - pair.started_at).days - 7 * quiet, 1)
            for k in range(rng.randint(1, meetings_per_pair)):
                start = pair.started_at + dt.timedelta(days=rng.randint(1, span), hours=9)
                cancelled = k % 9 == 8
                meetings.append(
                    Meeting(
                        pair=pair,
                        start=start,
                        end=start + dt.timedelta(hours=1),
                        status=Meeting.Status.CANCELLED if cancelled else Meeting.Status.SCHEDULED,
                        place=f"Room {tag}-{i}",
                    )
                )
            if i % 3 == 0:  # one ahead
                start = now + dt.timedelta(days=rng.randint(1, 20))
                meetings.append(Meeting(pair=pair, start=start, end=start + dt.timedelta(hours=1)))
        Pair.objects.bulk_update(pairs, ["started_at", "status", "ended_at"], batch_size=2000)
        Meeting.objects.bulk_create(meetings, batch_size=5000)
    return program


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--meetings-per-pair", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentoring.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from hr_view.health import program_health
    from meetings.health import PairRows
    from meetings.models import Meeting
    from people.models import User
    from tests.factories import make_hr_admin

    call_command("migrate", verbosity=0)
    now = timezone.now()
    started = time.perf_counter()
    program = seed_health_program(
        people=args.people,
        meetings_per_pair=args.meetings_per_pair,
        now=now,
        tag=f"b{int(now.timestamp())}-",
    )
    seeded = time.perf_counter() - started
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    def compute() -> None:
        health = program_health(program_id=program.pk, now=timezone.now())
        rows = PairRows(
            program_id=program.pk,
            stalled_after_days=health.program.stalled_after_days,
            now=timezone.now(),
            sort="stalled",
        )
        rows[0:50]
        rows.count()

    timings = []
    queries: list[str] = []

    def count(execute: Any, sql: str, *rest: Any) -> Any:
        queries.append(sql)
        return execute(sql, *rest)

    with connection.execute_wrapper(count):
        compute()
    for _ in range(args.rounds):
        started = time.perf_counter()
        compute()
        timings.append((time.perf_counter() - started) * 1000)
    hr = make_hr_admin(
        User.objects.create_user(f"hr{int(now.timestamp())}@health.example", "x", full_name="HR")
    )
    client = Client()
    client.force_login(hr)
    url = reverse("hr_view:health", kwargs={"program_id": program.pk})
    page_times = []
    for _ in range(max(args.rounds // 2, 3)):
        started = time.perf_counter()
        response = client.get(url)
        page_times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"the health page answered {response.status_code}")
    timings.sort()
    page_times.sort()
    print(
        json.dumps(
            {
                "database": connection.vendor,
                "people": args.people,
                "pairs": program.pairs.count(),
                "meetings": Meeting.objects.filter(pair__program=program).count(),
                "seed_seconds": round(seeded, 1),
                "queries_per_computation": len(queries),
                "compute_ms": {
                    "median": round(statistics.median(timings), 1),
                    "p95": round(timings[int(len(timings) * 0.95) - 1], 1),
                },
                "page_ms": {
                    "median": round(statistics.median(page_times), 1),
                    "max": round(page_times[-1], 1),
                },
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
