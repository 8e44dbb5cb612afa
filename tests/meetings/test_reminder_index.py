"""The due-reminder query is served by its partial index (PostgreSQL's planner)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from meetings.models import Meeting, Reminder
from people.models import User
from tests.meetings.factories import make_pair

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor != "postgresql", reason="EXPLAIN output is PostgreSQL's")
def test_due_reminders_are_found_through_the_partial_index(mentee: User, mentor: User) -> None:
    pair = make_pair(mentee, mentor)
    now = timezone.now()
    starts = [now + dt.timedelta(hours=h) for h in range(1, 2001)]
    meetings = Meeting.objects.bulk_create(
        Meeting(pair=pair, start=start, end=start + dt.timedelta(minutes=30)) for start in starts
    )
    Reminder.objects.bulk_create(
        Reminder(
            meeting=m, recipient=mentee, kind="before_60", due_at=m.start - dt.timedelta(hours=1),
            status=Reminder.Status.SENT if n % 10 else Reminder.Status.PENDING,
        )
        for n, m in enumerate(meetings)
    )  # fmt: skip
    due = Reminder.objects.filter(status=Reminder.Status.PENDING, due_at__lte=now).order_by(
        "due_at"
    )
    sql, params = due.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE meetings_reminder")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql} LIMIT 500", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "meetings_reminder_pending_idx" in plan, plan
