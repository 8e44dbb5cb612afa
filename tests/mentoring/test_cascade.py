"""The whole cascade through the wiring table (``mentoring/wiring.py``), through the real
services: a mentor withdraws from a program -> their pairs there end -> the pairs' future
meetings are cancelled -> their pending reminders are skipped -> both people of each
cancelled meeting get one cancellation e-mail, after the commit, and nothing else is sent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format

from matching.models import Pair
from matching.services import pair_create
from meetings.models import Meeting, Reminder
from meetings.reminders import reminders_claim_due
from meetings.services import meeting_log, meeting_schedule
from meetings.timezones import local
from people.models import User
from programs import events
from programs.models import Enrolment, Program
from programs.services import enrolment_withdraw
from tests.factories import UserFactory
from tests.meetings.factories import when
from tests.programs.factories import ProgramFactory, enrol

pytestmark = pytest.mark.django_db


def _pair(program: Program, mentee: User, mentor: Enrolment) -> Pair:
    with transaction.atomic():
        return pair_create(mentee=enrol(program, mentee), mentor=mentor, origin=Pair.Origin.MANUAL)


def _in_days(days: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


def _cancellation_subject(meeting: Meeting, person: User, other: User) -> str:
    with translation.override(person.language):
        day = date_format(local(meeting.start, person.time_zone).date())
    return f"Cancelled: mentoring meeting with {other.full_name} on {day}"


@pytest.fixture
def cascade(mentee: User, mentor: User, outsider: User) -> dict[str, Any]:
    """The mentor mentors two people in one program and is mentored in another."""
    program, elsewhere = ProgramFactory(), ProgramFactory()
    seat = enrol(program, mentor, role=Enrolment.Role.MENTOR)
    first, second = _pair(program, mentee, seat), _pair(program, outsider, seat)
    other_mentor = UserFactory(full_name="Ines Other")
    untouched = _pair(elsewhere, mentor, enrol(elsewhere, other_mentor, role=Enrolment.Role.MENTOR))
    past = meeting_log(pair=first, by=mentee, when=when(_in_days(-3)))
    [soon] = meeting_schedule(pair=first, organiser=mentee, when=when(_in_days(3), 9))
    series = meeting_schedule(
        pair=second, organiser=outsider, when=when(_in_days(4), 11), every_weeks=1, count=2
    )
    [kept] = meeting_schedule(pair=untouched, organiser=mentor, when=when(_in_days(5), 15))
    return {
        "seat": seat, "pairs": (first, second), "untouched": untouched, "past": past,
        "cancelled": [soon, *series], "kept": kept,
    }  # fmt: skip


def test_a_withdrawal_ends_the_pairs_cancels_their_meetings_and_e_mails_only_that(
    cascade: dict[str, Any],
    mentee: User,
    mentor: User,
    outsider: User,
    eager_tasks: None,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    for meeting in [*cascade["cancelled"], cascade["kept"]]:
        assert {r.status for r in Reminder.objects.filter(meeting=meeting)} == {"pending"}
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        enrolment_withdraw(enrolment=cascade["seat"])
        assert mail.outbox == []  # nothing leaves before the commit

    statuses = dict(Pair.objects.values_list("pk", "status"))
    assert [statuses[pair.pk] for pair in cascade["pairs"]] == ["ended", "ended"]
    assert statuses[cascade["untouched"].pk] == "active"
    meetings = dict(Meeting.objects.values_list("pk", "status"))
    assert {meetings[m.pk] for m in cascade["cancelled"]} == {"cancelled"}
    assert meetings[cascade["past"].pk] == meetings[cascade["kept"].pk] == "scheduled"

    cancelled_rows = Reminder.objects.filter(meeting__in=cascade["cancelled"])
    assert cancelled_rows.count() == 3 * 2 * 2  # meetings x people x offsets
    assert {row.status for row in cancelled_rows} == {"skipped"}
    due_later = reminders_claim_due(now=timezone.now() + dt.timedelta(days=30), batch=100)
    assert set(due_later) == set(
        Reminder.objects.filter(meeting=cascade["kept"]).values_list("pk", flat=True)
    )

    soon = cascade["cancelled"][0]
    expected = [
        (person.email, _cancellation_subject(soon, person, other))
        for person, other in ((mentee, mentor), (mentor, mentee))
    ] + [  # the whole series at once: one cancellation of its recurring event per person
        (person.email, f"Cancelled: mentoring meetings with {other.full_name}")
        for person, other in ((outsider, mentor), (mentor, outsider))
    ]
    sent = [(message.to[0], message.subject) for message in mail.outbox]
    assert [len(message.to) for message in mail.outbox] == [1] * len(mail.outbox)
    assert sorted(sent) == sorted(expected)
    for message in mail.outbox:
        [attachment] = message.attachments
        part: Any = attachment
        assert part.get_param("method") == "CANCEL"


def test_a_failing_receiver_rolls_the_whole_withdrawal_back(
    cascade: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(_event: events.EnrolmentWithdrawn) -> None:
        raise ValidationError("refused")

    receivers = [*events.enrolment_withdrawn.receivers, refuse]
    monkeypatch.setattr(events.enrolment_withdrawn, "_receivers", receivers)
    with pytest.raises(ValidationError, match="refused"):
        enrolment_withdraw(enrolment=cascade["seat"])

    cascade["seat"].refresh_from_db()
    assert cascade["seat"].status != Enrolment.Status.WITHDRAWN
    assert set(Pair.objects.values_list("status", flat=True)) == {"active"}
    assert set(Meeting.objects.values_list("status", flat=True)) == {"scheduled"}
    assert set(Reminder.objects.values_list("status", flat=True)) == {"pending"}
