"""Benchmark reminder dispatch on PostgreSQL: a steady tick, and a backlog after an outage.

Usage: python bench/reminders.py [--meetings 100000] [--due 40] [--ticks 20]
It recreates the database named by --database on 127.0.0.1 and prints one JSON object.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BATCH = 500  # rows claimed per dispatch query, as the beat task does


def _recreate_database(name: str) -> None:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        db.execute(f'CREATE DATABASE "{name}"')


def _seed(meetings: int) -> None:
    """``meetings`` upcoming meetings over 2,000 pairs, two pending reminders each."""
    from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from matching.models import Pair
    from meetings.models import Meeting, Reminder
    from people.models import User
    from programs.models import Enrolment, Program

    call_command("migrate", verbosity=0)
    today = timezone.localdate()
    program = Program.objects.create(
        name="Bench", status=Program.Status.ACTIVE, enrolment_opens=today,
        enrolment_closes=today, starts_on=today, ends_on=today + dt.timedelta(days=365),
    )  # fmt: skip
    people = User.objects.bulk_create(
        User(email=f"p{n}@bench.example", full_name=f"P {n}", password=UNUSABLE_PASSWORD_PREFIX)
        for n in range(4000)
    )
    enrolments = Enrolment.objects.bulk_create(
        Enrolment(program=program, person=p, role="mentee" if n % 2 == 0 else "mentor",
                  status="accepted", time_zone="UTC", capacity=None if n % 2 == 0 else 1)
        for n, p in enumerate(people)
    )  # fmt: skip
    pairs = Pair.objects.bulk_create(
        Pair(program=program, mentee=enrolments[n], mentor=enrolments[n + 1], origin="manual")
        for n in range(0, len(enrolments), 2)
    )
    now = timezone.now()
    rows = Meeting.objects.bulk_create(
        (
            Meeting(pair=pairs[n % len(pairs)], start=start, end=start + dt.timedelta(hours=1))
            for n in range(meetings)
            for start in [now + dt.timedelta(days=2, minutes=n)]
        ),
        batch_size=5000,
    )
    Reminder.objects.bulk_create(
        (
            Reminder(meeting=m, recipient_id=m.pair.mentee.person_id, kind=kind,
                     due_at=m.start - dt.timedelta(minutes=minutes))
            for m in rows
            for kind, minutes in (("before_1440", 1440), ("before_60", 60))
        ),
        batch_size=5000,
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _make_due(count: int, now: dt.datetime) -> None:
    from meetings.models import Reminder

    ids = list(
        Reminder.objects.filter(status=Reminder.Status.PENDING, due_at__gt=now)
        .order_by("due_at")
        .values_list("pk", flat=True)[:count]
    )
    Reminder.objects.filter(pk__in=ids).update(due_at=now - dt.timedelta(seconds=1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--meetings", type=int, default=100_000)
    parser.add_argument("--due", type=int, default=40, help="reminders due per steady tick")
    parser.add_argument("--ticks", type=int, default=20)
    parser.add_argument("--database", default="mentoring_bench_reminders")
    args = parser.parse_args()
    os.environ.update(
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{args.database}",
        DJANGO_SETTINGS_MODULE="mentoring.settings",
    )
    _recreate_database(args.database)
    import django

    django.setup()
    from django.utils import timezone

    from meetings.models import Reminder
    from meetings.reminders import reminders_claim_due

    started = time.perf_counter()
    _seed(args.meetings)
    seeded = time.perf_counter() - started

    ticks = []
    for _ in range(args.ticks):
        now = timezone.now()
        _make_due(args.due, now)
        clock = time.perf_counter()
        claimed = reminders_claim_due(now=now, batch=BATCH)
        ticks.append(time.perf_counter() - clock)
        if len(claimed) != args.due:
            raise RuntimeError(f"claimed {len(claimed)} of {args.due} due reminders")

    # An outage: every pending reminder is due at once.
    Reminder.objects.filter(status=Reminder.Status.PENDING).update(
        due_at=timezone.now() - dt.timedelta(minutes=1)
    )
    backlog = Reminder.objects.filter(status=Reminder.Status.PENDING).count()
    clock = time.perf_counter()
    claimed_total = 0
    while claimed := reminders_claim_due(now=timezone.now(), batch=BATCH):
        claimed_total += len(claimed)
    backlog_seconds = time.perf_counter() - clock
    print(json.dumps({
        "meetings": args.meetings,
        "reminders": Reminder.objects.count(),
        "seed_seconds": round(seeded, 1),
        "steady_tick_ms": {
            "due_per_tick": args.due,
            "median": round(statistics.median(ticks) * 1000, 1),
            "max": round(max(ticks) * 1000, 1),
        },
        "backlog": {
            "rows": backlog,
            "claimed": claimed_total,
            "seconds": round(backlog_seconds, 2),
            "rows_per_second": round(claimed_total / backlog_seconds),
        },
    }))  # fmt: skip


if __name__ == "__main__":
    main()
