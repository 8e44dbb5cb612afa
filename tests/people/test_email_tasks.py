"""Every e-mail task sends each e-mail once: an error after the SMTP server accepted it is
not a failed send, an error before is retried.

The tasks run as a worker would (``apply``, errors not raised), so their autoretry acts,
against a real SMTP server on 127.0.0.1.
"""

from __future__ import annotations

import datetime as dt
import smtplib
from collections.abc import Callable
from typing import Any

import pytest
from django.core.mail import EmailMessage
from django.utils import timezone
from pytest_django import Settings

from matching.tasks import send_pair_introduction
from meetings.services import meeting_schedule
from meetings.tasks import send_meeting_update
from mentoring.celery import app
from people.mail import send_once
from people.models import User
from people.tasks import send_invitation
from programs.services import enrolment_approve
from programs.tasks import send_enrolment_decision, send_program_invitation
from tests.factories import UserFactory
from tests.integration.support import UNREADABLE_GOODBYE, Inbox, free_port, smtp_server
from tests.meetings.factories import make_pair, when
from tests.programs.factories import ProgramFactory, enrol

pytestmark = pytest.mark.django_db

# What a worker would run: the task, its arguments, and who must get one e-mail each.
Send = tuple[Any, tuple[Any, ...], list[str]]


def _invitation(mentee: User, mentor: User) -> Send:
    newcomer: User = UserFactory()  # type: ignore[assignment]
    return send_invitation, (newcomer.pk,), [newcomer.email]


def _program_invitation(mentee: User, mentor: User) -> Send:
    program = ProgramFactory()
    return send_program_invitation, (program.pk, mentee.pk), [mentee.email]


def _enrolment_decision(mentee: User, mentor: User) -> Send:
    enrolment = enrol(ProgramFactory(requires_approval=True), mentee)
    enrolment_approve(enrolment=enrolment)  # its own enqueueing waits for a commit
    return send_enrolment_decision, (enrolment.pk,), [mentee.email]


def _pair_introduction(mentee: User, mentor: User) -> Send:
    pair = make_pair(mentee, mentor)
    return send_pair_introduction, (pair.pk,), [mentee.email, mentor.email]


def _meeting_update(mentee: User, mentor: User) -> Send:
    day = timezone.localdate() + dt.timedelta(days=10)
    [meeting] = meeting_schedule(pair=make_pair(mentee, mentor), organiser=mentee, when=when(day))
    return send_meeting_update, (meeting.pk, meeting.version), [mentee.email, mentor.email]


SENDS: dict[str, Callable[[User, User], Send]] = {
    "people.send_invitation": _invitation,
    "programs.send_program_invitation": _program_invitation,
    "programs.send_enrolment_decision": _enrolment_decision,
    "matching.send_pair_introduction": _pair_introduction,
    "meetings.send_meeting_update": _meeting_update,
}


def test_every_task_that_retries_on_mail_errors_is_tested_here() -> None:
    app.loader.import_default_modules()
    retried = {
        name for name, task in app.tasks.items() if OSError in getattr(task, "autoretry_for", ())
    }
    assert retried == set(SENDS)


@pytest.mark.parametrize("name", list(SENDS))
def test_a_goodbye_failing_after_acceptance_sends_one_email_and_no_retry(
    name: str, mentee: User, mentor: User, settings: Settings
) -> None:
    task, args, recipients = SENDS[name](mentee, mentor)
    inbox = Inbox(goodbye=UNREADABLE_GOODBYE)
    with smtp_server(inbox, settings):
        result = task.apply(args=args, throw=False)
    assert sorted(inbox.recipients()) == sorted(recipients)
    assert result.successful(), result.traceback  # not retried, not failed


@pytest.mark.parametrize("name", list(SENDS))
def test_an_email_the_server_refused_is_sent_again_by_the_retry(
    name: str, mentee: User, mentor: User, settings: Settings
) -> None:
    task, args, recipients = SENDS[name](mentee, mentor)
    inbox = Inbox(refuse_first=1)
    with smtp_server(inbox, settings):
        task.apply(args=args, throw=False)
    assert inbox.refusals_left == 0
    assert sorted(inbox.recipients()) == sorted(recipients)


def _message() -> EmailMessage:
    return EmailMessage("Welcome", "Hello", None, ["ana@example.com"])


def test_send_once_logs_a_failed_goodbye_instead_of_raising(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    inbox = Inbox(goodbye=UNREADABLE_GOODBYE)
    with smtp_server(inbox, settings):
        send_once(_message())
    assert inbox.recipients() == ["ana@example.com"]
    assert "Closing the SMTP connection failed after the send" in caplog.text


def test_send_once_raises_when_the_server_refuses_the_message(settings: Settings) -> None:
    inbox = Inbox(refuse_first=1)
    with smtp_server(inbox, settings), pytest.raises(smtplib.SMTPDataError) as refused:
        send_once(_message())
    assert isinstance(refused.value, OSError)  # what email_task retries
    assert refused.value.smtp_code == 451
    assert inbox.recipients() == []


def test_send_once_raises_when_no_server_answers(settings: Settings) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    settings.EMAIL_USE_TLS, settings.EMAIL_TIMEOUT = False, 10
    with pytest.raises(ConnectionRefusedError):
        send_once(_message())
