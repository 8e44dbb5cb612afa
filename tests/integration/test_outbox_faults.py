"""The fault test of the other *when due* e-mails: nudges, HR digests and request reminders
are neither lost nor repeated when the parts around them fail.

``make faults`` runs it (CI too), on PostgreSQL, beside the reminder fault test whose parts
it shares (``tests/integration/faults.py``). 150 quiet pairs (a nudge to each member), 100
requests left unanswered half-way to their expiry (a reminder to each mentor) and 40 HR
admins (this week's digest): 440 e-mails, planned by the real planning functions and due
over the next ~20 seconds. A real prefork worker (4 processes) under a supervisor, two
beat processes whose delivery ticks every second, and a redis-server of this test's own
are running. While the e-mails go out, the test

- kills every pool child of the worker with SIGKILL, by PID, several times, each time right
  after the SMTP server accepted a message, so some kills land between the acceptance and
  the commit of "sent";
- stops its redis-server (SIGTERM, by PID) and starts it again on the same port;
- books a meeting for 20 of the quiet pairs and answers 20 of the requests, through the
  real services, so that their e-mails are no longer wanted.

Then it reports, per row: sent, missing and duplicated, and asserts: nothing wanted is
missing; no duplicate except one from the window between the SMTP server accepting the
first copy and the commit of "sent" (the copies' ``X-Mentoring-Attempt`` differ, and the
process the worker logged handing the first attempt to the mail server was killed before
the second copy arrived, or the worker logged that the server's answer never came); every
row ends sent, skipped or failed-never: none left pending or claimed.
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
from pathlib import Path

from aiosmtpd.controller import Controller
from django.utils import timezone

from hr_view.digest import digest_plan
from matching.models import MentorshipRequest, Pair, RequestReminder
from matching.services import request_decline
from matching.upkeep import request_reminders_plan
from meetings.models import DigestMail, NudgeMail
from meetings.nudges import nudges_plan
from meetings.services import meeting_schedule
from programs.models import Program
from tests.factories import UserFactory, make_hr_admin
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
from tests.programs.factories import ProgramFactory, enrol

pytestmark = fault_test_marks()
QUIET_PAIRS, REQUESTS, HR_ADMINS = 150, 100, 40
BOOKED, ANSWERED = 20, 20
SPREAD_SECONDS = 20
KILL_AFTER_MESSAGES = (40, 120, 230, 340)
REDIS_RESTART_AFTER = 180
DEADLINE_SECONDS = 150
BOXES = {
    "Nudge e-mail": NudgeMail,
    "Digest e-mail": DigestMail,
    "Request reminder": RequestReminder,
}


@dataclass(frozen=True)
class World:
    quiet: list[Pair]
    requests: list[MentorshipRequest]


def _world() -> World:
    quiet = [make_pair(UserFactory(), UserFactory()) for _ in range(QUIET_PAIRS)]
    Pair.objects.filter(pk__in=[p.pk for p in quiet]).update(
        started_at=timezone.now() - dt.timedelta(days=20)
    )
    Program.objects.filter(pk__in=[p.program_id for p in quiet]).update(nudge_after_days=14)
    choice = ProgramFactory(matching_mode=Program.MatchingMode.CHOICE, request_expiry_days=8)
    asked = timezone.now() - dt.timedelta(days=5)
    requests = [
        MentorshipRequest.objects.create(
            program=choice,
            mentee=enrol(choice, UserFactory()),
            mentor=enrol(choice, UserFactory(), role="mentor"),
            expires_at=asked + dt.timedelta(days=8),
        )
        for _ in range(REQUESTS)
    ]
    MentorshipRequest.objects.filter(pk__in=[r.pk for r in requests]).update(created_at=asked)
    for _ in range(HR_ADMINS):
        make_hr_admin(UserFactory())
    return World(quiet, requests)


def _plan_due_soon(rng: random.Random) -> int:
    """Plan every e-mail through the real planning functions, then spread their due times
    over the next ``SPREAD_SECONDS`` (planning makes them due at once)."""
    now = timezone.now()
    planned = nudges_plan(now=now), request_reminders_plan(now=now), digest_plan(now=now)
    for model, ids in zip((NudgeMail, RequestReminder, DigestMail), planned, strict=True):
        rows = list(model.objects.filter(pk__in=ids))
        for row in rows:
            row.due_at = now + dt.timedelta(seconds=2 + rng.uniform(0, SPREAD_SECONDS))
        model.objects.bulk_update(rows, ["due_at"])
    return sum(len(ids) for ids in planned)


def _change_the_world(world: World, rng: random.Random) -> None:
    """Book a meeting for some quiet pairs and decline some requests, spread over the
    delivery: their rows are skipped if not yet sent."""
    booked = rng.sample(world.quiet, BOOKED)
    answered = rng.sample(world.requests, ANSWERED)
    day = timezone.localdate() + dt.timedelta(days=3)
    for pair, request in zip(booked, answered, strict=True):
        time.sleep(rng.uniform(0, 2 * SPREAD_SECONDS / BOOKED))
        person = pair.mentee.person
        meeting_schedule(pair=pair, organiser=person, when=when(day, 10, 0, zone=person.time_zone))
        request_decline(request=request, reason="")


# ---------------------------------------------------------------- the report


@dataclass
class Report:
    rows: int
    emails_accepted: int
    sent_rows: int
    skipped_rows: int
    missing: int
    duplicates_in_window: int
    duplicates_outside_window: int
    unfinished_rows: int
    kills: int
    pool_children_killed: int
    redis_restarts: int
    worker_restarts: int
    rows_needing_several_attempts: int
    dispatch_seconds: float
    problems: list[str]

    def table(self) -> str:
        width = max(len(name) for name in asdict(self))
        lines = [f"  {name:<{width}}  {value}" for name, value in asdict(self).items()]
        return "Outbox fault test (nudges, digests, request reminders)\n" + "\n".join(lines[:-1])


_LABEL = "|".join(re.escape(label) for label in BOXES)
_HANDED = re.compile(rf"({_LABEL}) (\d+): attempt (\d+) handed to the mail server by process (\d+)")
_RETRIED = re.compile(rf"({_LABEL}) (\d+): attempt (\d+) not confirmed by the mail server")

Key = tuple[str, int]  # (label, row id)


def _senders(worker_log: str) -> dict[tuple[Key, int], set[int]]:
    senders: dict[tuple[Key, int], set[int]] = defaultdict(set)
    for label, pk, attempt, pid in _HANDED.findall(worker_log):
        senders[((label, int(pk)), int(attempt))].add(int(pid))
    return senders


def _report(inbox: Inbox, faults: Faults, worker_log: str, restarts: int, seconds: float) -> Report:
    rows = {(label, row.pk): row for label, model in BOXES.items() for row in model.objects.all()}
    copies: dict[Key, list[tuple[float, int]]] = defaultdict(list)
    with inbox.lock:
        accepted = list(zip(inbox.accepted_at, inbox.messages, strict=True))
    for at, message in accepted:
        label, pk = str(message["X-Mentoring-Outbox"]).rsplit(":", 1)
        copies[(label, int(pk))].append((at, int(message["X-Mentoring-Attempt"])))
    problems: list[str] = []
    sent = {key for key, row in rows.items() if row.status == "sent"}
    missing = sent - copies.keys()  # marked sent, never accepted
    problems += [f"{label} {pk} is marked sent but never arrived" for label, pk in missing]
    not_sent = copies.keys() - sent
    problems += [f"{label} {pk} arrived but is not marked sent" for label, pk in not_sent]
    unfinished = [key for key, row in rows.items() if row.status in ("pending", "claimed")]
    problems += [f"{label} {pk} was left {rows[(label, pk)].status}" for label, pk in unfinished]

    senders, killed_at = _senders(worker_log), kill_times(faults)
    retried = {((label, int(pk)), int(a)) for label, pk, a in _RETRIED.findall(worker_log)}
    in_window = outside = 0
    for key, got in copies.items():
        got.sort()
        for (_first_at, first), (then_at, then) in itertools.pairwise(got):
            sender_killed = any(
                pid in killed_at and killed_at[pid] <= then_at
                for pid in senders.get((key, first), ())
            )
            if first != then and (sender_killed or (key, first) in retried):
                in_window += 1
            else:
                outside += 1
                problems.append(f"{key} arrived again (attempts {first} and {then}), unexplained")
    return Report(
        rows=len(rows),
        emails_accepted=len(accepted),
        sent_rows=len(sent),
        skipped_rows=sum(1 for row in rows.values() if row.status == "skipped"),
        missing=len(missing) + len(not_sent),
        duplicates_in_window=in_window,
        duplicates_outside_window=outside,
        unfinished_rows=len(unfinished),
        kills=len(faults.kills),
        pool_children_killed=sum(len(pids) for _at, pids in faults.kills),
        redis_restarts=len(faults.redis_restarts),
        worker_restarts=restarts,
        rows_needing_several_attempts=sum(1 for row in rows.values() if row.attempts > 1),
        dispatch_seconds=round(seconds, 1),
        problems=problems[:20],
    )


# ---------------------------------------------------------------- the test


def test_nudges_digests_and_request_reminders_survive_killed_workers_and_a_restarted_broker(
    owned: dict[str, object], tmp_path: Path, no_invitation_tasks: None
) -> None:
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    inbox, triggers = fault_inbox(KILL_AFTER_MESSAGES, REDIS_RESTART_AFTER)
    smtp_port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    redis: RedisServer = owned["redis"]  # type: ignore[assignment]
    redis.start()
    processes: list[subprocess.Popen[bytes]] = owned["processes"]  # type: ignore[assignment]
    world = _world()

    env = celery_env(broker_url=redis.url, smtp_port=smtp_port, **WORKER_ENV)
    worker, logs = start_worker_and_beats(
        tmp_path=tmp_path, env=env, processes=processes, name="outbox-faults"
    )
    fault_thread, faults = start_fault_thread(triggers, worker, redis)

    rng = random.Random(5)
    planned = _plan_due_soon(rng)
    assert planned == 2 * QUIET_PAIRS + REQUESTS + HR_ADMINS
    started = time.monotonic()
    _change_the_world(world, rng)

    unfinished = [m.objects.filter(status__in=["pending", "claimed"]) for m in BOXES.values()]
    while time.monotonic() < started + DEADLINE_SECONDS and any(q.exists() for q in unfinished):
        time.sleep(1)
    time.sleep(5)  # a few more ticks of both beats: nothing may arrive twice
    stop_run(triggers, fault_thread, worker, processes, controller)

    report = _report(
        inbox, faults, logs["worker"].read_text(), worker.restarts, time.monotonic() - started
    )
    print("\n" + report.table())  # noqa: T201 -- make faults shows it
    save_report("outbox-faults.json", report, tmp_path)

    tails = log_tails(logs)
    assert report.kills == len(KILL_AFTER_MESSAGES), tails
    assert report.redis_restarts == 1, tails
    assert report.unfinished_rows == 0, report.problems
    assert report.missing == 0, report.problems
    assert report.duplicates_outside_window == 0, report.problems
    # Booked pairs and declined requests: what was not yet sent was skipped, and at least
    # the e-mails of everything left alone went out.
    assert report.skipped_rows > 0
    wanted = 2 * (QUIET_PAIRS - BOOKED) + (REQUESTS - ANSWERED) + HR_ADMINS
    assert report.sent_rows >= wanted, report
