"""Benchmark reminder dispatch on PostgreSQL: a steady tick, a backlog after an outage, and
dispatch then sending when many rows fall due at once.

Usage: python bench/reminders.py [--meetings 100000] [--due 40] [--ticks 20]
       [--end-to-end 20000] [--broker redis://127.0.0.1:6379/0] [--one-row-per-task]
It recreates the database named by --database on 127.0.0.1 and prints one JSON object.

``--end-to-end`` rows fall due at once, and two figures are reported, each on its own clock:
- ``dispatch``: the beat task (``dispatch_reminders``) claims the rows and hands them to
  the sender, enqueuing one ``send_reminders`` message per ``SEND_BATCH`` rows through
  Celery's producer to the real Redis broker given by ``--broker`` (its ``celery`` queue
  must be empty; it is emptied again at the end), serialised as in production. Rows
  handed over per second: issue 13's "end to end".
- ``send``: what one worker process does with those messages: take each from the broker,
  take the attempts, lock and re-check each row, render the e-mail, hand it to Django's
  in-memory mail backend (which accepts at once: our side of the SMTP conversation, not
  a mail server's), mark it sent and commit. Rows per second of one process, the
  database statements per row, and the process's own CPU time per row.
``--one-row-per-task`` repeats both with each row handed to the single-row task (the path
before batches, minus its per-row message), for comparison at the same time.
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
from typing import Any

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


class _QueryCounter:
    """Counts the statements a block sends to the database (``connection.execute_wrapper``),
    without the debug cursor's cost of keeping every query."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.count += 1
        return execute(sql, params, many, context)


def _queued(queue: Any) -> int:
    from kombu.exceptions import ChannelError

    try:
        return int(queue.qsize())
    except ChannelError:  # Redis keeps no empty list: the queue has no key until a message
        return 0


def _dispatch_then_send(count: int, *, one_by_one: bool = False) -> dict[str, Any]:
    """``count`` rows fall due at once; two clocks, one after the other.

    dispatch: the beat task (``dispatch_reminders``) claims the rows and hands them to
    the sender, i.e. enqueues one ``send_reminders`` message per ``SEND_BATCH`` rows
    through Celery's producer to the real broker (``--broker``), serialised as in
    production; rows handed over per second. This is issue 13's "end to end".

    send: one process does what one worker process does with those messages: takes each
    from the broker, runs ``send_reminders`` (take the attempts, lock and re-check each
    row, render, hand the e-mail to Django's in-memory mail backend, mark sent, commit),
    acknowledges it; rows per second. The in-memory backend accepts at once, so this is
    our side of the SMTP conversation, not a mail server's.

    ``one_by_one`` hands each row of a message to the single-row task instead (the path
    before batches, minus its per-row message), to compare both at the same time.
    """
    from django.core import mail
    from django.db import connection
    from django.utils import timezone

    from meetings.models import Reminder
    from meetings.tasks_reminders import dispatch_reminders, send_reminder, send_reminders
    from mentoring.celery import app

    mail.outbox = []
    sent_before = Reminder.objects.filter(status=Reminder.Status.SENT).count()
    _make_due(count, timezone.now())  # only the due time moves, as if the day had come
    with app.connection_for_read() as broker:
        queue = broker.SimpleQueue("celery", no_ack=False)
        if _queued(queue):  # someone else's messages: not ours to take or to purge
            raise RuntimeError("the broker's celery queue is not empty: use a free --broker")
        try:
            claimed, clock = 0, time.perf_counter()
            while dispatched := dispatch_reminders():
                claimed += dispatched
            dispatch_seconds = time.perf_counter() - clock
            messages = _queued(queue)

            rows, queries = 0, _QueryCounter()
            clock, cpu = time.perf_counter(), time.process_time()
            with connection.execute_wrapper(queries):
                for _message in range(messages):
                    message = queue.get(timeout=5)
                    if message.headers["task"] != send_reminders.name:
                        raise RuntimeError(f"unexpected message {message.headers['task']}")
                    [ids], _kwargs, _embed = message.payload
                    if one_by_one:
                        rows += sum(1 for pk in ids if send_reminder.run(pk))
                    else:
                        rows += sum(send_reminders.run(ids).values())
                    message.ack()
            send_seconds = time.perf_counter() - clock
            send_cpu_seconds = time.process_time() - cpu
        finally:
            queue.clear()  # nothing of ours stays on the broker, even after an error
            queue.close()
    sent = Reminder.objects.filter(status=Reminder.Status.SENT).count() - sent_before
    if (claimed, rows, sent, len(mail.outbox)) != (count, count, count, count):
        raise RuntimeError(f"claimed {claimed}, handled {rows}, sent {sent} of {count}")
    return {
        "rows": count,
        "dispatch": {
            "messages": messages,
            "seconds": round(dispatch_seconds, 3),
            "rows_per_second": round(count / dispatch_seconds),
        },
        "send": {
            "seconds": round(send_seconds, 2),
            "rows_per_second": round(count / send_seconds),
            "queries_per_row": round(queries.count / count, 2),
            # This process's CPU only (not PostgreSQL's): steadier than the clock when
            # other work shares the machine.
            "process_cpu_ms_per_row": round(send_cpu_seconds * 1000 / count, 2),
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--meetings", type=int, default=100_000)
    parser.add_argument("--due", type=int, default=40, help="reminders due per steady tick")
    parser.add_argument("--ticks", type=int, default=20)
    parser.add_argument("--end-to-end", type=int, default=20_000, help="rows due at once")
    parser.add_argument("--database", default="mentoring_bench_reminders")
    parser.add_argument(
        "--broker", default="redis://127.0.0.1:6379/0", help="a Redis database with no queue"
    )
    parser.add_argument(
        "--one-row-per-task", action="store_true", help="also time the single-row task"
    )
    args = parser.parse_args()
    os.environ.update(
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{args.database}",
        DJANGO_SETTINGS_MODULE="mentoring.settings",
        CELERY_BROKER_URL=args.broker,
        EMAIL_HOST="",
        LOG_LEVEL="WARNING",
    )
    _recreate_database(args.database)
    import django

    django.setup()
    from django.conf import settings
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

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    end_to_end = _dispatch_then_send(args.end_to_end)
    one_by_one = (
        _dispatch_then_send(args.end_to_end, one_by_one=True) if args.one_row_per_task else None
    )

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
        "load_average": [round(load, 2) for load in os.getloadavg()],
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
