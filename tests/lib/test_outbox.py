"""The *when due* delivery (``lib.outbox``), on nudge e-mails: each row is sent once, a
failure is retried with its backoff in the row, a killed worker's claim comes back."""

from __future__ import annotations

import dataclasses
import datetime as dt
import smtplib

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lib import outbox
from lib.outbox import (
    MAX_ATTEMPTS,
    MailSession,
    Outcome,
    outbox_claim_due,
    outbox_deliver,
    outbox_deliver_due,
    outbox_send,
    outbox_sweep,
)
from matching.models import Pair
from meetings.models import NudgeMail
from meetings.nudges import NUDGES, nudges_plan
from people.models import User
from programs.models import Program
from tests.meetings.factories import make_pair

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows(mentee: User, mentor: User) -> list[int]:
    """Two pending nudge e-mails, due now: one per member of a quiet pair."""
    pair = make_pair(mentee, mentor)
    Program.objects.filter(pk=pair.program_id).update(nudge_after_days=14)
    Pair.objects.filter(pk=pair.pk).update(started_at=timezone.now() - dt.timedelta(days=15))
    ids = nudges_plan(now=timezone.now())
    assert len(ids) == 2
    mail.outbox.clear()
    return ids


def _statuses(ids: list[int]) -> list[tuple[str, int]]:
    return list(
        NudgeMail.objects.filter(pk__in=ids).order_by("pk").values_list("status", "attempts")
    )


def test_due_rows_are_claimed_once(rows: list[int]) -> None:
    now = timezone.now()
    assert outbox_claim_due(NudgeMail, now=now - dt.timedelta(minutes=1), batch=10) == []
    assert sorted(outbox_claim_due(NudgeMail, now=now, batch=10)) == rows
    assert outbox_claim_due(NudgeMail, now=now, batch=10) == []  # a second dispatcher
    assert _statuses(rows) == [("claimed", 0)] * 2


def test_a_second_delivery_of_the_same_rows_sends_nothing(rows: list[int]) -> None:
    outbox_claim_due(NudgeMail, now=timezone.now(), batch=10)
    assert set(outbox_send(NUDGES, rows).values()) == {Outcome.SENT}
    assert set(outbox_send(NUDGES, rows).values()) == {Outcome.NOT_CLAIMED}
    assert len(mail.outbox) == 2
    assert {m.extra_headers["X-Mentoring-Outbox"] for m in mail.outbox} == {
        f"Nudge e-mail:{pk}" for pk in rows
    }
    assert {m.extra_headers["X-Mentoring-Attempt"] for m in mail.outbox} == {"1"}
    assert _statuses(rows) == [("sent", 1)] * 2


def test_a_killed_worker_leaves_claims_the_sweeper_returns_and_the_next_attempt_sends(
    rows: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    now = timezone.now()
    outbox_claim_due(NudgeMail, now=now, batch=10)

    def killed(self: MailSession, message: object) -> None:
        raise SystemExit  # the process ends on the wire: nothing is written after it

    monkeypatch.setattr(MailSession, "send", killed)
    with pytest.raises(SystemExit):
        outbox_send(NUDGES, rows, now=now)
    monkeypatch.undo()
    assert _statuses(rows) == [("claimed", 1)] * 2
    assert outbox_sweep(NudgeMail, now=now + dt.timedelta(seconds=30)) == 0  # not stale yet
    later = now + outbox.stale_after() + dt.timedelta(seconds=1)
    assert outbox_deliver_due(NUDGES, now=later) == {Outcome.SENT: 2}
    assert {m.extra_headers["X-Mentoring-Attempt"] for m in mail.outbox} == {"2"}
    assert _statuses(rows) == [("sent", 2)] * 2


def test_a_transient_failure_is_retried_after_its_backoff_until_the_attempts_run_out(
    rows: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    def down(self: MailSession, message: object) -> None:
        raise smtplib.SMTPServerDisconnected("gone")

    monkeypatch.setattr(MailSession, "send", down)
    now = timezone.now()
    outcomes = []
    for _attempt in range(MAX_ATTEMPTS + 1):
        outcomes.append(outbox_deliver_due(NUDGES, now=now))
        row = NudgeMail.objects.get(pk=rows[0])
        if row.status == "pending":
            assert row.due_at == now + outbox.backoff(row.attempts)
            now = row.due_at
    assert outcomes[: MAX_ATTEMPTS - 1] == [{Outcome.RETRY: 2}] * (MAX_ATTEMPTS - 1)
    assert outcomes[MAX_ATTEMPTS - 1] == {Outcome.FAILED: 2}
    assert outcomes[MAX_ATTEMPTS] == {}  # failed rows are never claimed again
    assert _statuses(rows) == [("failed", MAX_ATTEMPTS)] * 2


def test_a_permanent_refusal_fails_at_once(
    rows: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    def refused(self: MailSession, message: object) -> None:
        raise smtplib.SMTPRecipientsRefused({"x@example.com": (550, b"no such user")})

    monkeypatch.setattr(MailSession, "send", refused)
    assert outbox_deliver_due(NUDGES) == {Outcome.FAILED: 2}
    assert _statuses(rows) == [("failed", 1)] * 2


def test_one_rows_surprise_does_not_hold_back_the_others(rows: list[int]) -> None:
    real = NUDGES.message

    def broken_for_the_first(row: NudgeMail) -> EmailMessage:
        if row.pk == rows[0]:
            raise ValueError("a template bug")
        return real(row)

    box = dataclasses.replace(NUDGES, message=broken_for_the_first)
    assert outbox_deliver_due(box) == {Outcome.ERROR: 1, Outcome.SENT: 1}
    assert _statuses(rows) == [("claimed", 1), ("sent", 1)]  # the sweeper returns the first


def test_rows_no_longer_wanted_are_skipped_not_sent(rows: list[int], mentee: User) -> None:
    User.objects.filter(pk=mentee.pk).update(email_nudges=False)
    assert outbox_deliver(NUDGES, rows) == 1
    assert [m.to for m in mail.outbox] == [[NudgeMail.objects.get(status="sent").recipient.email]]
    assert sorted(s for s, _a in _statuses(rows)) == ["sent", "skipped"]


@pytest.mark.parametrize(
    ("app", "model"),
    [("meetings", "nudgemail"), ("meetings", "digestmail"), ("matching", "requestreminder")],
)
def test_operators_see_failed_e_mails_and_can_try_them_again(
    rows: list[int], operator: User, client: Client, app: str, model: str, hr_admin: User
) -> None:
    from django.apps import apps
    from django.contrib.auth.models import Permission

    from hr_view.digest import digest_plan
    from matching.upkeep import request_reminders_plan
    from tests.matching.test_request_reminders import _request

    if model == "digestmail":
        rows = digest_plan()
    elif model == "requestreminder":
        _request(*User.objects.exclude(pk=hr_admin.pk)[:2], days_ago=5)
        rows = request_reminders_plan()
    row_model = apps.get_model(app, model)
    row_model.objects.filter(pk=rows[0]).update(status="failed", attempts=MAX_ATTEMPTS)
    operator.user_permissions.add(
        *Permission.objects.filter(codename__in=[f"view_{model}", f"change_{model}"])
    )
    client.force_login(operator)
    url = reverse(f"admin:{app}_{model}_changelist")
    response = client.get(url, {"status__exact": "failed"})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1
    assert client.get(reverse(f"admin:{app}_{model}_add")).status_code == 403
    response = client.post(url, {"action": "retry", "_selected_action": [rows[0]]})
    assert response.status_code == 302
    assert row_model.objects.filter(pk=rows[0]).values_list("status", "attempts").get() == (
        "pending", 0,
    )  # fmt: skip


def test_healthz_reports_outbox_e_mails_waiting_long_past_their_due_time(
    rows: list[int], client: Client
) -> None:
    assert client.get(reverse("healthz")).json()["checks"]["outbox"] == {
        "ok": True, "detail": "0 overdue, 0 failed",
    }  # fmt: skip
    NudgeMail.objects.filter(pk=rows[0]).update(status="failed")
    NudgeMail.objects.filter(pk=rows[1]).update(due_at=timezone.now() - dt.timedelta(hours=1))
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["checks"]["outbox"] == {"ok": False, "detail": "1 overdue, 1 failed"}
