"""Retention: session content goes after its program's period, with real DELETEs, after
a notice 30 days ahead; a run stopped after a batch resumes without skipping or
repeating; meeting times follow their own, longer period."""

from __future__ import annotations

import datetime as dt
import smtplib
from unittest.mock import patch

import pytest
from django.core import mail
from django.utils import timezone

from audit.models import Action, AuditEvent
from journal.models import PurgedPair, RetentionMail, RetentionNotice, SharedNote
from journal.notifications import RETENTION_NOTICES
from journal.retention import journal_retention_run, retention_notices_plan
from journal.tasks import deliver_mail, retention_run
from lib.outbox import MailSession, OutboxRow, outbox_deliver
from matching.models import Pair
from matching.retention import months_before
from meetings.models import Meeting
from meetings.retention import meeting_retention_run
from people.models import User
from programs.models import KEEP_UNTIL_HR_DELETES, Program
from tests.privacy.scan import database_text
from tests.privacy.world import ProofWorld, build_proof_world

pytestmark = pytest.mark.django_db

ENDED = dt.timedelta(days=200)  # longer ago than 3 months, shorter than 12


class Stop(Exception):
    pass


@pytest.fixture
def world(personas: dict[str, User | None]) -> ProofWorld:
    proof = build_proof_world(personas, emails=False)
    Program.objects.update(journal_retention_months=3, meeting_retention_months=12)
    Pair.objects.update(status=Pair.Status.ENDED, ended_at=timezone.now() - ENDED)
    mail.outbox.clear()
    return proof


def _content_left(world: ProofWorld) -> list[str]:
    """Which pairs' journal canaries are still in a journal table (a manager's focus
    suggestion, a meeting's place and a request's reason belong to other apps)."""
    journal = "\n".join(database_text(table_prefix="journal_").values())
    return [
        f"{key}:{field}"
        for key, objects in world.pairs.items()
        for field, canary in objects.canaries.items()
        if field not in ("place", "decline_reason") and canary in journal
    ]


def test_months_before_keeps_the_day_or_takes_the_months_last() -> None:
    moment = dt.datetime(2026, 3, 31, 12, tzinfo=dt.UTC)
    assert months_before(moment, 1) == dt.datetime(2026, 2, 28, 12, tzinfo=dt.UTC)
    assert months_before(moment, 12) == dt.datetime(2025, 3, 31, 12, tzinfo=dt.UTC)
    assert months_before(moment, 15) == dt.datetime(2024, 12, 31, 12, tzinfo=dt.UTC)


def test_nothing_is_deleted_before_the_members_were_told(world: ProofWorld) -> None:
    assert journal_retention_run() == {}
    assert _content_left(world) != []


def test_members_are_told_once_then_the_content_is_deleted_for_real(world: ProofWorld) -> None:
    retention_run()
    assert RetentionNotice.objects.count() == 3
    assert set(RetentionMail.objects.values_list("status", flat=True)) == {"sent"}
    own = world.pairs["own"]
    recipients = sorted(address for m in mail.outbox for address in m.to)
    assert len(recipients) == 6
    [to_mentee] = [m for m in mail.outbox if m.to == [world.people["mentee"].email]]  # type: ignore[union-attr]
    assert "/people/settings/data/" in to_mentee.body
    for canary in own.canaries.values():
        assert canary not in to_mentee.body
    retention_run()  # the next day: no second e-mail, nothing deleted yet
    assert len(mail.outbox) == 6
    assert _content_left(world) != []

    later = timezone.now() + dt.timedelta(days=31)
    counts = journal_retention_run(now=later)

    assert counts["pairs"] == 3
    assert counts["private_notes"] == 6
    assert _content_left(world) == []
    assert not SharedNote.objects.exists()
    assert Meeting.objects.filter(pk=own.meeting.pk).exists()  # times follow their own period
    [row] = AuditEvent.objects.filter(action=Action.RETENTION_RUN)
    assert row.details["pairs"] == 3
    assert journal_retention_run(now=later) == {}  # idempotent


def test_a_pair_within_its_period_or_kept_by_hr_is_left_alone(world: ProofWorld) -> None:
    own = world.pairs["own"]
    Pair.objects.filter(pk=own.pair.pk).update(ended_at=timezone.now() - dt.timedelta(days=30))
    Program.objects.filter(pk=world.pairs["other_program"].pair.program_id).update(
        journal_retention_months=KEEP_UNTIL_HR_DELETES, meeting_retention_months=0
    )
    retention_notices_plan()
    later = timezone.now() + dt.timedelta(days=31)
    assert journal_retention_run(now=later)["pairs"] == 1
    left = {entry.split(":")[0] for entry in _content_left(world)}
    assert left == {"own", "other_program"}


def test_a_run_stopped_after_a_batch_resumes_without_skipping_or_repeating(
    world: ProofWorld,
) -> None:
    retention_notices_plan()
    later = timezone.now() + dt.timedelta(days=31)

    def stop_after_first(batch: int) -> None:
        raise Stop

    with pytest.raises(Stop):
        journal_retention_run(now=later, batch_size=1, after_batch=stop_after_first)
    assert PurgedPair.objects.count() == 1
    first = PurgedPair.objects.get().pair_id

    counts = journal_retention_run(now=later, batch_size=1)

    assert counts["pairs"] == 2  # the two left, not the one done
    assert first not in set(
        PurgedPair.objects.exclude(pair_id=first).values_list("pair_id", flat=True)
    )
    assert PurgedPair.objects.count() == 3
    rows = AuditEvent.objects.filter(action=Action.RETENTION_RUN)
    assert sorted(r.details["pairs"] for r in rows) == [1, 1, 1]
    assert _content_left(world) == []


def test_meeting_times_go_after_their_own_period_in_batches(world: ProofWorld) -> None:
    Pair.objects.update(ended_at=timezone.now() - dt.timedelta(days=400))
    retention_notices_plan()
    later = timezone.now() + dt.timedelta(days=31)
    journal_retention_run(now=later)

    def stop(batch: int) -> None:
        raise Stop

    with pytest.raises(Stop):
        meeting_retention_run(now=later, batch_size=2, after_batch=stop)
    assert Meeting.objects.count() == 1
    assert meeting_retention_run(now=later, batch_size=2) == 1
    assert not Meeting.objects.exists()
    assert meeting_retention_run(now=later) == 0


def test_meeting_times_wait_for_the_session_content_to_go_after_its_notice(
    world: ProofWorld,
) -> None:
    """Deleting a meeting takes its agenda and notes with it: a pair whose content has not
    gone through its own retention (and notice) keeps its meetings, whatever their period."""
    Pair.objects.update(ended_at=timezone.now() - dt.timedelta(days=400))
    assert meeting_retention_run() == 0
    assert Meeting.objects.count() == 3
    retention_notices_plan()
    assert meeting_retention_run(now=timezone.now() + dt.timedelta(days=29)) == 0
    assert _content_left(world) != []


Status = OutboxRow.Status


def test_a_second_plan_writes_no_second_notice_or_row(world: ProofWorld) -> None:
    first = retention_notices_plan()
    assert len(first) == 6  # two members of three pairs
    assert retention_notices_plan() == []
    assert retention_notices_plan(now=timezone.now() + dt.timedelta(days=3)) == []
    assert RetentionMail.objects.count() == 6
    assert RetentionNotice.objects.count() == 3
    assert outbox_deliver(RETENTION_NOTICES, first) == 6
    assert outbox_deliver(RETENTION_NOTICES, first) == 0  # sent rows are not claimed again
    assert deliver_mail() == {}
    assert len(mail.outbox) == 6


def test_the_deletion_waits_thirty_days_after_the_notice_was_due(world: ProofWorld) -> None:
    """Content past its period when the notice is planned still waits the notice's 30 days."""
    planned = timezone.now()
    retention_notices_plan(now=planned)
    assert journal_retention_run(now=planned + dt.timedelta(days=29)) == {}
    assert journal_retention_run(now=planned + dt.timedelta(days=30))["pairs"] == 3


def test_a_notice_no_longer_wanted_is_skipped_then_withdrawn(world: ProofWorld) -> None:
    own, same, other = (world.pairs[key] for key in ("own", "same_program", "other_program"))
    start = timezone.now()
    ids = retention_notices_plan(now=start)
    # The content went already (a row that waited for dispatch longer than its notice).
    PurgedPair.objects.create(pair=own.pair)
    # HR now keeps the other program's content until they delete it.
    Program.objects.filter(pk=other.pair.program_id).update(
        journal_retention_months=KEEP_UNTIL_HR_DELETES
    )
    # The mentee of the third pair left the company.
    User.objects.filter(pk=same.pair.mentee.person_id).update(is_active=False)

    assert outbox_deliver(RETENTION_NOTICES, ids, now=start) == 1
    [sent] = mail.outbox
    assert sent.to == [same.pair.mentor.person.email]
    skipped = RetentionMail.objects.filter(status=Status.SKIPPED)
    assert skipped.count() == 5
    assert set(skipped.values_list("notice__pair_id", flat=True)) == {
        own.pair.pk,
        same.pair.pk,
        other.pair.pk,
    }

    # The next plan withdraws the void notice, so a new date gets a notice of its own.
    assert retention_notices_plan(now=start + dt.timedelta(days=1)) == []
    assert not RetentionNotice.objects.filter(pair=other.pair).exists()
    assert RetentionNotice.objects.filter(pair=own.pair).exists()  # its content went
    Program.objects.filter(pk=other.pair.program_id).update(journal_retention_months=3)
    again = start + dt.timedelta(days=10)
    new = retention_notices_plan(now=again)
    assert len(new) == 2
    assert outbox_deliver(RETENTION_NOTICES, new, now=again) == 2

    # The third pair goes 30 days after its notice (one member was told); the other
    # program's pair waits 30 days after its new one.
    assert journal_retention_run(now=start + dt.timedelta(days=31))["pairs"] == 1
    assert PurgedPair.objects.filter(pair=same.pair).exists()
    assert journal_retention_run(now=again + dt.timedelta(days=29)) == {}
    assert journal_retention_run(now=again + dt.timedelta(days=30))["pairs"] == 1


def test_a_notice_the_mail_server_refused_is_sent_again_by_the_dispatcher(
    world: ProofWorld,
) -> None:
    ids = retention_notices_plan()
    with patch.object(MailSession, "send", side_effect=smtplib.SMTPServerDisconnected("gone")):
        assert outbox_deliver(RETENTION_NOTICES, ids) == 0
    assert set(RetentionMail.objects.values_list("status", flat=True)) == {Status.PENDING}
    assert deliver_mail() == {}  # not due again yet (backoff)
    later = timezone.now() + dt.timedelta(minutes=2)
    with patch.object(timezone, "now", return_value=later):
        assert deliver_mail() == {"sent": 6}
    assert len(mail.outbox) == 6
    assert set(RetentionMail.objects.values_list("attempts", flat=True)) == {2}


def test_healthz_counts_retention_e_mails_overdue_or_failed(world: ProofWorld, client) -> None:  # type: ignore[no-untyped-def]
    """Operators see stuck retention notices where they see every other outbox."""
    rows = retention_notices_plan()
    assert client.get("/healthz").json()["checks"]["outbox"]["detail"] == "0 overdue, 0 failed"
    RetentionMail.objects.filter(pk=rows[0]).update(status=OutboxRow.Status.FAILED)
    RetentionMail.objects.filter(pk=rows[1]).update(due_at=timezone.now() - dt.timedelta(hours=1))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["outbox"] == {"ok": False, "detail": "1 overdue, 1 failed"}


def test_a_notice_skipped_while_hr_kept_the_content_longer_deletes_nothing(
    world: ProofWorld,
) -> None:
    """HR lengthens the period just before the e-mails go out (they are skipped), then
    shortens it again: nobody was told, so the notice is planned anew and the content waits
    30 days from the new one."""
    other = world.pairs["other_program"]
    start = timezone.now()
    ids = retention_notices_plan(now=start)
    Program.objects.filter(pk=other.pair.program_id).update(
        journal_retention_months=KEEP_UNTIL_HR_DELETES
    )
    assert outbox_deliver(RETENTION_NOTICES, ids, now=start) == 4
    Program.objects.filter(pk=other.pair.program_id).update(journal_retention_months=3)
    told_in_vain = RetentionNotice.objects.get(pair=other.pair)
    assert set(
        RetentionMail.objects.filter(notice=told_in_vain).values_list("status", flat=True)
    ) == {OutboxRow.Status.SKIPPED}

    # Not on the word of a notice that told nobody, even a run before the next plan.
    assert journal_retention_run(now=start + dt.timedelta(days=31))["pairs"] == 2
    assert not PurgedPair.objects.filter(pair=other.pair).exists()
    # The next plan withdraws it and tells both members again.
    again = start + dt.timedelta(days=32)
    new = retention_notices_plan(now=again)
    assert len(new) == 2
    assert RetentionNotice.objects.get(pair=other.pair).pk != told_in_vain.pk
    assert outbox_deliver(RETENTION_NOTICES, new, now=again) == 2
    assert retention_notices_plan(now=again + dt.timedelta(days=1)) == []  # settled
    assert journal_retention_run(now=again + dt.timedelta(days=29)) == {}
    assert journal_retention_run(now=again + dt.timedelta(days=30))["pairs"] == 1
