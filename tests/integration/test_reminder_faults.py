"""The fault test: reminders are neither lost nor repeated when the parts around them fail.

``make faults`` runs it (CI too), on PostgreSQL. 1,000 meetings (250 pairs, 4 each), every
one with reminders 24 hours and 1 hour before for both people: 4,000 reminder e-mails.
Time is compressed: once a real prefork worker (4 processes), two beat processes at once
and a redis-server of this test's own are running, the due times are moved into the next
~40 seconds, as if the days had passed. While the reminders go out, the test

- kills every pool child of the worker with SIGKILL, by PID, several times, each time right
  after the SMTP server accepted a message, so some kills land between the acceptance and
  the commit of "sent";
- stops its redis-server (SIGTERM, by PID) and starts it again on the same port: every
  queued and unacknowledged message is gone, and only the rows know what is left to do;
- reschedules 200 meetings to a new time and cancels 100, through the real services.

The worker runs under a supervisor, as in production: if its main process ends (Celery's
can, reconnecting to the restarted broker just after its children were killed), a new one
starts; the report counts such restarts.

Then it reports, per reminder and time: sent, missing and duplicated, and asserts: nothing
missing; no duplicate except one from the window between the SMTP server accepting the
first copy and the commit (its ``X-Mentoring-Attempt`` differs from the second copy's, and
either the very process the worker logged handing that first attempt to the mail server
was killed before the second copy arrived, or the worker logged that the server's answer
to that attempt never came, a client timeout under load); that window's count is
reported; no e-mail for an old time accepted after the reschedule committed, none for a
cancelled meeting after the cancel.

Why the sender and not the clock: a process killed right after writing a message's last
line never reads the server's answer, yet the server, a few milliseconds behind under load,
still accepts that message *after* the kill. Both copies then come after the kill, and a
rule "a kill between the two copies" called that window duplicate unexplained (issue 12:
one run in two failed so). Tying each first copy to its sending process is exact, and
stricter: a kill of some other process no longer excuses a duplicate.

Meeting invitations and updates are not this test's subject (they are tested in
tests/meetings): their tasks are not sent from the test process.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import random
import re
import subprocess
import time
from collections import defaultdict
from dataclasses import asdict, dataclass
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller
from django.utils import timezone

from meetings.models import Meeting, Reminder
from meetings.services import meeting_cancel, meeting_reschedule, meeting_schedule
from meetings.timezones import local
from people.models import User
from tests.factories import UserFactory
from tests.integration.faults import (
    WORKER_ENV,
    Faults,
    RedisServer,
    fault_inbox,
    fault_test_marks,
    kill_times,
    log_tails,
    save_report,
    start_fault_thread,
    start_worker_and_beats,
    stop_run,
)
from tests.integration.support import Inbox, celery_env, free_port
from tests.meetings.factories import make_pair, when

pytestmark = fault_test_marks(
    "the fault test runs on PostgreSQL (make faults): a send holds its row lock "
    "there, which SQLite cannot do without stalling every writer"
)
PAIRS, MEETINGS_PER_PAIR = 250, 4
RESCHEDULE, CANCEL = 200, 100
SPREAD_SECONDS = 40  # due times are spread over this many seconds
CHANGES_SECONDS = 45  # the reschedules and cancels are spread over this many
KILL_AFTER_MESSAGES = (250, 700, 1200, 2300, 2900, 3500)
REDIS_RESTART_AFTER = 1700
DEADLINE_SECONDS = 180  # the dispatch phase; the test ends by itself after it
ZONES = ("Europe/Berlin", "America/New_York", "Asia/Kolkata")


# ---------------------------------------------------------------- the parts this test owns


# ---------------------------------------------------------------- the world


@dataclass(frozen=True)
class Change:
    meeting_id: int
    kind: str  # "reschedule" or "cancel"
    done_at: float  # time.monotonic() after the service returned (committed)


def _meetings() -> list[Meeting]:
    rng = random.Random(1)
    today = timezone.localdate()
    meetings = []
    for _index in range(PAIRS):
        zone_a, zone_b = rng.choice(ZONES), rng.choice(ZONES)
        mentee: User = UserFactory(time_zone=zone_a)  # type: ignore[assignment]
        mentor: User = UserFactory(time_zone=zone_b)  # type: ignore[assignment]
        pair = make_pair(mentee, mentor)
        for n in range(MEETINGS_PER_PAIR):
            day = today + dt.timedelta(days=3 + n)
            [meeting] = meeting_schedule(
                pair=pair, organiser=mentee, when=when(day, 10, 0, zone=zone_a)
            )
            meetings.append(meeting)
    return meetings


def _compress_time(rows: list[Reminder], rng: random.Random, seconds: float) -> None:
    """Move pending rows' due times into the next ``seconds``, as if days had passed."""
    now = timezone.now()
    for row in rows:
        row.due_at = now + dt.timedelta(seconds=1 + rng.uniform(0, seconds))
    Reminder.objects.bulk_update(rows, ["due_at"], batch_size=1000)


# ---------------------------------------------------------------- the report


@dataclass
class Report:
    reminder_rows: int
    expected_once: int
    emails_accepted: int
    sent_as_expected: int
    missing: int
    duplicates_in_window: int
    duplicates_outside_window: int
    old_time_before_reschedule: int
    old_time_after_reschedule: int
    cancelled_before_cancel: int
    cancelled_after_cancel: int
    rescheduled: int
    cancelled: int
    pool_children_killed: int
    kills: int
    redis_restarts: int
    worker_restarts: int
    rows_needing_several_attempts: int
    sends_unconfirmed_by_the_server: int
    setup_seconds: float
    dispatch_seconds: float
    problems: list[str]

    def table(self) -> str:
        width = max(len(name) for name in asdict(self))
        lines = [f"  {name:<{width}}  {value}" for name, value in asdict(self).items()]
        return "Reminder fault test\n" + "\n".join(lines[:-1])


_TIME = re.compile(r"\b\d{2}:\d{2}\b")


def _start_time_in(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    found = _TIME.search(body.get_content())
    assert found is not None, body.get_content()
    return found.group(0)


_RETRIED = re.compile(r"Reminder (\d+): attempt (\d+) not confirmed by the mail server")


def _retried_attempts(worker_log: str) -> set[tuple[int, int]]:
    """(reminder, attempt) the worker gave up waiting for the server's answer to."""
    return {(int(pk), int(attempt)) for pk, attempt in _RETRIED.findall(worker_log)}


_HANDED = re.compile(r"Reminder (\d+): attempt (\d+) handed to the mail server by process (\d+)")


def _senders(worker_log: str) -> dict[tuple[int, int], set[int]]:
    """(reminder, attempt) -> the PIDs of the pool processes that put it on the wire (two
    when a reschedule re-planned the row and its attempts started again)."""
    senders: dict[tuple[int, int], set[int]] = defaultdict(set)
    for pk, attempt, pid in _HANDED.findall(worker_log):
        senders[(int(pk), int(attempt))].add(int(pid))
    return senders


def _report(
    inbox: Inbox,
    changes: dict[int, Change],
    before: dict[int, dt.datetime],
    faults: Faults,
    phases: tuple[float, float],
    worker_log: str,
    worker_restarts: int,
) -> Report:
    rows = {row.pk: row for row in Reminder.objects.select_related("recipient", "meeting")}
    problems: list[str] = []
    copies: dict[tuple[int, str], list[tuple[float, int]]] = defaultdict(list)
    old_before = old_after = cancelled_before = cancelled_after = 0
    for accepted_at, message in inbox.timed_reminders():
        pk, attempt = int(message["X-Mentoring-Reminder"]), int(message["X-Mentoring-Attempt"])
        row = rows[pk]
        shown = _start_time_in(message)
        old = local(before[row.meeting_id], row.recipient.time_zone).strftime("%H:%M")
        change = changes.get(row.meeting_id)
        if change is not None and change.kind == "reschedule" and shown == old:
            old_before += accepted_at <= change.done_at
        if change is not None and change.kind == "cancel":
            cancelled_before += accepted_at <= change.done_at
        if change is not None and shown == old and accepted_at > change.done_at:
            if change.kind == "cancel":
                cancelled_after += 1
                problems.append(f"reminder {pk} accepted after its meeting was cancelled")
            else:
                old_after += 1
                problems.append(f"reminder {pk} for the old time accepted after the move")
        copies[(pk, shown)].append((accepted_at, attempt))

    expected: set[tuple[int, str]] = set()
    for pk, row in rows.items():
        change = changes.get(row.meeting_id)
        if change is not None and change.kind == "cancel":
            continue
        expected.add((pk, local(row.meeting.start, row.recipient.time_zone).strftime("%H:%M")))
    missing = expected - copies.keys()
    problems += [f"reminder {pk} for {shown} never arrived" for pk, shown in sorted(missing)]

    in_window = outside = 0
    killed_at, senders = kill_times(faults), _senders(worker_log)
    retried = _retried_attempts(worker_log)
    for (pk, shown), got in copies.items():
        got.sort()
        for (_first_at, first_attempt), (then_at, then_attempt) in itertools.pairwise(got):
            sender_killed = any(
                pid in killed_at and killed_at[pid] <= then_at
                for pid in senders.get((pk, first_attempt), ())
            )
            unconfirmed = (pk, first_attempt) in retried  # accepted, but the answer timed out
            if first_attempt != then_attempt and (sender_killed or unconfirmed):
                in_window += 1
            else:
                outside += 1
                problems.append(
                    f"reminder {pk} for {shown} arrived again (attempts {first_attempt} and "
                    f"{then_attempt}) and no kill of its sender explains it"
                )
    return Report(
        reminder_rows=len(rows),
        expected_once=len(expected),
        emails_accepted=len(inbox.reminders()),
        sent_as_expected=len(expected & copies.keys()),
        missing=len(missing),
        duplicates_in_window=in_window,
        duplicates_outside_window=outside,
        old_time_before_reschedule=old_before,
        old_time_after_reschedule=old_after,
        cancelled_before_cancel=cancelled_before,
        cancelled_after_cancel=cancelled_after,
        rescheduled=sum(1 for c in changes.values() if c.kind == "reschedule"),
        cancelled=sum(1 for c in changes.values() if c.kind == "cancel"),
        pool_children_killed=sum(len(pids) for _at, pids in faults.kills),
        kills=len(faults.kills),
        redis_restarts=len(faults.redis_restarts),
        worker_restarts=worker_restarts,
        rows_needing_several_attempts=sum(1 for row in rows.values() if row.attempts > 1),
        sends_unconfirmed_by_the_server=len(retried),
        setup_seconds=round(phases[0], 1),
        dispatch_seconds=round(phases[1], 1),
        problems=problems[:20],
    )


# ---------------------------------------------------------------- the test


def test_reminders_survive_killed_workers_a_restarted_broker_and_two_beats(
    owned: dict[str, object], tmp_path: Path, no_invitation_tasks: None
) -> None:
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd: one line per command
    started = time.monotonic()
    inbox, triggers = fault_inbox(KILL_AFTER_MESSAGES, REDIS_RESTART_AFTER)
    smtp_port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    redis: RedisServer = owned["redis"]  # type: ignore[assignment]
    redis.start()
    processes: list[subprocess.Popen[bytes]] = owned["processes"]  # type: ignore[assignment]

    meetings = _meetings()
    before = {meeting.pk: meeting.start for meeting in meetings}
    assert Reminder.objects.filter(status="pending").count() == 4 * len(meetings)

    env = celery_env(broker_url=redis.url, smtp_port=smtp_port, **WORKER_ENV)
    worker, logs = start_worker_and_beats(
        tmp_path=tmp_path, env=env, processes=processes, name="faults"
    )
    fault_thread, faults = start_fault_thread(triggers, worker, redis)

    rng = random.Random(3)
    _compress_time(list(Reminder.objects.filter(status="pending")), rng, SPREAD_SECONDS)
    dispatch_started = time.monotonic()
    chosen = rng.sample(meetings, RESCHEDULE + CANCEL)
    plan = sorted(
        (rng.uniform(0, CHANGES_SECONDS), index, meeting) for index, meeting in enumerate(chosen)
    )
    changes: dict[int, Change] = {}
    for at, index, meeting in plan:
        time.sleep(max(0.0, dispatch_started + at - time.monotonic()))
        person = meeting.pair.mentee.person
        if index < RESCHEDULE:
            day = local(meeting.start, person.time_zone).date()
            meeting_reschedule(
                meeting=meeting, by=person, when=when(day, 15, 30, zone=person.time_zone), place=""
            )
            changes[meeting.pk] = Change(meeting.pk, "reschedule", time.monotonic())
            new_rows = Reminder.objects.filter(meeting=meeting, status="pending")
            _compress_time(list(new_rows), rng, 8)  # the new time's reminders fall due too
        else:
            meeting_cancel(meeting=meeting, by=person)
            changes[meeting.pk] = Change(meeting.pk, "cancel", time.monotonic())

    deadline = dispatch_started + DEADLINE_SECONDS
    unfinished = Reminder.objects.filter(status__in=["pending", "claimed"])
    while time.monotonic() < deadline and unfinished.exists():
        time.sleep(1)
    time.sleep(5)  # a few more ticks of both beats: nothing may arrive twice
    stop_run(triggers, fault_thread, worker, processes, controller)

    phases = (dispatch_started - started, time.monotonic() - dispatch_started)
    report = _report(
        inbox, changes, before, faults, phases, logs["worker"].read_text(), worker.restarts
    )
    print("\n" + report.table())  # noqa: T201 -- make faults shows it
    save_report("reminder-faults.json", report, tmp_path)

    tails = log_tails(logs)
    assert report.kills == len(KILL_AFTER_MESSAGES), tails
    assert report.pool_children_killed >= len(KILL_AFTER_MESSAGES), tails
    assert report.redis_restarts == 1, tails
    assert (report.rescheduled, report.cancelled) == (RESCHEDULE, CANCEL)
    assert not unfinished.exists(), tails
    assert report.missing == 0, report.problems
    assert report.duplicates_outside_window == 0, report.problems
    assert report.old_time_after_reschedule == 0, report.problems
    assert report.cancelled_after_cancel == 0, report.problems
    assert report.sent_as_expected == report.expected_once
