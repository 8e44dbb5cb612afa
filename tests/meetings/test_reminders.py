"""Reminder outbox: planning with the meeting change, claiming, sending, skipping, sweeping."""

from __future__ import annotations

import datetime as dt
import re
import smtplib
import zoneinfo
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from lib import outbox
from matching.models import Pair
from meetings import reminders
from meetings.models import Meeting, Reminder
from meetings.reminders import (
    MAX_ATTEMPTS,
    Outcome,
    reminder_send,
    reminders_claim_due,
    reminders_plan,
    reminders_sweep,
)
from meetings.services import meeting_cancel, meeting_log, meeting_reschedule, meeting_schedule
from meetings.tasks_reminders import dispatch_reminders
from people.models import User
from programs.models import Program
from tests.integration.support import Inbox, smtp_server
from tests.mail import assert_mail_lacks
from tests.meetings.factories import make_pair, when

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def no_broker(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, tuple[Any, ...]]]:
    """Tasks are recorded, not sent to a broker: these tests call the services directly."""
    calls: list[tuple[str, tuple[Any, ...]]] = []
    from meetings import tasks, tasks_reminders

    monkeypatch.setattr(
        tasks.send_meeting_update, "delay_on_commit", lambda *a: calls.append(("update", a))
    )
    monkeypatch.setattr(
        tasks_reminders.send_reminder, "delay_on_commit", lambda *a: calls.append(("send", a))
    )
    monkeypatch.setattr(
        tasks_reminders.send_reminders, "delay_on_commit", lambda *a: calls.append(("batch", a))
    )
    return calls


@pytest.fixture
def pair(mentee: User, mentor: User) -> Pair:
    mentee.time_zone, mentor.time_zone = "Europe/Berlin", "America/New_York"
    mentor.language = "de"
    mentee.save()
    mentor.save()
    return make_pair(mentee, mentor)


def _book(pair: Pair, *, hours_ahead: float, zone: str = "Europe/Berlin") -> Meeting:
    """A meeting starting ``hours_ahead`` from now (rounded to the minute)."""
    start = timezone.now() + dt.timedelta(hours=hours_ahead)
    start = start.replace(second=0, microsecond=0) + dt.timedelta(minutes=1)
    local_start = start.astimezone(zoneinfo.ZoneInfo(zone))
    [meeting] = meeting_schedule(
        pair=pair,
        organiser=pair.mentee.person,
        when=when(local_start.date(), local_start.hour, local_start.minute, zone=zone),
    )
    return meeting


def _rows(meeting: Meeting) -> dict[tuple[int, str], Reminder]:
    return {(r.recipient_id, r.kind): r for r in Reminder.objects.filter(meeting=meeting)}


def _claim_all() -> list[int]:
    return reminders_claim_due(now=timezone.now() + dt.timedelta(days=400), batch=1000)


# ---------------------------------------------------------------- planning


def test_booking_writes_one_row_per_person_and_offset_in_the_same_transaction(pair: Pair) -> None:
    meeting = _book(pair, hours_ahead=72)
    rows = _rows(meeting)
    people = {pair.mentee.person_id, pair.mentor.person_id}
    assert set(rows) == {(p, k) for p in people for k in ("before_1440", "before_60")}
    for (_person, kind), row in rows.items():
        minutes = int(kind.removeprefix("before_"))
        assert row.status == Reminder.Status.PENDING
        assert row.due_at == meeting.start - dt.timedelta(minutes=minutes)
        assert row.planned_version == meeting.version == 0


def test_a_failed_booking_leaves_no_reminder_rows(pair: Pair) -> None:
    start = timezone.now() + dt.timedelta(days=3)

    def book_then_fail() -> None:
        with transaction.atomic():
            end = start + dt.timedelta(hours=1)
            meeting = Meeting.objects.create(pair=pair, start=start, end=end)
            reminders_plan(meeting)
            assert Reminder.objects.count() == 4
            raise RuntimeError

    with pytest.raises(RuntimeError):
        book_then_fail()

    assert Reminder.objects.count() == 0


def test_an_offset_already_past_is_skipped_never_sent_at_once(pair: Pair) -> None:
    meeting = _book(pair, hours_ahead=5)
    statuses = {kind: row.status for (_p, kind), row in _rows(meeting).items()}
    assert statuses == {
        "before_1440": Reminder.Status.SKIPPED,
        "before_60": Reminder.Status.PENDING,
    }
    claimed = _claim_all()
    assert {Reminder.objects.get(pk=pk).kind for pk in claimed} == {"before_60"}


def test_offsets_come_from_the_program(pair: Pair) -> None:
    Program.objects.filter(pk=pair.program_id).update(reminder_offsets_minutes=[30])
    pair.program.refresh_from_db()
    meeting = _book(pair, hours_ahead=48)
    assert {kind for _p, kind in _rows(meeting)} == {"before_30"}


def test_the_database_refuses_a_second_row_for_the_same_kind(pair: Pair) -> None:
    meeting = _book(pair, hours_ahead=48)
    row = Reminder.objects.filter(meeting=meeting).first()
    assert row is not None
    with pytest.raises(IntegrityError), transaction.atomic():
        Reminder.objects.create(
            meeting=meeting, recipient_id=row.recipient_id, kind=row.kind, due_at=row.due_at
        )


def test_rescheduling_replans_the_same_rows_for_the_new_version(pair: Pair) -> None:
    meeting = _book(pair, hours_ahead=72)
    before = {key: row.pk for key, row in _rows(meeting).items()}
    Reminder.objects.filter(meeting=meeting).update(status=Reminder.Status.SENT)
    later = timezone.localdate() + dt.timedelta(days=10)
    [moved] = meeting_reschedule(
        meeting=meeting, by=pair.mentor.person, when=when(later, 9), place=""
    )
    rows = _rows(moved)
    assert {key: row.pk for key, row in rows.items()} == before  # updated, not duplicated
    for (_p, kind), row in rows.items():
        minutes = int(kind.removeprefix("before_"))
        assert row.planned_version == moved.version == 1
        assert row.status == Reminder.Status.PENDING
        assert row.due_at == moved.start - dt.timedelta(minutes=minutes)


def test_cancelling_skips_every_waiting_row(pair: Pair) -> None:
    meeting = _book(pair, hours_ahead=72)
    meeting_cancel(meeting=meeting, by=pair.mentee.person)
    assert {row.status for row in _rows(meeting).values()} == {Reminder.Status.SKIPPED}
    assert _claim_all() == []


def test_a_logged_meeting_gets_no_reminders(pair: Pair) -> None:
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    meeting_log(pair=pair, by=pair.mentee.person, when=when(yesterday, 10))
    assert Reminder.objects.count() == 0


def test_ending_the_pair_skips_its_reminders(pair: Pair) -> None:
    from matching.events import PairEnded
    from meetings.services import meetings_cancel_for_ended_pair

    meeting = _book(pair, hours_ahead=72)
    meetings_cancel_for_ended_pair(PairEnded(pair=pair))
    assert {row.status for row in _rows(meeting).values()} == {Reminder.Status.SKIPPED}


# ---------------------------------------------------------------- dispatch


def test_dispatch_claims_only_due_rows(pair: Pair) -> None:
    meeting = _book(pair, hours_ahead=72)
    now = meeting.start - dt.timedelta(minutes=1000)  # the 24-hour reminders are due
    claimed = reminders_claim_due(now=now, batch=100)
    assert {Reminder.objects.get(pk=pk).kind for pk in claimed} == {"before_1440"}
    assert len(claimed) == 2
    assert {r.status for r in Reminder.objects.filter(pk__in=claimed)} == {"claimed"}


def test_two_dispatches_claim_each_row_once(pair: Pair) -> None:
    for hours in (30, 40, 50):
        _book(pair, hours_ahead=hours)
    first = reminders_claim_due(now=timezone.now() + dt.timedelta(days=5), batch=4)
    second = reminders_claim_due(now=timezone.now() + dt.timedelta(days=5), batch=100)
    third = reminders_claim_due(now=timezone.now() + dt.timedelta(days=5), batch=100)
    assert len(first) == 4
    assert len(second) == 8
    assert third == []
    assert not set(first) & set(second)


def test_the_dispatch_task_enqueues_one_message_per_batch_of_claimed_rows(
    pair: Pair, no_broker: list[tuple[str, tuple[Any, ...]]], monkeypatch: pytest.MonkeyPatch
) -> None:
    from meetings import tasks_reminders

    monkeypatch.setattr(tasks_reminders, "SEND_BATCH", 3)
    meeting = _book(pair, hours_ahead=72)
    Reminder.objects.filter(meeting=meeting).update(due_at=timezone.now() - dt.timedelta(minutes=1))
    no_broker.clear()
    assert dispatch_reminders() == 4
    assert dispatch_reminders() == 0
    batches = [args[0] for name, args in no_broker if name == "batch"]
    assert [len(batch) for batch in batches] == [3, 1]
    assert sorted(pk for batch in batches for pk in batch) == sorted(
        Reminder.objects.filter(meeting=meeting).values_list("pk", flat=True)
    )
    assert [name for name, _args in no_broker] == ["batch", "batch"]


# ---------------------------------------------------------------- send


def _due_now(meeting: Meeting) -> list[int]:
    Reminder.objects.filter(meeting=meeting, status="pending").update(
        due_at=timezone.now() - dt.timedelta(seconds=1)
    )
    return reminders_claim_due(now=timezone.now(), batch=100)


def test_send_mails_each_person_once_in_their_zone_and_language(pair: Pair) -> None:
    meeting = _book(pair, hours_ahead=72, zone="Europe/Berlin")
    mail.outbox.clear()
    ids = _due_now(meeting)
    assert [reminder_send(pk) for pk in ids] == [Outcome.SENT] * 4
    assert [reminder_send(pk) for pk in ids] == [Outcome.NOT_CLAIMED] * 4  # a redelivery
    assert len(mail.outbox) == 4
    assert {r.status for r in Reminder.objects.all()} == {"sent"}
    berlin = meeting.start.astimezone(zoneinfo.ZoneInfo("Europe/Berlin"))
    new_york = meeting.start.astimezone(zoneinfo.ZoneInfo("America/New_York"))
    for message in mail.outbox:
        person = pair.mentee.person if message.to == [pair.mentee.person.email] else None
        body = str(message.body)
        assert isinstance(message, mail.EmailMultiAlternatives)
        html = str(message.alternatives[0][0])
        url = f"/meetings/pairs/{pair.pk}/"
        assert url in body
        assert url in html
        assert f"/meetings/{meeting.pk}/invite.ics" in body
        if person is not None:
            assert berlin.strftime("%H:%M") in body
            assert "Europe/Berlin" in body
            assert "reminder" in message.subject.lower()
        else:
            assert message.to == [pair.mentor.person.email]
            assert new_york.strftime("%H:%M") in body
            assert "America/New_York" in body


def test_a_second_delivery_of_one_claim_sends_once(pair: Pair) -> None:
    meeting = _book(pair, hours_ahead=72)
    [first, *_] = _due_now(meeting)
    mail.outbox.clear()
    outcomes = [reminder_send(first), reminder_send(first)]
    assert outcomes == [Outcome.SENT, Outcome.NOT_CLAIMED]
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    "change",
    [
        "cancelled",
        "moved",
        "pair ended",
        "program closed",
        "inactive person",
        "started",
        "turned off",
    ],
)
def test_send_skips_what_is_no_longer_true(pair: Pair, change: str) -> None:
    meeting = _book(pair, hours_ahead=72)
    ids = _due_now(meeting)
    if change == "cancelled":
        Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.CANCELLED)
    elif change == "moved":
        Meeting.objects.filter(pk=meeting.pk).update(version=7)
    elif change == "pair ended":
        Pair.objects.filter(pk=pair.pk).update(status=Pair.Status.ENDED)
    elif change == "program closed":
        Program.objects.filter(pk=pair.program_id).update(status=Program.Status.CLOSED)
    elif change == "inactive person":
        User.objects.filter(pk__in=[pair.mentee.person_id, pair.mentor.person_id]).update(
            is_active=False
        )
    elif change == "turned off":
        User.objects.filter(pk__in=[pair.mentee.person_id, pair.mentor.person_id]).update(
            email_reminders=False
        )
    elif change == "started":
        Meeting.objects.filter(pk=meeting.pk).update(
            start=timezone.now() - dt.timedelta(minutes=1),
            end=timezone.now() + dt.timedelta(minutes=59),
        )
    mail.outbox.clear()
    assert {reminder_send(pk) for pk in ids} == {Outcome.SKIPPED}
    assert mail.outbox == []
    assert {r.status for r in Reminder.objects.filter(pk__in=ids)} == {"skipped"}


def test_a_reschedule_while_claimed_sends_nothing_for_the_old_time(pair: Pair) -> None:
    meeting = _book(pair, hours_ahead=72)
    ids = _due_now(meeting)
    later = timezone.localdate() + dt.timedelta(days=10)
    meeting_reschedule(meeting=meeting, by=pair.mentee.person, when=when(later, 9), place="")
    mail.outbox.clear()
    assert {reminder_send(pk) for pk in ids} == {Outcome.NOT_CLAIMED}
    assert mail.outbox == []
    assert {r.status for r in Reminder.objects.filter(pk__in=ids)} == {"pending"}


class _Flaky:
    def __init__(self, exc: Exception) -> None:
        self.exc = exc

    def __call__(self, *args: object, **kwargs: object) -> int:
        raise self.exc


def test_a_transient_smtp_error_puts_the_row_back_for_later(
    pair: Pair, monkeypatch: pytest.MonkeyPatch
) -> None:
    meeting = _book(pair, hours_ahead=72)
    [pk, *_] = _due_now(meeting)
    monkeypatch.setattr(
        "django.core.mail.backends.locmem.EmailBackend.send_messages",
        _Flaky(smtplib.SMTPServerDisconnected("gone")),
    )
    now = timezone.now()
    assert reminder_send(pk, now=now) == Outcome.RETRY
    row = Reminder.objects.get(pk=pk)
    assert row.status == "pending"
    assert row.attempts == 1
    assert row.due_at == now + dt.timedelta(seconds=outbox.BACKOFF_SECONDS)


def test_attempts_are_bounded_then_the_row_fails(
    pair: Pair, monkeypatch: pytest.MonkeyPatch
) -> None:
    meeting = _book(pair, hours_ahead=72)
    [pk, *_] = _due_now(meeting)
    monkeypatch.setattr(
        "django.core.mail.backends.locmem.EmailBackend.send_messages",
        _Flaky(ConnectionRefusedError()),
    )
    outcomes = []
    for _attempt in range(MAX_ATTEMPTS + 2):
        Reminder.objects.filter(pk=pk, status="pending").update(
            status="claimed", claimed_at=timezone.now()
        )
        outcomes.append(reminder_send(pk))
    assert outcomes[: MAX_ATTEMPTS - 1] == [Outcome.RETRY] * (MAX_ATTEMPTS - 1)
    assert outcomes[MAX_ATTEMPTS - 1] == Outcome.FAILED
    row = Reminder.objects.get(pk=pk)
    assert row.status == "failed"
    assert row.attempts == MAX_ATTEMPTS
    assert reminders.reminders_failed_count() == 1


def test_a_permanent_refusal_fails_at_once(pair: Pair, monkeypatch: pytest.MonkeyPatch) -> None:
    meeting = _book(pair, hours_ahead=72)
    [pk, *_] = _due_now(meeting)
    refused = smtplib.SMTPRecipientsRefused({"x@example.com": (550, b"no such user")})
    monkeypatch.setattr(
        "django.core.mail.backends.locmem.EmailBackend.send_messages", _Flaky(refused)
    )
    assert reminder_send(pk) == Outcome.FAILED


# ---------------------------------------------------------------- sweeper


def test_the_sweeper_returns_only_stale_claims(pair: Pair) -> None:
    meeting = _book(pair, hours_ahead=72)
    ids = _due_now(meeting)
    now = timezone.now()
    Reminder.objects.filter(pk=ids[0]).update(claimed_at=now - dt.timedelta(minutes=30))
    assert reminders_sweep(now=now, stale_after=dt.timedelta(minutes=10)) == 1
    assert Reminder.objects.get(pk=ids[0]).status == "pending"
    assert {r.status for r in Reminder.objects.filter(pk__in=ids[1:])} == {"claimed"}
    assert reminders_claim_due(now=now, batch=10) == [ids[0]]


# ---------------------------------------------------------------- no ETA, no content


def test_no_eta_or_countdown_anywhere_in_the_source() -> None:
    pattern = re.compile(r"\b(eta|countdown)\s*=")
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for folder in ("meetings", "mentoring", "matching", "programs", "people")
        for path in (ROOT / folder).rglob("*.py")
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if pattern.search(line)
    ]
    assert offenders == []


def test_the_reminder_modules_do_not_import_the_journal() -> None:
    for name in ("reminders.py", "tasks_reminders.py"):
        source = (ROOT / "meetings" / name).read_text()
        assert "journal" not in re.sub(r'""".*?"""', "", source, flags=re.S)


# ---------------------------------------------------------------- operators


def test_healthz_reports_overdue_and_failed_reminders(pair: Pair, client: Any) -> None:
    from django.urls import reverse

    from mentoring.health import heartbeat_record

    heartbeat_record(worker="worker-1")
    meeting = _book(pair, hours_ahead=72)
    assert client.get(reverse("healthz")).json()["checks"]["reminders"] == {
        "ok": True,
        "detail": "0 overdue, 0 failed",
    }
    rows = list(Reminder.objects.filter(meeting=meeting))
    Reminder.objects.filter(pk=rows[0].pk).update(status="failed")
    Reminder.objects.filter(pk=rows[1].pk).update(due_at=timezone.now() - dt.timedelta(hours=1))
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["checks"]["reminders"] == {"ok": False, "detail": "1 overdue, 1 failed"}


def test_operators_see_failed_reminders_and_can_try_them_again(
    pair: Pair, operator: User, client: Any
) -> None:
    from django.urls import reverse

    meeting = _book(pair, hours_ahead=72)
    row = Reminder.objects.filter(meeting=meeting).first()
    assert row is not None
    Reminder.objects.filter(pk=row.pk).update(status="failed", attempts=MAX_ATTEMPTS)
    from django.contrib.auth.models import Permission

    operator.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_reminder", "change_reminder"])
    )
    client.force_login(operator)
    url = reverse("admin:meetings_reminder_changelist")
    response = client.get(url, {"status__exact": "failed"})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1
    response = client.post(url, {"action": "retry", "_selected_action": [row.pk]})
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.status == "pending"
    assert row.attempts == 0


def test_journal_canaries_never_reach_a_reminder_or_nudge(
    mentee: User, mentor: User, manager: User
) -> None:
    from lib.outbox import outbox_deliver
    from meetings.nudges import NUDGES, nudges_plan
    from tests.journal.test_canaries import EVERY, _plant

    planted = _plant(mentee, mentor, manager)
    mail.outbox.clear()
    ids = _due_now(planted.meeting)
    assert ids
    assert {reminder_send(pk) for pk in ids} == {Outcome.SENT}
    meeting_cancel(meeting=planted.meeting, by=mentee)
    Pair.objects.filter(pk=planted.pair.pk).update(
        started_at=timezone.now() - dt.timedelta(days=400)
    )
    mail_ids = nudges_plan(now=timezone.now())
    assert outbox_deliver(NUDGES, mail_ids) == 2
    assert len(mail.outbox) >= 6
    assert_mail_lacks(mail.outbox, *EVERY)


def test_a_failing_goodbye_after_the_server_accepted_is_not_a_failed_send(
    pair: Pair, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    """A QUIT that times out comes after acceptance: sending again would repeat the e-mail.
    A real SMTP server on 127.0.0.1 accepts; only the goodbye fails."""
    inbox = Inbox()
    meeting = _book(pair, hours_ahead=72)
    [pk, *_] = _due_now(meeting)
    with smtp_server(inbox, settings):
        monkeypatch.setattr("smtplib.SMTP.quit", _Flaky(TimeoutError("no answer to QUIT")))
        assert reminder_send(pk) == Outcome.SENT
    assert Reminder.objects.get(pk=pk).status == "sent"
    assert len(inbox.reminders()) == 1


def test_one_row_failing_unexpectedly_does_not_hold_back_its_batch(
    pair: Pair, monkeypatch: pytest.MonkeyPatch
) -> None:
    meeting = _book(pair, hours_ahead=72)
    first, *rest = _due_now(meeting)
    real = reminders.reminder_message

    def broken_for_the_first(reminder: Reminder) -> Any:
        if reminder.pk == first:
            raise ValueError("a template that cannot render")
        return real(reminder)

    monkeypatch.setattr(reminders, "reminder_message", broken_for_the_first)
    mail.outbox.clear()
    outcomes = reminders.reminders_send([first, *rest])
    assert outcomes[first] == Outcome.ERROR
    assert [outcomes[pk] for pk in rest] == [Outcome.SENT] * len(rest)
    assert len(mail.outbox) == len(rest)
    row = Reminder.objects.get(pk=first)
    assert (row.status, row.attempts) == ("claimed", 1)  # the sweeper returns it
