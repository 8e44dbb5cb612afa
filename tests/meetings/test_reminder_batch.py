"""Issue 13: a batch of reminders costs the database a fixed number of reads and one
statement per row (plus its commit), and the worker's own transactions end clean."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lib import outbox
from matching.models import Pair
from meetings.models import Meeting, Reminder
from meetings.reminders import Outcome, reminders_claim_due, reminders_send
from meetings.services import meeting_schedule
from people.models import User
from tests.meetings.factories import make_pair, when

ZONE = "Europe/Berlin"


@pytest.fixture(autouse=True)
def no_broker(monkeypatch: pytest.MonkeyPatch) -> None:
    from meetings import tasks, tasks_reminders

    monkeypatch.setattr(tasks.send_meeting_update, "delay_on_commit", lambda *a: None)
    monkeypatch.setattr(tasks_reminders.send_reminders, "delay_on_commit", lambda *a: None)


def _book(pair: Pair, days: int) -> Meeting:
    start = (timezone.now() + dt.timedelta(days=days)).astimezone(zoneinfo.ZoneInfo(ZONE))
    [meeting] = meeting_schedule(
        pair=pair, organiser=pair.mentee.person, when=when(start.date(), 10, 0, zone=ZONE)
    )
    return meeting


def _claim(*meetings: Meeting) -> list[int]:
    Reminder.objects.filter(meeting__in=meetings).update(
        due_at=timezone.now() - dt.timedelta(seconds=1)
    )
    return reminders_claim_due(now=timezone.now(), batch=100)


def _statements(ids: list[int]) -> dict[str, int]:
    with CaptureQueriesContext(connection) as queries:
        assert set(reminders_send(ids).values()) == {Outcome.SENT}
    counts = {"SELECT": 0, "UPDATE": 0}
    for query in queries.captured_queries:
        for verb in counts:
            counts[verb] += query["sql"].lstrip().upper().startswith(verb)
    return counts


@pytest.mark.django_db
def test_a_batch_reads_the_same_number_of_times_however_many_rows_it_has(
    mentee: User, mentor: User
) -> None:
    pair = make_pair(mentee, mentor)
    small = _claim(_book(pair, 3))
    large = _claim(_book(pair, 4), _book(pair, 5))
    assert (len(small), len(large)) == (4, 8)

    few, many = _statements(small), _statements(large)

    if connection.vendor == "postgresql":  # lock, check and mark: one statement a row
        assert few["SELECT"] == many["SELECT"]
        assert (few["UPDATE"], many["UPDATE"]) == (2 + 4, 2 + 8)
    else:  # SQLite checks each row before its send, without a lock, and marks it after
        assert many["SELECT"] - few["SELECT"] == 4
        assert many["UPDATE"] - few["UPDATE"] == 4
    assert len(mail.outbox) == 12


@pytest.mark.django_db
def test_a_recipient_outside_the_pair_is_skipped(
    mentee: User, mentor: User, outsider: User
) -> None:
    meeting = _book(make_pair(mentee, mentor), 3)
    stranger = Reminder.objects.create(
        meeting=meeting, recipient=outsider, kind="before_30", due_at=meeting.start,
        planned_version=meeting.version,
    )  # fmt: skip
    ids = _claim(meeting)
    assert stranger.pk in ids
    mail.outbox.clear()

    outcomes = reminders_send(ids)

    assert outcomes.pop(stranger.pk) == Outcome.SKIPPED
    assert set(outcomes.values()) == {Outcome.SENT}
    assert outsider.email not in {address for m in mail.outbox for address in m.to}
    assert Reminder.objects.get(pk=stranger.pk).status == "skipped"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the worker's own transactions")
@pytest.mark.django_db(transaction=True)
def test_a_worker_leaves_no_transaction_open_and_no_setting_changed(
    mentee: User, mentor: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Outside any transaction each send begins and ends its own; a surprise during the
    send rolls it back, so that row stays claimed for the sweeper and is not marked sent."""
    from psycopg.pq import TransactionStatus

    first, *rest = _claim(_book(make_pair(mentee, mentor), 3))
    real = outbox.MailSession.send

    def fail_for_the_first(self: Any, message: Any) -> None:
        if message.extra_headers["X-Mentoring-Reminder"] == str(first):
            raise RuntimeError("a surprise on the wire")
        real(self, message)

    monkeypatch.setattr(outbox.MailSession, "send", fail_for_the_first)
    mail.outbox.clear()

    outcomes = reminders_send([first, *rest])

    assert outcomes[first] == Outcome.ERROR
    assert [outcomes[pk] for pk in rest] == [Outcome.SENT] * len(rest)
    assert len(mail.outbox) == len(rest)
    row = Reminder.objects.get(pk=first)
    assert (row.status, row.attempts, row.sent_at) == ("claimed", 1, None)
    assert {r.status for r in Reminder.objects.filter(pk__in=rest)} == {"sent"}
    assert connection.connection.info.transaction_status == TransactionStatus.IDLE
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone() == ("on",)
