"""A send under way holds its reminder row: a reschedule or cancel of the meeting waits.

So an e-mail for the old time (or for a meeting being cancelled) is accepted by the mail
server before the change commits, never after it. PostgreSQL only: SQLite has one write
lock for the whole database, which a send must not hold across an SMTP call.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
import zoneinfo
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from matching.models import Pair
from meetings.models import Meeting, Reminder
from meetings.reminders import Outcome, reminder_send, reminders_claim_due, reminders_sweep
from meetings.services import meeting_cancel, meeting_reschedule, meeting_schedule
from people.models import User
from tests.meetings.factories import make_pair, when

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
    pytest.mark.django_db(transaction=True),
]
ZONE = "Europe/Berlin"


@pytest.fixture(autouse=True)
def no_broker(monkeypatch: pytest.MonkeyPatch) -> None:
    from meetings import tasks, tasks_reminders

    monkeypatch.setattr(tasks.send_meeting_update, "delay_on_commit", lambda *a: None)
    monkeypatch.setattr(tasks_reminders.send_reminder, "delay_on_commit", lambda *a: None)
    monkeypatch.setattr(tasks_reminders.send_reminders, "delay_on_commit", lambda *a: None)


def _book(pair: Pair) -> Meeting:
    start = (timezone.now() + dt.timedelta(days=3)).astimezone(zoneinfo.ZoneInfo(ZONE))
    [meeting] = meeting_schedule(
        pair=pair, organiser=pair.mentee.person, when=when(start.date(), 10, 0, zone=ZONE)
    )
    return meeting


class _SlowSmtp:
    """Stands in for ``EmailMultiAlternatives.send``: accepts, then waits to be released."""

    def __init__(self) -> None:
        self.accepted = threading.Event()
        self.release = threading.Event()
        self.accepted_at = 0.0

    def __call__(self, *args: Any, **kwargs: Any) -> int:
        self.accepted_at = time.monotonic()
        self.accepted.set()
        assert self.release.wait(timeout=10)
        return 1


def _in_thread(
    work: Callable[[], object], results: dict[str, object], key: str
) -> threading.Thread:
    def run() -> None:
        try:
            results[key] = work()
        except Exception as error:  # reported by the assertions
            results[key] = error
        finally:
            results[f"{key}_done_at"] = time.monotonic()
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def _send_while(
    change: Callable[[], object], monkeypatch: pytest.MonkeyPatch, pk: int
) -> dict[str, object]:
    smtp = _SlowSmtp()
    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", smtp)
    results: dict[str, object] = {}
    sender = _in_thread(lambda: reminder_send(pk), results, "send")
    assert smtp.accepted.wait(timeout=10)
    changer = _in_thread(change, results, "change")
    time.sleep(0.5)
    assert changer.is_alive(), "the change must wait for the send under way"
    smtp.release.set()
    sender.join(timeout=20)
    changer.join(timeout=20)
    assert results["send"] == Outcome.SENT
    assert not isinstance(results["change"], Exception), results["change"]
    assert smtp.accepted_at < results["change_done_at"]  # type: ignore[operator]
    return results


def _claim_one(meeting: Meeting, person: User) -> int:
    Reminder.objects.filter(meeting=meeting, recipient=person, kind="before_1440").update(
        due_at=timezone.now() - dt.timedelta(seconds=1)
    )
    [pk] = reminders_claim_due(now=timezone.now(), batch=10)
    return pk


def test_a_reschedule_waits_for_the_send_under_way_then_replans_the_row(
    mentee: User, mentor: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    meeting = _book(make_pair(mentee, mentor))
    pk = _claim_one(meeting, mentee)
    day = meeting.start.astimezone(zoneinfo.ZoneInfo(ZONE)).date() + dt.timedelta(days=1)

    _send_while(
        lambda: meeting_reschedule(
            meeting=meeting, by=mentee, when=when(day, 15, 0, zone=ZONE), place=""
        ),
        monkeypatch,
        pk,
    )

    meeting.refresh_from_db()
    row = Reminder.objects.get(pk=pk)
    # Sent for the old time before the move committed; planned again for the new time.
    assert (row.status, row.planned_version, row.attempts) == ("pending", meeting.version, 0)
    assert row.due_at == meeting.start - dt.timedelta(hours=24)


def test_a_cancel_waits_for_the_send_under_way_and_keeps_it_recorded_as_sent(
    mentee: User, mentor: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    meeting = _book(make_pair(mentee, mentor))
    pk = _claim_one(meeting, mentee)

    _send_while(lambda: meeting_cancel(meeting=meeting, by=mentor), monkeypatch, pk)

    assert Reminder.objects.get(pk=pk).status == "sent"
    others = Reminder.objects.filter(meeting=meeting).exclude(pk=pk)
    assert set(others.values_list("status", flat=True)) == {"skipped"}


# ------------------------------------------- issue 12: what cannot repeat a send under way


def test_a_second_delivery_or_the_sweeper_during_a_send_under_way_sends_nothing(
    mentee: User, mentor: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A broker that hands the same message out again (restored from its unacked set) and a
    sweeper that finds the claim stale, both while the first attempt is on the wire: the
    row is held, so neither can take it, and "sent" commits before anything else reads it."""
    meeting = _book(make_pair(mentee, mentor))
    pk = _claim_one(meeting, mentee)
    smtp = _SlowSmtp()
    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", smtp)
    results: dict[str, object] = {}
    sender = _in_thread(lambda: reminder_send(pk), results, "send")
    assert smtp.accepted.wait(timeout=10)
    calls = 0

    def count_again(*args: Any, **kwargs: Any) -> int:
        nonlocal calls
        calls += 1
        return 1

    again = _in_thread(lambda: reminder_send(pk), results, "again")
    sweeper = _in_thread(
        lambda: reminders_sweep(now=timezone.now(), stale_after=dt.timedelta(0)), results, "sweep"
    )
    time.sleep(0.5)
    assert sweeper.is_alive(), "the sweeper must wait for the send under way"
    smtp.release.set()
    for thread in (sender, again, sweeper):
        thread.join(timeout=20)

    assert results["again"] == Outcome.NOT_CLAIMED
    assert results["send"] == Outcome.SENT
    assert results["sweep"] == 0  # it found the row sent, not a stale claim
    assert (Reminder.objects.get(pk=pk).status, Reminder.objects.get(pk=pk).attempts) == (
        "sent",
        1,
    )
    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", count_again)
    assert reminders_claim_due(now=timezone.now(), batch=10) == []
    assert reminder_send(pk) == Outcome.NOT_CLAIMED
    assert calls == 0
