"""Benchmark reminder dispatch on PostgreSQL: a steady tick, a backlog after an outage, and
dispatch end to end.

Usage: python bench/reminders.py [--meetings 100000] [--due 40] [--ticks 20] [--end-to-end 20000]
It recreates the database named by --database on 127.0.0.1 and prints one JSON object.

End to end: ``--end-to-end`` rows fall due at once; the clock runs over the beat task
(``dispatch_reminders``: claim, then enqueue through Celery to an in-memory broker, the
messages serialised as in production) and the worker's handling of every message
(``send_reminders``: take the attempts, lock, re-check, render the e-mail, hand it to the
mail backend, mark sent, commit, row by row). The hand-off goes to Django's in-memory
mail backend, which accepts at once: the figure is our side of the SMTP conversation, not
a mail server's. One process does it all, as one worker process would.
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


def _end_to_end(count: int, *, one_by_one: bool = False) -> dict[str, float | int]:
    """Dispatch ``count`` due rows and handle every message, timed from claim to "sent".
    ``one_by_one`` hands each row to the single-row task instead (the path before batches,
    minus its per-row message), to compare both on the same machine at the same time."""
    from django.conf import settings
    from django.core import mail
    from django.utils import timezone

    from meetings.models import Reminder
    from meetings.tasks_reminders import dispatch_reminders, send_reminder, send_reminders
    from mentoring.celery import app

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    sent_before = Reminder.objects.filter(status=Reminder.Status.SENT).count()
    _make_due(count, timezone.now())  # only the due time moves, as if the day had come
    messages = rows = 0
    clock = time.perf_counter()
    claimed = 0
    while dispatched := dispatch_reminders():
        claimed += dispatched
    dispatch_seconds = time.perf_counter() - clock
    with app.connection_for_read() as connection:
        queue = connection.SimpleQueue("celery", no_ack=False)
        while True:
            try:
                message = queue.get(timeout=0.5)
            except queue.Empty:
                break
            if message.headers["task"] != send_reminders.name:
                raise RuntimeError(f"unexpected message {message.headers['task']}")
            [ids], _kwargs, _embed = message.payload
            if one_by_one:  # as before batches: one message, one task run per row
                rows += sum(1 for pk in ids if send_reminder.run(pk))
            else:
                rows += sum(send_reminders.run(ids).values())
            message.ack()
            messages += 1
        queue.close()
    seconds = time.perf_counter() - clock
    sent = Reminder.objects.filter(status=Reminder.Status.SENT).count() - sent_before
    if (claimed, rows, sent, len(mail.outbox)) != (count, count, count, count):
        raise RuntimeError(f"claimed {claimed}, handled {rows}, sent {sent} of {count}")
    return {
        "rows": count,
        "messages": messages,
        "dispatch_seconds": round(dispatch_seconds, 2),
        "seconds": round(seconds, 2),
        "rows_per_second": round(count / seconds),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--meetings", type=int, default=100_000)
    parser.add_argument("--due", type=int, default=40, help="reminders due per steady tick")
    parser.add_argument("--ticks", type=int, default=20)
    parser.add_argument("--end-to-end", type=int, default=20_000, help="rows due at once")
    parser.add_argument("--database", default="mentoring_bench_reminders")
    args = parser.parse_args()
    os.environ.update(
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{args.database}",
        DJANGO_SETTINGS_MODULE="mentoring.settings",
        CELERY_BROKER_URL="memory://",
        EMAIL_HOST="",
        LOG_LEVEL="WARNING",
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

    end_to_end = _end_to_end(args.end_to_end)
    one_by_one = _end_to_end(args.end_to_end, one_by_one=True)

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
        "end_to_end": end_to_end,
        "end_to_end_one_row_per_task": one_by_one,
        "backlog": {
            "rows": backlog,
            "claimed": claimed_total,
            "seconds": round(backlog_seconds, 2),
            "rows_per_second": round(claimed_total / backlog_seconds),
        },
    }))  # fmt: skip


if __name__ == "__main__":
    main()
