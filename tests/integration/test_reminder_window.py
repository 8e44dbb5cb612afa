"""Issue 12: the one duplicate the outbox allows, and how the fault test tells it apart.

A worker writes a reminder's last line to the SMTP server and is killed before the
server's answer arrives. The server, a little behind, accepts the message *after* the kill;
the row never got its "sent", so the next attempt sends it again. That is the window the
design allows (between acceptance and the commit), yet both copies come after the kill:
the fault test's old rule ("a kill between the two copies") called it unexplained, which
made ``make faults`` fail one run in two. This test orders those steps by hand with a real
process, a real SIGKILL and a real SMTP server, and checks that the worker names the
process that had the attempt on the wire, which is what the fault test now ties copies to.
"""

from __future__ import annotations

import datetime as dt
import signal
import sys
import threading
import time
import zoneinfo
from pathlib import Path
from typing import AnyStr

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP
from django.db import connection
from django.utils import timezone
from pytest_django import Settings

from meetings.models import Reminder
from meetings.reminders import Outcome, reminder_send, reminders_claim_due
from meetings.services import meeting_schedule
from people.models import User
from tests.integration.faults import Faults, kill_times
from tests.integration.support import Inbox, celery_env, free_port, start_logged, stop
from tests.integration.test_reminder_faults import _senders
from tests.meetings.factories import make_pair, when

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the killed sender holds its row lock on PostgreSQL; SQLite sends unlocked",
    ),
    pytest.mark.django_db(transaction=True),
]
ZONE = "Europe/Berlin"


class _BehindSMTP(SMTP):
    """Once it has invited the message (354), the server's event loop stops until the
    test lets it go: a server a few milliseconds behind, as under load."""

    behind = threading.Event()
    going = threading.Event()

    async def push(self, status: AnyStr) -> None:
        await super().push(status)
        if str(status).startswith("354"):
            self.loop.call_soon(self._stall)

    def _stall(self) -> None:
        type(self).behind.set()
        assert type(self).going.wait(timeout=60)


class _BehindController(Controller):
    def factory(self) -> SMTP:
        return _BehindSMTP(self.handler, **self.SMTP_kwargs)


@pytest.fixture
def no_invitations(monkeypatch: pytest.MonkeyPatch) -> None:
    from meetings import tasks

    monkeypatch.setattr(tasks.send_meeting_update, "delay_on_commit", lambda *a: None)


def test_a_sender_killed_before_the_server_accepted_is_named_as_the_cause_of_the_copy(
    mentee: User, mentor: User, settings: Settings, tmp_path: Path, no_invitations: None
) -> None:
    start = (timezone.now() + dt.timedelta(days=3)).astimezone(zoneinfo.ZoneInfo(ZONE))
    [meeting] = meeting_schedule(
        pair=make_pair(mentee, mentor), organiser=mentee,
        when=when(start.date(), 10, 0, zone=ZONE),
    )  # fmt: skip
    Reminder.objects.filter(meeting=meeting, recipient=mentee, kind="before_1440").update(
        due_at=timezone.now() - dt.timedelta(seconds=1)
    )
    [pk] = reminders_claim_due(now=timezone.now(), batch=10)

    inbox, port = Inbox(), free_port()
    controller = _BehindController(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    log = tmp_path / "sender.log"
    script = (
        "import django; django.setup(); "
        f"from meetings.reminders import reminder_send; reminder_send({pk})"
    )
    env = celery_env(broker_url="memory://", smtp_port=port, EMAIL_TIMEOUT="30")
    sender = start_logged([sys.executable, "-c", script], env, log)
    try:
        assert _BehindSMTP.behind.wait(timeout=60), log.read_text()
        time.sleep(1)  # the sender writes its whole message and waits for the answer
        sender.send_signal(signal.SIGKILL)
        sender.wait(timeout=10)
        killed = time.monotonic()
        _BehindSMTP.going.set()  # ... and now the server reads the message and accepts it
        deadline = time.monotonic() + 10
        while not inbox.reminders() and time.monotonic() < deadline:
            time.sleep(0.02)
        assert len(inbox.reminders()) == 1  # accepted, from a process already dead
        deadline = time.monotonic() + 10
        row = Reminder.objects.get(pk=pk)
        assert (row.status, row.attempts) == ("claimed", 1)  # taken, never marked sent

        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        settings.EMAIL_USE_TLS, settings.EMAIL_TIMEOUT = False, 10
        outcome = Outcome.NOT_CLAIMED
        while outcome == Outcome.NOT_CLAIMED and time.monotonic() < deadline:
            outcome = reminder_send(pk)  # the redelivered message, once the lock is gone
            time.sleep(0.05)
    finally:
        stop(sender)
        controller.stop()

    assert outcome == Outcome.SENT
    copies = inbox.timed_reminders()
    assert [m["X-Mentoring-Attempt"] for _at, m in copies] == ["1", "2"]
    first_at, then_at = copies[0][0], copies[1][0]
    assert killed < first_at < then_at  # no kill between the copies: the old rule failed
    senders = _senders(log.read_text())
    assert senders[(pk, 1)] == {sender.pid}
    killed_at = kill_times(Faults(kills=[(killed, [sender.pid])]))
    assert killed_at[sender.pid] <= then_at  # the rule the fault test applies now
