"""Reminder e-mails before meetings: the database row is the truth, Celery is the transport.

- ``reminders_plan`` runs inside the meeting write transaction (the services call it) and
  writes one row per (meeting, recipient, kind), re-planning on every change.
- ``reminders_claim_due`` marks due rows claimed (skip-locked where the database can),
  so two dispatchers never claim one row twice.
- ``reminders_send`` takes a batch of claimed rows (one Celery message) and, for each row,
  skips anything no longer true, then locks, re-checks and marks it sent in one statement,
  sends, and commits.
  Transient mail errors put the row back with a later due time (backoff lives in the row,
  never in a broker ETA); after a bounded number of attempts it fails.
- ``reminders_sweep`` returns claims nobody completed (a killed worker) to pending.

Reminders carry names, times and links, never anything said in mentoring.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import smtplib
from collections.abc import Iterator, Sequence
from typing import Any

from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format, time_format

from lib.links import absolute_url
from lib.mail import compose
from lib.outbox import (
    MAX_ATTEMPTS,
    MailSession,
    Outcome,
    backoff,
    outbox_claim_due,
    outbox_sweep,
    permanent,
)
from matching.membership import counterpart, is_member, load_members, member_ids
from matching.models import Pair
from meetings.models import Meeting, Reminder
from meetings.timezones import local_span, zone_name
from people.models import User
from people.unsubscribe import Kind, unsubscribe_headers, unsubscribe_url
from programs.models import Program

logger = logging.getLogger(__name__)


def _kind(offset_minutes: int) -> str:
    return f"before_{offset_minutes}"


def _offset(kind: str) -> int:
    return int(kind.removeprefix("before_"))


def _offsets(program: Program) -> list[int]:
    raw = program.reminder_offsets_minutes or []
    return sorted({int(minutes) for minutes in raw if int(minutes) > 0}, reverse=True)


def reminders_plan(meeting: Meeting) -> None:
    """Write or update the meeting's reminder rows, inside the meeting services' transaction.

    A cancelled or logged meeting keeps its rows as skipped; an offset already past is
    skipped, never sent at once; every other row is (re)planned for this meeting version.
    """
    now = timezone.now()
    existing = {
        (row.recipient_id, row.kind): row for row in Reminder.objects.filter(meeting=meeting)
    }
    wanted: set[tuple[int, str]] = set()
    if meeting.status == Meeting.Status.SCHEDULED and not meeting.logged:
        pair = meeting.pair
        for person_id in member_ids(pair):
            for minutes in _offsets(pair.program):
                kind = _kind(minutes)
                due_at = meeting.start - dt.timedelta(minutes=minutes)
                status = Reminder.Status.PENDING if due_at > now else Reminder.Status.SKIPPED
                wanted.add((person_id, kind))
                row = existing.get((person_id, kind))
                if row is None:
                    Reminder.objects.create(
                        meeting=meeting, recipient_id=person_id, kind=kind, due_at=due_at,
                        status=status, planned_version=meeting.version,
                    )  # fmt: skip
                    continue
                if row.planned_version == meeting.version and row.due_at == due_at:
                    continue  # nothing changed for this row (e.g. the hook ran twice)
                row.due_at, row.status, row.planned_version = due_at, status, meeting.version
                row.attempts, row.claimed_at, row.sent_at = 0, None, None
                row.save(
                    update_fields=[
                        "due_at", "status", "planned_version", "attempts", "claimed_at",
                        "sent_at",
                    ]
                )  # fmt: skip
    stale = [row.pk for key, row in existing.items() if key not in wanted]
    if stale:
        Reminder.objects.filter(
            pk__in=stale, status__in=[Reminder.Status.PENDING, Reminder.Status.CLAIMED]
        ).update(status=Reminder.Status.SKIPPED, planned_version=meeting.version)


def reminders_claim_due(*, now: dt.datetime, batch: int) -> list[int]:
    """Claim up to ``batch`` due rows, oldest first (``lib.outbox.outbox_claim_due``)."""
    return outbox_claim_due(Reminder, now=now, batch=batch)


def reminders_sweep(*, now: dt.datetime, stale_after: dt.timedelta | None = None) -> int:
    """Return claims nobody completed in time to pending; returns how many."""
    return outbox_sweep(Reminder, now=now, stale=stale_after)


def _skip_reason(reminder: Reminder, now: dt.datetime) -> str | None:
    meeting = reminder.meeting
    person = reminder.recipient
    if meeting.status != Meeting.Status.SCHEDULED or meeting.logged:
        return "cancelled"
    if reminder.planned_version != meeting.version:
        return "moved"
    if meeting.start <= now:
        return "started"
    if meeting.pair.status != Pair.Status.ACTIVE:
        return "pair ended"
    if meeting.pair.program.status == Program.Status.CLOSED:
        return "program closed"
    if not person.is_active or not person.email:
        return "inactive person"
    if not person.email_reminders:
        return "turned off"
    if not is_member(meeting.pair, person):
        return "not in pair"
    return None


def reminder_message(reminder: Reminder) -> EmailMultiAlternatives:
    """The e-mail, in the recipient's language and time zone: times and links only."""
    meeting, person = reminder.meeting, reminder.recipient

    def context() -> dict[str, object]:  # dates and zone names in the person's language
        start, end = local_span(meeting.start, meeting.end, person.time_zone)
        minutes = _offset(reminder.kind)
        return {
            "person": person,
            "other": counterpart(meeting.pair, person),
            "date": date_format(start.date()),
            "time": time_format(start.time(), "H:i"),
            "end_time": time_format(end.time(), "H:i"),
            "zone": zone_name(start, person.time_zone),
            "hours": minutes // 60,
            "minutes": minutes % 60,
            "place": meeting.place,
            "url": absolute_url("meetings:pair", pair_id=meeting.pair_id),
            "ics_url": absolute_url("meetings:ics", meeting_id=meeting.pk),
            "settings_url": absolute_url("people:email_settings"),
            "unsubscribe_url": unsubscribe_url(person_id=person.pk, kind=Kind.REMINDERS),
        }

    message = compose("meetings/email/reminder", to=person, context=context)
    message.extra_headers.update(
        {"X-Mentoring-Reminder": f"{reminder.pk}", "X-Mentoring-Attempt": f"{reminder.attempts}"}
    )
    message.extra_headers.update(unsubscribe_headers(person_id=person.pk, kind=Kind.REMINDERS))
    return message


def _load_for_sending(reminder_ids: Sequence[int]) -> list[Reminder]:
    """The rows, with everything the re-check and the e-mail read, in two or three small
    queries. One select_related over all nine tables cost PostgreSQL about 9 ms of
    planning per batch (its execution took 0.5 ms): more than the batch's own writes."""
    rows = list(
        Reminder.objects.select_related("meeting__pair__program")
        .filter(pk__in=reminder_ids)
        .order_by("pk")
    )
    people = {person.pk: person for person in load_members(row.meeting.pair for row in rows)}
    strangers = {row.recipient_id for row in rows} - people.keys()  # skipped: not in the pair
    if strangers:
        people.update(User.objects.in_bulk(strangers))
    for row in rows:
        row.recipient = people[row.recipient_id]
    return rows


def _take_attempts(
    reminder_ids: Sequence[int], now: dt.datetime
) -> tuple[dict[int, int], list[int]]:
    """Take the next attempt of every claimed row among ``reminder_ids``, in one committed
    statement (compare-and-set on the claim); returns {id: the attempt taken}.

    Rows another transaction holds are skipped, never waited for: a send under way or a
    re-plan already decides them, and a claim nobody finishes goes back through the
    sweeper. Not waiting also means a batch never deadlocks with a meeting change that
    re-plans several rows. Claimed rows whose attempts are used up fail here; their ids
    come second.
    """
    ids = sorted({int(pk) for pk in reminder_ids})
    if not ids:
        return {}, []
    table = connection.ops.quote_name(Reminder._meta.db_table)
    skip_locked = (
        " FOR UPDATE SKIP LOCKED" if connection.features.has_select_for_update_skip_locked else ""
    )
    # Only the table name and placeholders are formatted in; every value is a parameter.
    marks = ", ".join(["%s"] * len(ids))
    ours = (
        f"id IN (SELECT id FROM {table} WHERE id IN ({marks})"  # noqa: S608
        f" AND status = %s AND attempts {{}} %s ORDER BY id{skip_locked})"
    )
    claimed: list[Any] = [*ids, Reminder.Status.CLAIMED, MAX_ATTEMPTS]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET status = %s WHERE {ours.format('>=')} RETURNING id",  # noqa: S608
            [Reminder.Status.FAILED, *claimed],
        )
        exhausted = [int(pk) for (pk,) in cursor.fetchall()]
        cursor.execute(
            f"UPDATE {table} SET attempts = attempts + 1, claimed_at = %s"  # noqa: S608
            f" WHERE {ours.format('<')} RETURNING id, attempts",
            [now, *claimed],
        )
        taken = {int(pk): int(attempts) for pk, attempts in cursor.fetchall()}
    return taken, exhausted


def _ours(reminder: Reminder, attempts: int) -> QuerySet[Reminder]:
    """The row, while it is still ours: claimed, at the attempt we took, planned for the
    meeting state we read (a reschedule or cancel re-plans it)."""
    return Reminder.objects.filter(
        pk=reminder.pk,
        status=Reminder.Status.CLAIMED,
        attempts=attempts,
        planned_version=reminder.planned_version,
    )


@contextlib.contextmanager
def _sending(reminder: Reminder, attempts: int) -> Iterator[QuerySet[Reminder] | None]:
    """The transaction one send runs in. On PostgreSQL its first statement locks the row
    until the transaction ends, checks that it is still ours and marks it sent; the
    context yields the rows to write a failed send's outcome to, or None if the row is no
    longer ours. "Sent" counts only once the transaction commits, after the server
    accepted the e-mail: a worker killed before that leaves the row claimed, and nobody
    ever reads it as sent.

    While the lock is held a reschedule or cancel of the meeting (which re-plans this row)
    waits, so an e-mail for the old time is accepted before the change commits, never
    after. SQLite has one write lock for the whole database; holding it across an SMTP
    call would stall every writer, so there the check and the send are not under one lock,
    and "sent" is written after the send.
    """
    if connection.vendor != "postgresql":
        ours = _ours(reminder, attempts)
        with transaction.atomic():
            yield ours if ours.exists() else None
        return
    table = connection.ops.quote_name(Reminder._meta.db_table)
    mark = (
        f"UPDATE {table} SET status = %s, sent_at = %s WHERE id = %s"  # noqa: S608
        " AND status = %s AND attempts = %s AND planned_version = %s"
    )
    params: list[Any] = [
        Reminder.Status.SENT, timezone.now(), reminder.pk,
        Reminder.Status.CLAIMED, attempts, reminder.planned_version,
    ]  # fmt: skip
    if connection.in_atomic_block or _binds_on_server():
        # Inside a caller's transaction (tests), or where one execute cannot carry two
        # statements: Django's transaction (a savepoint inside the caller's).
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(mark, params)
            yield Reminder.objects.filter(pk=reminder.pk) if cursor.rowcount else None
        return
    # Outside any transaction (a worker), the transaction begins with the statement that
    # marks the row, in one round trip (psycopg would send BEGIN on its own first): a
    # send is then two round trips, this one and the commit.
    # Its commit does not wait for the WAL flush (for this transaction only): once COMMIT
    # returns, "sent" is visible to every session and survives this worker's death,
    # which is all the send-once rule needs, and the lock is released. What it gives up:
    # if PostgreSQL itself crashes within about 3 x wal_writer_delay after the commit, the
    # mark is lost, the row is claimed again after recovery and the sweeper sends it once
    # more (with the next attempt number): a copy, never a lost reminder. Every later
    # synchronous commit (a reschedule, the next batch's attempts) flushes it first.
    with connection.cursor() as cursor:
        cursor.execute(f"BEGIN; SET LOCAL synchronous_commit TO OFF; {mark}", params)
        while cursor.nextset():  # to the last statement's result
            pass
        try:
            yield Reminder.objects.filter(pk=reminder.pk) if cursor.rowcount else None
        except BaseException:
            cursor.execute("ROLLBACK")
            raise
        cursor.execute("COMMIT")


def _binds_on_server() -> bool:
    """Server-side binding (a database option) cannot send two statements at once."""
    return bool(connection.settings_dict.get("OPTIONS", {}).get("server_side_binding"))


def _send_taken(reminder: Reminder, attempts: int, now: dt.datetime, mail: MailSession) -> Outcome:
    """Send one row whose attempt we took: lock, check and mark, send, commit; one short
    transaction, so "sent" commits right after the server accepted this very e-mail."""
    if _skip_reason(reminder, now) is not None:
        skipped = _ours(reminder, attempts).update(status=Reminder.Status.SKIPPED)
        return Outcome.SKIPPED if skipped else Outcome.NOT_CLAIMED
    reminder.attempts = attempts
    message = reminder_message(reminder)  # before the lock: a reschedule waits less
    with _sending(reminder, attempts) as ours:
        if ours is None:
            return Outcome.NOT_CLAIMED  # the sweeper returned it, or it was re-planned
        # Which process has this attempt on the wire: if it dies before "sent" commits
        # (the server may still accept what it had written), the next attempt repeats the
        # e-mail, and this line is what ties the copies to that death.
        logger.info(
            "Reminder %s: attempt %s handed to the mail server by process %s",
            reminder.pk, attempts, os.getpid(),
        )  # fmt: skip
        try:
            mail.send(message)
        except (smtplib.SMTPException, OSError) as exc:
            if permanent(exc) or attempts >= MAX_ATTEMPTS:
                ours.update(status=Reminder.Status.FAILED, sent_at=None)
                return Outcome.FAILED
            ours.update(
                status=Reminder.Status.PENDING, claimed_at=None, sent_at=None,
                due_at=now + backoff(attempts),
            )  # fmt: skip
            # If the server did accept but its answer never came (a timeout), the next
            # attempt repeats the e-mail: operators can match the copies by this line.
            logger.warning(
                "Reminder %s: attempt %s not confirmed by the mail server (%r); trying again",
                reminder.pk, attempts, exc,
            )  # fmt: skip
            return Outcome.RETRY
        if connection.vendor != "postgresql":
            ours.update(status=Reminder.Status.SENT, sent_at=timezone.now())
    return Outcome.SENT


def reminders_send(
    reminder_ids: Sequence[int], *, now: dt.datetime | None = None
) -> dict[int, Outcome]:
    """Send a batch of claimed reminders, each once; every outcome is written to its row.

    First the attempts of the whole batch are taken in one committed compare-and-set, so a
    second delivery of the same batch loses, and a worker killed from then on leaves
    claims that the redelivered message or the sweeper takes again with the next attempt.
    Then each row on its own: locked, re-checked, sent over the batch's SMTP connection and
    marked, in one short transaction. The only way to a second e-mail is a worker that dies
    between the SMTP server accepting a message and the commit of its "sent"; the copies'
    ``X-Mentoring-Attempt`` headers then differ.
    """
    now = now or timezone.now()
    outcomes = dict.fromkeys((int(pk) for pk in reminder_ids), Outcome.NOT_CLAIMED)
    taken, exhausted = _take_attempts(list(outcomes), now)
    outcomes.update(dict.fromkeys(exhausted, Outcome.FAILED))
    rows = _load_for_sending(list(taken))
    mail = MailSession()
    try:
        for reminder in rows:
            try:
                outcomes[reminder.pk] = _send_taken(reminder, taken[reminder.pk], now, mail)
            except Exception:
                # One row's surprise must not hold back the rest of its batch: this row
                # keeps its claim, the sweeper returns it, and its attempts stay bounded.
                logger.exception("Reminder %s: sending failed unexpectedly", reminder.pk)
                outcomes[reminder.pk] = Outcome.ERROR
    finally:
        mail.close()
    return outcomes


def reminder_send(reminder_id: int, *, now: dt.datetime | None = None) -> Outcome:
    """Send one claimed reminder once (a batch of one; see ``reminders_send``)."""
    return reminders_send([reminder_id], now=now)[reminder_id]


def reminders_failed_count() -> int:
    """For operators: reminders that gave up after their attempts."""
    return Reminder.objects.filter(status=Reminder.Status.FAILED).count()
