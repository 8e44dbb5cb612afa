"""A mentee-choice request left unanswered reminds its mentor once, half-way to expiry."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from matching.models import MentorshipRequest, RequestReminder
from matching.upkeep import requests_remind_mentors
from people.models import User
from programs.models import Program
from tests.mail import assert_mail_lacks
from tests.programs.factories import ProgramFactory, enrol

pytestmark = pytest.mark.django_db

SECRET = "canary-request-message-7f3a"


def _request(
    mentee: User, mentor: User, *, days_ago: float, expiry_days: int = 8
) -> MentorshipRequest:
    program = ProgramFactory(
        matching_mode=Program.MatchingMode.CHOICE, request_expiry_days=expiry_days
    )
    created = timezone.now() - dt.timedelta(days=days_ago)
    request = MentorshipRequest.objects.create(
        program=program,
        mentee=enrol(program, mentee),
        mentor=enrol(program, mentor, role="mentor"),
        message=SECRET,
        expires_at=created + dt.timedelta(days=expiry_days),
    )
    MentorshipRequest.objects.filter(pk=request.pk).update(created_at=created)
    request.refresh_from_db()
    return request


def test_an_unanswered_request_reminds_only_the_mentor_once(
    mentee: User, mentor: User, manager: User
) -> None:
    request = _request(mentee, mentor, days_ago=4.5)  # past half of 8 days
    mail.outbox.clear()
    assert requests_remind_mentors() == 1
    assert requests_remind_mentors() == 0
    assert requests_remind_mentors(now=timezone.now() + dt.timedelta(days=2)) == 0
    [message] = mail.outbox
    assert message.to == [mentor.email]
    body = str(message.body)
    assert mentee.full_name in body
    assert request.program.name in body
    assert reverse("matching:requests") in body
    assert_mail_lacks(message, SECRET)
    row = RequestReminder.objects.get(request=request)
    assert (row.status, row.recipient, row.attempts) == ("sent", mentor, 1)


def test_the_reminder_gives_the_deadline_day_and_time_in_the_mentors_zone_and_language(
    mentee: User, mentor: User
) -> None:
    mentor.time_zone, mentor.language = "Asia/Singapore", "de"
    mentor.save(update_fields=["time_zone", "language"])
    request = _request(mentee, mentor, days_ago=4.5)
    mail.outbox.clear()
    assert requests_remind_mentors() == 1
    [message] = mail.outbox
    deadline = request.expires_at.astimezone(zoneinfo.ZoneInfo("Asia/Singapore"))
    assert f"{deadline.day}. " in str(message.body)
    assert f"{deadline.year}, {deadline:%H:%M}" in str(message.body)  # 24 hours in German


def test_no_reminder_before_half_of_the_expiry(mentee: User, mentor: User) -> None:
    request = _request(mentee, mentor, days_ago=3.5)  # half of 8 days is 4
    mail.outbox.clear()
    assert requests_remind_mentors() == 0
    assert mail.outbox == []
    assert requests_remind_mentors(now=request.created_at + dt.timedelta(days=4, minutes=1)) == 1


def test_a_short_expiry_waits_at_least_a_day(mentee: User, mentor: User) -> None:
    request = _request(mentee, mentor, days_ago=0.75, expiry_days=2)
    mail.outbox.clear()
    assert requests_remind_mentors() == 0
    assert requests_remind_mentors(now=request.created_at + dt.timedelta(hours=23)) == 0
    assert mail.outbox == []
    assert requests_remind_mentors(now=request.created_at + dt.timedelta(hours=25)) == 1


@pytest.mark.parametrize("status", ["accepted", "declined", "withdrawn", "expired"])
def test_answered_or_expired_requests_are_not_reminded(
    mentee: User, mentor: User, status: str
) -> None:
    request = _request(mentee, mentor, days_ago=5)
    MentorshipRequest.objects.filter(pk=request.pk).update(status=status)
    mail.outbox.clear()
    assert requests_remind_mentors() == 0
    assert mail.outbox == []


def test_a_request_past_its_expiry_time_is_not_reminded(mentee: User, mentor: User) -> None:
    _request(mentee, mentor, days_ago=9)  # still "open": the expiry task has not run yet
    mail.outbox.clear()
    assert requests_remind_mentors() == 0
    assert mail.outbox == []


def test_an_inactive_mentor_gets_no_e_mail_and_is_not_retried(mentee: User, mentor: User) -> None:
    _request(mentee, mentor, days_ago=5)
    User.objects.filter(pk=mentor.pk).update(is_active=False)
    mail.outbox.clear()
    assert requests_remind_mentors() == 0
    assert requests_remind_mentors() == 0
    assert mail.outbox == []


def test_a_failed_e_mail_is_tried_again_after_its_backoff(
    mentee: User, mentor: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    from lib.outbox import MailSession, outbox_deliver_due
    from matching.upkeep import REQUEST_REMINDERS

    request = _request(mentee, mentor, days_ago=5)

    def broken(self: MailSession, message: object) -> None:
        raise OSError("SMTP down")

    monkeypatch.setattr(MailSession, "send", broken)
    assert requests_remind_mentors() == 0
    row = RequestReminder.objects.get(request=request)
    assert (row.status, row.attempts) == ("pending", 1)
    assert row.due_at > timezone.now()  # backoff in the row
    monkeypatch.undo()
    mail.outbox.clear()
    assert requests_remind_mentors() == 0  # one row per request: planning writes no other
    assert outbox_deliver_due(REQUEST_REMINDERS) == {}  # not due yet
    later = timezone.now() + dt.timedelta(minutes=2)
    assert outbox_deliver_due(REQUEST_REMINDERS, now=later) == {"sent": 1}
    assert [m.to for m in mail.outbox] == [[mentor.email]]
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("sent", 2)


def test_the_beat_schedule_plans_hourly_and_delivers_every_dispatch_tick() -> None:
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["remind-mentors-of-requests"]
    assert entry["task"] == "matching.remind_mentors"
    assert entry["schedule"] == 3600.0
    entry = settings.CELERY_BEAT_SCHEDULE["deliver-request-reminders"]
    assert entry["task"] == "matching.deliver_mail"
    assert entry["schedule"] == float(settings.MENTORING_DISPATCH_SECONDS)
