"""The fault test of the retention: session content past its program's period is deleted
for real, nothing else is touched, and every due notice reaches each member once, when
the parts around the nightly task fail.

``make faults`` runs it (CI too), on PostgreSQL, beside the outbox and reminder fault
tests whose parts it shares (``tests/integration/faults.py``). A world of ended pairs:
``PAST`` whose content is past its period and whose notice is older than 30 days (to
delete; their meeting times too, once the journal's run took the content), ``NOTICE``
whose content is due within 30 days (a notice to each member, 2 x ``NOTICE`` e-mails) and
``INSIDE`` well inside the period. A real prefork worker (4 processes) under a supervisor
and two beat processes, each running ``journal.retention_run`` and
``meetings.retention_run`` every two seconds (two runs at once, as two beats would) and
the outbox dispatch every second, against a redis-server of this test's own. While the
notices go out, the test kills every pool child of the worker with SIGKILL, by PID,
several times right after the SMTP server accepted a message, and restarts its
redis-server once. A notice's e-mails go out in the same run that plans them, so the
kills land in the middle of retention runs.

Then it reports and asserts: every past item deleted (its rows gone), nothing inside its
period touched, each notice row sent, arrived once (a second copy only from the window a
kill left between the server's acceptance and the commit of "sent"), none left pending or
claimed; the audit log's retention records claim exactly the deletions that happened.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import re
import subprocess
import time
from collections import defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path

from aiosmtpd.controller import Controller
from django.utils import timezone

from audit.models import Action, AuditEvent
from journal.models import PrivateNote, PurgedPair, RetentionMail, RetentionNotice, SharedNote
from matching.models import Pair
from matching.retention import months_before
from meetings.models import Meeting
from programs.models import Program
from tests.factories import UserFactory
from tests.integration.faults import (
    WORKER_ENV,
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
from tests.integration.support import celery_env, free_port
from tests.meetings.factories import make_pair

pytestmark = fault_test_marks()
PAST, NOTICE, INSIDE = 40, 60, 15
KILL_AFTER_MESSAGES = (12, 45, 95)
REDIS_RESTART_AFTER = 70
DEADLINE_SECONDS = 75
RETENTION_ENV = {"MENTORING_RETENTION_SECONDS": "2", "MENTORING_REMINDER_STALE_SECONDS": "8"}
LABEL = "Retention notice"
_HANDED = re.compile(rf"{LABEL} (\d+): attempt (\d+) handed to the mail server by process (\d+)")
_RETRIED = re.compile(rf"{LABEL} (\d+): attempt (\d+) not confirmed by the mail server")


@dataclass(frozen=True)
class World:
    past: list[int]
    notice: list[int]
    inside: list[int]


def _pairs(count: int, ended: dt.datetime) -> list[int]:
    """Ended pairs with a meeting, its shared note and each member's private note."""
    ids = []
    for _ in range(count):
        pair = make_pair(UserFactory(), UserFactory())
        start = ended - dt.timedelta(days=7)
        meeting = Meeting.objects.create(pair=pair, start=start, end=start + dt.timedelta(hours=1))
        SharedNote.objects.create(meeting=meeting, text=f"shared {pair.pk}")
        for enrolment in (pair.mentee, pair.mentor):
            PrivateNote.objects.create(
                meeting=meeting, author_id=enrolment.person_id, text=f"private {pair.pk}"
            )
        ids.append(pair.pk)
    Pair.objects.filter(pk__in=ids).update(status=Pair.Status.ENDED, ended_at=ended)
    return ids


def _world() -> World:
    now = timezone.now()
    world = World(
        past=_pairs(PAST, now - dt.timedelta(days=400)),
        notice=_pairs(NOTICE, months_before(now, 3) + dt.timedelta(days=10)),
        inside=_pairs(INSIDE, now - dt.timedelta(days=20)),
    )
    Program.objects.update(journal_retention_months=3, meeting_retention_months=12)
    # The past pairs were told 40 days ago (their e-mails went then).
    RetentionNotice.objects.bulk_create(
        RetentionNotice(
            pair_id=pk,
            noticed_at=now - dt.timedelta(days=40),
            deletes_after=now - dt.timedelta(days=10),
        )
        for pk in world.past
    )
    return world


@dataclass
class Report:
    notice_rows: int
    emails_accepted: int
    sent_rows: int
    missing: int
    duplicates_in_window: int
    duplicates_outside_window: int
    unfinished_rows: int
    pairs_purged: int
    past_content_left: int
    inside_content_deleted: int
    audit_pairs_claimed: int
    audit_private_notes_claimed: int
    audit_meetings_claimed: int
    meetings_deleted: int
    kills: int
    redis_restarts: int
    worker_restarts: int
    seconds: float
    problems: list[str]

    def table(self) -> str:
        width = max(len(name) for name in asdict(self))
        lines = [f"  {name:<{width}}  {value}" for name, value in asdict(self).items()]
        return "Retention fault test (deletions and notices)\n" + "\n".join(lines[:-1])


def _report(inbox, faults, worker_log: str, world: World, restarts: int, seconds: float) -> Report:  # type: ignore[no-untyped-def]
    rows = {row.pk: row for row in RetentionMail.objects.all()}
    copies: dict[int, list[tuple[float, int]]] = defaultdict(list)
    with inbox.lock:
        accepted = list(zip(inbox.accepted_at, inbox.messages, strict=True))
    for at, message in accepted:
        label, pk = str(message["X-Mentoring-Outbox"]).rsplit(":", 1)
        assert label == LABEL, label
        copies[int(pk)].append((at, int(message["X-Mentoring-Attempt"])))
    problems: list[str] = []
    sent = {pk for pk, row in rows.items() if row.status == "sent"}
    missing = (sent - copies.keys()) | (copies.keys() - sent)
    problems += [f"row {pk}: sent and arrived disagree" for pk in sorted(missing)]
    unfinished = [pk for pk, row in rows.items() if row.status in ("pending", "claimed")]
    problems += [f"row {pk} was left {rows[pk].status}" for pk in unfinished]

    senders: dict[tuple[int, int], set[int]] = defaultdict(set)
    for pk, attempt, pid in _HANDED.findall(worker_log):
        senders[(int(pk), int(attempt))].add(int(pid))
    retried = {(int(pk), int(a)) for pk, a in _RETRIED.findall(worker_log)}
    killed_at = kill_times(faults)
    in_window = outside = 0
    for pk, got in copies.items():
        got.sort()
        for (_at, first), (then_at, then) in itertools.pairwise(got):
            killed = any(
                pid in killed_at and killed_at[pid] <= then_at
                for pid in senders.get((pk, first), ())
            )
            if first != then and (killed or (pk, first) in retried):
                in_window += 1
            else:
                outside += 1
                problems.append(f"row {pk} arrived again (attempts {first}, {then}), unexplained")

    journal_runs = AuditEvent.objects.filter(action=Action.RETENTION_RUN, target_type="journal")
    meeting_runs = AuditEvent.objects.filter(action=Action.RETENTION_RUN, target_type="meetings")
    left = set(PrivateNote.objects.values_list("meeting__pair_id", flat=True)) | set(
        SharedNote.objects.values_list("meeting__pair_id", flat=True)
    )
    kept = [*world.notice, *world.inside]
    return Report(
        notice_rows=len(rows),
        emails_accepted=len(accepted),
        sent_rows=len(sent),
        missing=len(missing),
        duplicates_in_window=in_window,
        duplicates_outside_window=outside,
        unfinished_rows=len(unfinished),
        pairs_purged=PurgedPair.objects.count(),
        past_content_left=len(left & set(world.past)),
        inside_content_deleted=len(set(kept) - left),
        audit_pairs_claimed=sum(e.details["pairs"] for e in journal_runs),
        audit_private_notes_claimed=sum(
            e.details["deleted"]["private_notes"] for e in journal_runs
        ),
        audit_meetings_claimed=sum(e.details["meetings"] for e in meeting_runs),
        meetings_deleted=PAST - Meeting.objects.filter(pair_id__in=world.past).count(),
        kills=len(faults.kills),
        redis_restarts=len(faults.redis_restarts),
        worker_restarts=restarts,
        seconds=round(seconds, 1),
        problems=problems[:20],
    )


def test_retention_deletes_once_and_notices_once_despite_killed_workers_and_a_restarted_broker(
    owned: dict[str, object], tmp_path: Path
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
    private_before = PrivateNote.objects.count()

    env = celery_env(broker_url=redis.url, smtp_port=smtp_port, **{**WORKER_ENV, **RETENTION_ENV})
    started = time.monotonic()
    worker, logs = start_worker_and_beats(
        tmp_path=tmp_path, env=env, processes=processes, name="retention-faults"
    )
    fault_thread, faults = start_fault_thread(triggers, worker, redis)

    def done() -> bool:
        return (
            RetentionMail.objects.filter(status="sent").count() == 2 * NOTICE
            and PurgedPair.objects.count() == PAST
            and not Meeting.objects.filter(pair_id__in=world.past).exists()
        )

    while time.monotonic() < started + DEADLINE_SECONDS and not done():
        time.sleep(1)
    time.sleep(5)  # a few more runs of both beats: nothing may be done twice
    stop_run(triggers, fault_thread, worker, processes, controller)

    report = _report(
        inbox, faults, logs["worker"].read_text(), world, worker.restarts,
        time.monotonic() - started,
    )  # fmt: skip
    print("\n" + report.table())  # noqa: T201 -- make faults shows it
    save_report("retention-faults.json", report, tmp_path)

    tails = log_tails(logs)
    assert report.kills == len(KILL_AFTER_MESSAGES), tails
    assert report.redis_restarts == 1, tails
    assert report.notice_rows == 2 * NOTICE, report
    assert report.unfinished_rows == 0, report.problems
    assert report.missing == 0, report.problems
    assert report.sent_rows == 2 * NOTICE, report
    assert report.duplicates_outside_window == 0, report.problems
    # Real DELETEs of everything past its period, nothing else.
    assert report.pairs_purged == PAST, report
    assert report.past_content_left == 0, report
    assert report.inside_content_deleted == 0, report
    assert PrivateNote.objects.count() == private_before - 2 * PAST
    assert set(PurgedPair.objects.values_list("pair_id", flat=True)) == set(world.past)
    # The audit log claims exactly what happened, never a batch twice.
    assert report.audit_pairs_claimed == PAST, report
    assert report.audit_private_notes_claimed == 2 * PAST, report
    assert report.meetings_deleted == PAST
    assert report.audit_meetings_claimed == PAST, report
    assert Meeting.objects.filter(pair_id__in=[*world.notice, *world.inside]).count() == (
        NOTICE + INSIDE
    )
