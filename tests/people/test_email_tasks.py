"""Every e-mail task sends each e-mail once: an error after the SMTP server accepted it is
not a failed send, an error before is retried. A task about two e-mails fans out to one
task per e-mail, so a retry resends only the one that failed.

The tasks run as a worker would (``apply``, errors not raised; the tasks they start run
inline too), so their autoretry acts, against a real SMTP server on 127.0.0.1.
"""

from __future__ import annotations

import datetime as dt
import smtplib
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.utils import timezone
from pytest_django import Settings

from lib.mail import send_once
from matching.tasks import send_pair_introduction, send_pair_introduction_to
from meetings.services import meeting_schedule
from meetings.tasks import (
    send_meeting_update,
    send_meeting_update_to,
    send_series_update,
    send_series_update_to,
)
from mentoring.celery import app
from people.archive import data_export_build
from people.models import DataExport, User
from people.tasks import send_data_export_ready, send_invitation
from programs.services import enrolment_approve
from programs.tasks import send_enrolment_decision, send_program_invitation
from tests.factories import UserFactory
from tests.integration.support import UNREADABLE_GOODBYE, Inbox, free_port, smtp_server
from tests.meetings.factories import make_pair, when
from tests.programs.factories import ProgramFactory, enrol

pytestmark = pytest.mark.django_db

# What a worker would run first: the task (by the name callers enqueue), its arguments,
# and who must get one e-mail each.
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


def _series_update(mentee: User, mentor: User) -> Send:
    day = timezone.localdate() + dt.timedelta(days=10)
    series = meeting_schedule(
        pair=make_pair(mentee, mentor), organiser=mentee, when=when(day), every_weeks=1, count=2
    )
    changes = [[meeting.pk, meeting.version] for meeting in series]
    return send_series_update, (series[0].series_id, changes), [mentee.email, mentor.email]


def _data_export_ready(mentee: User, mentor: User) -> Send:
    export = DataExport.objects.create(person=mentee)
    data_export_build(export_id=export.pk)
    return send_data_export_ready, (export.pk,), [mentee.email]


SENDS: dict[str, Callable[[User, User], Send]] = {
    "people.send_invitation": _invitation,
    "programs.send_program_invitation": _program_invitation,
    "programs.send_enrolment_decision": _enrolment_decision,
    "matching.send_pair_introduction": _pair_introduction,
    "meetings.send_meeting_update": _meeting_update,
    "meetings.send_series_update": _series_update,
    "people.send_data_export_ready": _data_export_ready,
}
# Tasks about two e-mails, and the task each starts per e-mail (the one that retries).
FAN_OUTS: dict[str, Any] = {
    "matching.send_pair_introduction": send_pair_introduction_to,
    "meetings.send_meeting_update": send_meeting_update_to,
    "meetings.send_series_update": send_series_update_to,
}


def test_every_task_that_retries_on_mail_errors_is_tested_here() -> None:
    app.loader.import_default_modules()
    retried = {
        name for name, task in app.tasks.items() if OSError in getattr(task, "autoretry_for", ())
    }
    assert retried == {FAN_OUTS[name].name if name in FAN_OUTS else name for name in SENDS}
    assert {name for name in FAN_OUTS if name in app.tasks} == set(FAN_OUTS)  # queued ones run


@pytest.mark.parametrize("name", list(SENDS))
def test_a_goodbye_failing_after_acceptance_sends_one_email_and_no_retry(
    name: str, mentee: User, mentor: User, settings: Settings, eager_tasks: None
) -> None:
    task, args, recipients = SENDS[name](mentee, mentor)
    inbox = Inbox(goodbye=UNREADABLE_GOODBYE)
    with smtp_server(inbox, settings):
        result = task.apply(args=args, throw=False)
    assert sorted(inbox.recipients()) == sorted(recipients)
    assert result.successful(), result.traceback  # not retried, not failed


@pytest.mark.parametrize("name", list(SENDS))
def test_an_email_the_server_refused_is_sent_again_by_the_retry(
    name: str, mentee: User, mentor: User, settings: Settings, eager_tasks: None
) -> None:
    task, args, recipients = SENDS[name](mentee, mentor)
    inbox = Inbox(refuse_first=1)
    with smtp_server(inbox, settings):
        task.apply(args=args, throw=False)
    assert inbox.refusals_left == 0
    assert sorted(inbox.recipients()) == sorted(recipients)


@pytest.mark.parametrize("name", list(FAN_OUTS))
def test_a_refused_second_email_is_sent_again_without_repeating_the_first(
    name: str, mentee: User, mentor: User, settings: Settings, eager_tasks: None
) -> None:
    task, args, recipients = SENDS[name](mentee, mentor)
    inbox = Inbox(accept_before_refusing=1, refuse_first=1)
    with smtp_server(inbox, settings):
        task.apply(args=args, throw=False)
    assert inbox.refusals_left == 0  # the second e-mail was refused once
    assert sorted(inbox.recipients()) == sorted(recipients)


@pytest.mark.parametrize("name", list(FAN_OUTS))
def test_a_fan_out_enqueues_one_task_per_person_and_sends_nothing(
    name: str, mentee: User, mentor: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    task, args, recipients = SENDS[name](mentee, mentor)
    enqueued: list[tuple[Any, ...]] = []
    monkeypatch.setattr(FAN_OUTS[name], "delay", lambda *a: enqueued.append(a))
    task(*args)
    assert mail.outbox == []
    assert [call[:-1] for call in enqueued] == [args, args]
    people = {person.pk: person.email for person in (mentee, mentor)}
    assert sorted(people[call[-1]] for call in enqueued) == sorted(recipients)


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
