"""The pulse e-mail and the survey invitation: once per person, links only, opt-out kept."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from checkins.links import pulse_choice
from checkins.mail import PULSES, SURVEYS, pulses_plan, surveys_plan
from checkins.models import PulseMail, SurveyMail
from checkins.services import pulse_answer
from lib.outbox import outbox_deliver_due
from people.models import User
from tests.checkins.factories import held_meeting, new_program, open_survey, pair_in
from tests.mail import mail_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(mentee: User, mentor: User):  # type: ignore[no-untyped-def]
    return held_meeting(pair_in(new_program(), mentee=mentee, mentor=mentor))


def test_each_member_gets_one_pulse_email_per_meeting(meeting, mentee: User) -> None:  # type: ignore[no-untyped-def]
    now = timezone.now()
    assert len(pulses_plan(now=now)) == 2
    assert pulses_plan(now=now + dt.timedelta(minutes=15)) == []  # never a second time
    outbox_deliver_due(PULSES)
    assert len(mail.outbox) == 2
    outbox_deliver_due(PULSES)
    assert len(mail.outbox) == 2
    [to_mentee] = [m for m in mail.outbox if m.to == [mentee.email]]
    text = mail_text(to_mentee)
    assert "How was your meeting with Olu Mentor?" in to_mentee.subject
    assert "List-Unsubscribe" in to_mentee.extra_headers
    tokens = [part.rsplit("/", 2)[-2] for part in text.split() if "/checkins/pulse/" in part]
    choices = {pulse_choice(token) for token in tokens}
    assert {(c.question, c.value) for c in choices if c} >= {("useful", 1), ("useful", 5),
                                                              ("progress", 2)}  # fmt: skip
    assert all(c and c.person_id == mentee.pk for c in choices)


def test_no_pulse_email_when_nudges_are_off_or_already_answered(  # type: ignore[no-untyped-def]
    meeting, mentee: User, mentor: User
) -> None:
    mentee.email_nudges = False
    mentee.save(update_fields=["email_nudges"])
    pulse_answer(meeting=meeting, person=mentor, useful=3)
    pulses_plan(now=timezone.now())
    outbox_deliver_due(PULSES)
    assert mail.outbox == []
    assert set(PulseMail.objects.values_list("status", flat=True)) == {"skipped"}


def test_old_and_cancelled_meetings_get_no_pulse(mentee: User, mentor: User) -> None:
    pair = pair_in(new_program(), mentee=mentee, mentor=mentor)
    held_meeting(pair, days_ago=5)
    assert pulses_plan(now=timezone.now()) == []


def test_members_are_invited_once_when_a_survey_opens(mentee: User, mentor: User) -> None:
    program = new_program()
    pair_in(program, mentee=mentee, mentor=mentor)
    open_survey(program)
    assert len(surveys_plan(now=timezone.now())) == 2
    assert surveys_plan(now=timezone.now()) == []
    outbox_deliver_due(SURVEYS)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([mentee.email, mentor.email])
    assert "/checkins/surveys/" in mail.outbox[0].body
    assert SurveyMail.objects.filter(status="sent").count() == 2
