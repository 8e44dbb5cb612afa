"""Reminders with real parts: a Celery worker and beat on the configured broker (the
filesystem by default, Redis with CELERY_BROKER_URL) and a real SMTP server on 127.0.0.1.

Every reminder that falls due arrives exactly once, with the time in the recipient's zone;
nothing arrives for a cancelled meeting or a reminder that is not due yet.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import time
import zoneinfo
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.utils import timezone

from meetings.models import Meeting, Reminder
from meetings.services import meeting_cancel, meeting_schedule
from people.models import User
from tests.factories import UserFactory
from tests.integration.support import CELERY, Inbox, celery_env, free_port, start_logged, stop
from tests.meetings.factories import make_pair, when

pytestmark = pytest.mark.django_db(transaction=True)
DEADLINE_SECONDS = 90


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


@pytest.fixture
def celery_processes(smtp: tuple[Inbox, int], tmp_path: Path) -> Iterator[Callable[[], str]]:
    """Start a worker and a beat (dispatch every second); yields a function returning logs."""
    _inbox, port = smtp
    env = celery_env(
        broker_url=settings.CELERY_BROKER_URL, smtp_port=port, MENTORING_DISPATCH_SECONDS="1"
    )
    logs = {name: tmp_path / f"{name}.log" for name in ("worker", "beat")}
    commands = {
        "worker": [
            *CELERY, "worker", "--loglevel", "WARNING", "--pool", "solo",
            "--hostname", f"reminders-{os.getpid()}@%h",
        ],
        "beat": [
            *CELERY, "beat", "--loglevel", "WARNING",
            "--schedule", str(tmp_path / "beat-schedule"),
        ],
    }  # fmt: skip
    processes: list[subprocess.Popen[bytes]] = []
    try:
        for name, command in commands.items():
            processes.append(start_logged(command, env, logs[name]))
        yield lambda: "\n".join(f"--- {n}\n{p.read_text()[-4000:]}" for n, p in logs.items())
    finally:
        for process in processes:  # only the processes this test started, by PID
            stop(process)


def _book(pair_people: tuple[User, User], zone: str, days: int) -> Meeting:
    mentee, _mentor = pair_people
    pair = make_pair(*pair_people)
    day = timezone.localdate() + dt.timedelta(days=days)
    [meeting] = meeting_schedule(pair=pair, organiser=mentee, when=when(day, 9, 30, zone=zone))
    return meeting


def _local(moment: dt.datetime, zone: str) -> str:
    return moment.astimezone(zoneinfo.ZoneInfo(zone)).strftime("%H:%M")


def test_due_reminders_arrive_exactly_once_in_each_recipients_zone(
    smtp: tuple[Inbox, int], celery_processes: Callable[[], str]
) -> None:
    inbox, _port = smtp
    zones = ["Europe/Berlin", "America/New_York", "Asia/Tokyo", "Australia/Adelaide"]
    people: list[User] = [UserFactory(time_zone=zone) for zone in zones]  # type: ignore[misc]
    booked = [
        _book((people[0], people[1]), "Europe/Berlin", 3),
        _book((people[2], people[3]), "Asia/Tokyo", 4),
        _book((people[1], people[2]), "America/New_York", 5),
    ]
    cancelled = booked.pop()
    meeting_cancel(meeting=cancelled, by=people[1])
    # The 24-hour reminders fall due within seconds; the 1-hour ones stay in the future.
    soon = timezone.now() + dt.timedelta(seconds=2)
    Reminder.objects.filter(kind="before_1440").update(due_at=soon)
    expected = {
        (person.email, _local(meeting.start, person.time_zone), person.time_zone)
        for meeting in booked
        for person in (meeting.pair.mentee.person, meeting.pair.mentor.person)
    }

    deadline = time.monotonic() + DEADLINE_SECONDS
    while time.monotonic() < deadline and len(inbox.reminders()) < len(expected):
        time.sleep(0.5)
    time.sleep(4)  # a few more dispatch ticks: nothing may arrive twice

    received = inbox.reminders()
    assert len(received) == len(expected), celery_processes()
    got = set()
    for message in received:
        [recipient] = [a.strip() for a in str(message["To"]).split(",")]
        text = message.get_body(preferencelist=("plain",))
        assert text is not None
        body = text.get_content()
        person = User.objects.get(email=recipient)
        [meeting] = [m for m in booked if person.pk in (
            m.pair.mentee.person_id, m.pair.mentor.person_id)]  # fmt: skip
        got.add((recipient, _local(meeting.start, person.time_zone), person.time_zone))
        assert _local(meeting.start, person.time_zone) in body
        assert f"/meetings/pairs/{meeting.pair_id}/" in body
        assert message.get_body(preferencelist=("html",)) is not None
    assert got == expected
    rows = Reminder.objects.all()
    assert {r.status for r in rows if r.kind == "before_1440" and r.meeting_id != cancelled.pk} == {
        "sent"
    }
    assert {r.status for r in rows if r.kind == "before_60" and r.meeting_id != cancelled.pk} == {
        "pending"
    }
    assert {r.status for r in rows if r.meeting_id == cancelled.pk} == {"skipped"}
