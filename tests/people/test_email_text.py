"""Names with ' & < > " reach every e-mail as written: subjects and plain-text bodies are
not HTML, so nothing in them is HTML-escaped; an HTML body escapes them.

One test per e-mail the app composes (grep send_mail/EmailMessage/render_to_string in
the apps); a new e-mail belongs here too.
"""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.core import mail
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.utils import timezone

from hr_view.digest import digest_send
from lib.outbox import outbox_deliver
from matching.models import MentorshipRequest
from matching.notifications import pair_introduction_send
from matching.upkeep import requests_remind_mentors
from meetings.models import Meeting, Reminder
from meetings.notifications import meeting_update_send_to
from meetings.nudges import NUDGES, nudges_plan
from meetings.reminders import reminder_message
from meetings.services import meeting_cancel, meeting_schedule
from people.models import User
from people.notifications import person_send_invitation
from programs.models import Enrolment, Program
from programs.notifications import enrolment_decision_send, program_invitation_send
from tests.factories import UserFactory, make_hr_admin
from tests.meetings.factories import make_pair, when
from tests.programs.factories import ProgramFactory, enrol

pytestmark = pytest.mark.django_db

NAME = "D'Arcy O'Brien & Co"
OTHER = 'Ada "Ace" <Lovelace>'
PROGRAM = "R&D 'Growth' <Circle>"
PLACE = "Café 'Zur Post' & Bar"
# What autoescaping makes of those characters; none belongs in a subject or plain text.
ENTITY = re.compile(r"&(amp|lt|gt|quot|#x27|#39|#34);")


def _plain(message: EmailMessage, *expected: str) -> None:
    """Subject and text body carry each of ``expected`` as written, and no entity."""
    assert not ENTITY.search(message.subject), message.subject
    assert not ENTITY.search(str(message.body)), message.body
    text = f"{message.subject}\n{message.body}"
    for value in expected:
        assert value in text, (value, text)


@pytest.fixture
def quinn() -> User:
    return UserFactory(full_name=NAME)


@pytest.fixture
def ada() -> User:
    return UserFactory(full_name=OTHER, title="R&D <lead>")


def test_the_account_invitation(quinn: User) -> None:
    assert person_send_invitation(user_id=quinn.pk)
    [message] = mail.outbox
    _plain(message, f"Hello {NAME},")


def test_the_program_invitation(quinn: User) -> None:
    program = ProgramFactory(name=PROGRAM)
    program_invitation_send(program_id=program.pk, person_id=quinn.pk)
    [message] = mail.outbox
    _plain(message, f"“{PROGRAM}”")
    assert PROGRAM in message.subject


@pytest.mark.parametrize("status", [Enrolment.Status.ACCEPTED, Enrolment.Status.DECLINED])
def test_the_enrolment_decision(quinn: User, status: str) -> None:
    enrolment = enrol(ProgramFactory(name=PROGRAM), quinn)
    Enrolment.objects.filter(pk=enrolment.pk).update(status=status)
    enrolment_decision_send(enrolment_id=enrolment.pk)
    [message] = mail.outbox
    _plain(message, f"“{PROGRAM}”")
    assert PROGRAM in message.subject


def test_the_pair_introduction(quinn: User, ada: User) -> None:
    pair = make_pair(quinn, ada)
    Program.objects.filter(pk=pair.program_id).update(name=PROGRAM)
    assert pair_introduction_send(pair_id=pair.pk) == 2
    by_recipient = {m.to[0]: m for m in mail.outbox}
    _plain(by_recipient[quinn.email], OTHER, "R&D <lead>", PROGRAM)
    assert OTHER in by_recipient[quinn.email].subject
    _plain(by_recipient[ada.email], NAME, PROGRAM)
    assert NAME in by_recipient[ada.email].subject


def test_the_request_reminder(quinn: User, ada: User) -> None:
    program = ProgramFactory(name=PROGRAM, matching_mode=Program.MatchingMode.CHOICE)
    request = MentorshipRequest.objects.create(
        program=program,
        mentee=enrol(program, quinn),
        mentor=enrol(program, ada, role="mentor"),
        message="Hello",
        expires_at=timezone.now() + dt.timedelta(days=4),
    )
    MentorshipRequest.objects.filter(pk=request.pk).update(
        created_at=timezone.now() - dt.timedelta(days=4)
    )
    assert requests_remind_mentors() == 1
    [message] = mail.outbox
    _plain(message, PROGRAM)
    assert NAME in message.subject


def test_the_nudge(quinn: User, ada: User) -> None:
    pair = make_pair(quinn, ada)
    Program.objects.filter(pk=pair.program_id).update(nudge_after_days=14)
    type(pair).objects.filter(pk=pair.pk).update(started_at=timezone.now() - dt.timedelta(days=20))
    mail_ids = nudges_plan(now=timezone.now())
    assert outbox_deliver(NUDGES, mail_ids) == 2
    by_recipient = {m.to[0]: m for m in mail.outbox}
    _plain(by_recipient[quinn.email], OTHER)
    assert OTHER in by_recipient[quinn.email].subject
    _plain(by_recipient[ada.email], NAME)
    assert NAME in by_recipient[ada.email].subject


def test_the_hr_digest(quinn: User) -> None:
    make_hr_admin(quinn)
    ProgramFactory(name=PROGRAM)
    assert digest_send(now=timezone.now()) == 1
    [message] = mail.outbox
    _plain(message, "Hello D'Arcy,", PROGRAM)


@pytest.mark.parametrize("cancelled", [False, True])
def test_the_meeting_invitation_and_cancellation(quinn: User, ada: User, cancelled: bool) -> None:
    day = timezone.localdate() + dt.timedelta(days=3)
    [meeting] = meeting_schedule(
        pair=make_pair(quinn, ada), organiser=quinn, when=when(day, 10), place=PLACE
    )
    if cancelled:
        meeting_cancel(meeting=meeting, by=quinn)
        meeting = Meeting.objects.get(pk=meeting.pk)
    mail.outbox.clear()
    assert meeting_update_send_to(meeting_id=meeting.pk, version=meeting.version, person_id=ada.pk)
    [message] = mail.outbox
    _plain(message, NAME) if cancelled else _plain(message, NAME, PLACE)
    assert NAME in message.subject


def test_the_meeting_reminder_escapes_only_its_html(quinn: User, ada: User) -> None:
    day = timezone.localdate() + dt.timedelta(days=3)
    [meeting] = meeting_schedule(
        pair=make_pair(quinn, ada), organiser=quinn, when=when(day, 10), place=PLACE
    )
    reminder = Reminder.objects.select_related("recipient", "meeting").get(
        meeting=meeting, recipient=ada, kind="before_60"
    )
    message = reminder_message(reminder)
    assert isinstance(message, EmailMultiAlternatives)
    _plain(message, NAME, PLACE)
    assert NAME in message.subject
    [(page, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    assert html.escape(NAME) in str(page)
    assert html.escape(PLACE) in str(page)
    assert NAME not in str(page)
