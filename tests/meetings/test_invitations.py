"""Invitation, update and cancellation e-mails, each with a calendar file attached."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterator
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone, translation
from django.utils.formats import date_format
from icalendar import Calendar

from meetings.models import Meeting
from meetings.notifications import (
    meeting_update_recipients,
    meeting_update_send,
    meeting_update_send_to,
)
from meetings.services import meeting_cancel, meeting_log, meeting_reschedule, meeting_schedule
from people.models import User
from tests.meetings.factories import make_pair, when

pytestmark = pytest.mark.django_db


@pytest.fixture
def eager_celery() -> Iterator[None]:
    from mentoring.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


def _future(days: int = 10) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


def _ics(message: mail.EmailMessage) -> tuple[str, Calendar]:
    [attachment] = message.attachments
    part: Any = attachment
    assert part.get_filename() == "invite.ics"
    assert part.get_content_type() == "text/calendar"
    calendar = Calendar.from_ical(part.get_payload(decode=True))
    assert part.get_param("method") == str(calendar["METHOD"])
    return str(calendar["METHOD"]), calendar


def _by_recipient() -> dict[str, mail.EmailMessage]:
    return {m.to[0]: m for m in mail.outbox}


@pytest.fixture
def berliner_and_new_yorker(mentee: User, mentor: User) -> tuple[User, User]:
    mentee.time_zone, mentor.time_zone = "Europe/Berlin", "America/New_York"
    mentor.language = "de"
    mentee.save()
    mentor.save()
    return mentee, mentor


def _schedule(mentee: User, mentor: User, capture: Any) -> Meeting:
    with capture(execute=True):
        [meeting] = meeting_schedule(
            pair=make_pair(mentee, mentor), organiser=mentee,
            when=when(_future(), 10, zone="Europe/Berlin"), place="Room 4",
        )  # fmt: skip
    return meeting


def test_scheduling_e_mails_both_people_in_their_own_zone(
    eager_celery: None,
    berliner_and_new_yorker: tuple[User, User],
    django_capture_on_commit_callbacks: Any,
) -> None:
    mentee, mentor = berliner_and_new_yorker
    meeting = _schedule(mentee, mentor, django_capture_on_commit_callbacks)
    sent = _by_recipient()
    assert set(sent) == {mentee.email, mentor.email}
    new_york = meeting.start.astimezone(zoneinfo.ZoneInfo("America/New_York"))
    assert f"{new_york:%H:%M}" in sent[mentor.email].body
    assert "America/New_York" in sent[mentor.email].body
    assert "Ezra Mentee" in sent[mentor.email].body
    assert "Room 4" in sent[mentor.email].body
    assert "10:00" in sent[mentee.email].body  # one 24-hour style
    assert "(Europe/Berlin)" in sent[mentee.email].body
    assert f"/meetings/pairs/{meeting.pair_id}/" in sent[mentee.email].body or (
        str(meeting.pair_id) in sent[mentee.email].body
    )
    method, calendar = _ics(sent[mentor.email])
    assert method == "REQUEST"
    assert str(calendar.walk("VEVENT")[0]["SUMMARY"]).endswith("Ezra Mentee")
    assert "invited you" in sent[mentee.email].body or "You planned" in sent[mentee.email].body


def test_the_invited_person_reads_it_in_their_language(
    eager_celery: None,
    berliner_and_new_yorker: tuple[User, User],
    django_capture_on_commit_callbacks: Any,
) -> None:
    mentee, mentor = berliner_and_new_yorker
    _schedule(mentee, mentor, django_capture_on_commit_callbacks)
    meeting = Meeting.objects.get()
    english, german = _by_recipient()[mentee.email], _by_recipient()[mentor.email]
    new_york = meeting.start.astimezone(zoneinfo.ZoneInfo("America/New_York"))
    with translation.override("de"):
        german_date = date_format(new_york.date())
    with translation.override("en"):
        english_date = date_format(meeting.start.astimezone(zoneinfo.ZoneInfo("Europe/Berlin")))
    assert german_date in german.body
    assert german_date not in english.body
    assert english_date in english.body


def test_rescheduling_sends_an_update_with_a_higher_sequence(
    eager_celery: None, mentee: User, mentor: User, django_capture_on_commit_callbacks: Any
) -> None:
    meeting = _schedule(mentee, mentor, django_capture_on_commit_callbacks)
    first_uid = _ics(_by_recipient()[mentor.email])[1].walk("VEVENT")[0]["UID"]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        meeting_reschedule(meeting=meeting, by=mentor, when=when(_future(12), 15), place="Café")
    sent = _by_recipient()
    assert set(sent) == {mentee.email, mentor.email}
    assert "moved your mentoring meeting" in sent[mentee.email].body
    method, calendar = _ics(sent[mentee.email])
    event = calendar.walk("VEVENT")[0]
    assert method == "REQUEST"
    assert event["UID"] == first_uid
    assert event["SEQUENCE"] == 1
    assert str(event["LOCATION"]) == "Café"


def test_cancelling_sends_method_cancel(
    eager_celery: None, mentee: User, mentor: User, django_capture_on_commit_callbacks: Any
) -> None:
    meeting = _schedule(mentee, mentor, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        meeting_cancel(meeting=meeting, by=mentor)
    sent = _by_recipient()
    assert set(sent) == {mentee.email, mentor.email}
    assert sent[mentee.email].subject.startswith("Cancelled")
    method, calendar = _ics(sent[mentee.email])
    assert method == "CANCEL"
    assert str(calendar.walk("VEVENT")[0]["STATUS"]) == "CANCELLED"


def test_a_superseded_version_sends_nothing(mentee: User, mentor: User) -> None:
    [meeting] = meeting_schedule(
        pair=make_pair(mentee, mentor), organiser=mentee, when=when(_future())
    )
    meeting_reschedule(meeting=meeting, by=mentee, when=when(_future(11)), place="")
    assert meeting_update_send(meeting_id=meeting.pk, version=0) == 0
    assert mail.outbox == []
    assert meeting_update_send(meeting_id=meeting.pk, version=1) == 2


def test_each_send_checks_the_version_and_the_person_again(
    mentee: User, mentor: User, outsider: User
) -> None:
    [meeting] = meeting_schedule(
        pair=make_pair(mentee, mentor), organiser=mentee, when=when(_future())
    )
    assert meeting_update_recipients(meeting_id=meeting.pk, version=0) == [mentee.pk, mentor.pk]
    assert meeting_update_send_to(meeting_id=meeting.pk, version=0, person_id=outsider.pk) == 0
    meeting_reschedule(meeting=meeting, by=mentee, when=when(_future(11)), place="")
    assert meeting_update_send_to(meeting_id=meeting.pk, version=0, person_id=mentee.pk) == 0
    assert mail.outbox == []
    assert meeting_update_send_to(meeting_id=meeting.pk, version=1, person_id=mentor.pk) == 1
    [message] = mail.outbox
    assert message.to == [mentor.email]
    assert message.subject.startswith("Moved")


def test_nothing_is_sent_before_the_transaction_commits(
    eager_celery: None, mentee: User, mentor: User, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        meeting_schedule(pair=make_pair(mentee, mentor), organiser=mentee, when=when(_future()))
    assert mail.outbox == []
    assert len(callbacks) == 1


def test_a_logged_past_meeting_sends_nothing(
    eager_celery: None, mentee: User, mentor: User, django_capture_on_commit_callbacks: Any
) -> None:
    past = timezone.localdate() - dt.timedelta(days=3)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        meeting = meeting_log(pair=make_pair(mentee, mentor), by=mentee, when=when(past))
    assert callbacks == []
    assert meeting_update_send(meeting_id=meeting.pk, version=meeting.version) == 0
    assert mail.outbox == []


def test_a_deleted_meeting_sends_nothing(mentee: User, mentor: User) -> None:
    assert meeting_update_send(meeting_id=987654, version=0) == 0
