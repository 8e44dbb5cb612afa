"""The move of nudges and request reminders onto outbox rows keeps what was sent, and going
back restores the old columns."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from people.models import User
from tests.meetings.factories import make_pair
from tests.programs.factories import enrol

BEFORE = [("meetings", "0004_reminder_pending_index"), ("matching", "0004_proposal_score_idx")]
AFTER = [("meetings", "0005_nudge_digest_outbox"), ("matching", "0005_request_reminder_outbox")]
AT = dt.datetime(2026, 5, 4, 9, 30, tzinfo=dt.UTC)


def _migrate(targets: list[tuple[str, str]]):  # type: ignore[no-untyped-def]
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_sent_nudges_and_reminded_requests_survive_the_move_both_ways(
    mentee: User, mentor: User
) -> None:
    pair = make_pair(mentee, mentor)
    mentee_enrolment = enrol(pair.program, User.objects.create(email="late@example.com"))
    try:
        old = _migrate(BEFORE)
        nudge = old.get_model("meetings", "Nudge").objects.create(
            pair_id=pair.pk, period_start=AT, status="sent", sent_at=AT
        )
        request = old.get_model("matching", "MentorshipRequest").objects.create(
            program_id=pair.program_id, mentee_id=mentee_enrolment.pk, mentor_id=pair.mentor_id,
            expires_at=AT + dt.timedelta(days=8), reminded_at=AT,
        )  # fmt: skip
        old.get_model("meetings", "DigestSent").objects.create(week=AT.date())

        new = _migrate(AFTER)
        mails = new.get_model("meetings", "NudgeMail").objects.order_by("recipient_id")
        assert [(m.nudge_id, m.recipient_id, m.status, m.sent_at) for m in mails] == sorted(
            [(nudge.pk, mentee.pk, "sent", AT), (nudge.pk, mentor.pk, "sent", AT)],
            key=lambda row: row[1],
        )
        [reminder] = new.get_model("matching", "RequestReminder").objects.all()
        assert (reminder.request_id, reminder.recipient_id, reminder.status) == (
            request.pk, mentor.pk, "sent",
        )  # fmt: skip
        assert new.get_model("meetings", "DigestWeek").objects.get().week == AT.date()

        back = _migrate(BEFORE)
        old_nudge = back.get_model("meetings", "Nudge").objects.get()
        assert (old_nudge.status, old_nudge.sent_at) == ("sent", AT)
        old_request = back.get_model("matching", "MentorshipRequest").objects.get()
        assert old_request.reminded_at == AT
    finally:  # every app back at its latest: going back also unapplied the apps that depend on it
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
