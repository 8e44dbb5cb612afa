"""A series is one invitation per person with one recurring event; a change of one of its
meetings updates just that occurrence; the feed and the download name the same event."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from meetings.calendar import feed_ics
from meetings.models import Meeting
from meetings.services import meeting_cancel, meeting_reschedule, meeting_schedule
from people.models import User
from tests.mail import assert_mail_lacks
from tests.meetings.factories import make_pair, when

pytestmark = pytest.mark.django_db
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


@pytest.fixture
def eager_celery() -> Iterator[None]:
    from mentoring.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


def _day(days: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


def _calendar(message: mail.EmailMessage) -> Calendar:
    [attachment] = message.attachments
    part: Any = attachment
    assert part.get_content_type() == "text/calendar"
    calendar = Calendar.from_ical(part.get_payload(decode=True))
    assert part.get_param("method") == str(calendar["METHOD"])
    return calendar


def _only(recipient: User) -> mail.EmailMessage:
    [message] = [m for m in mail.outbox if m.to == [recipient.email]]
    return message


@pytest.fixture
def series(
    eager_celery: None, mentee: User, mentor: User, django_capture_on_commit_callbacks: Any
) -> list[Meeting]:
    mentee.time_zone = mentor.time_zone = "Europe/Berlin"
    mentee.save()
    mentor.save()
    with django_capture_on_commit_callbacks(execute=True):
        return meeting_schedule(
            pair=make_pair(mentee, mentor), organiser=mentee,
            when=when(_day(10), 9, 30), place="Room 4", every_weeks=2, count=4,
        )  # fmt: skip


def test_a_four_meeting_series_is_one_e_mail_per_person(
    series: list[Meeting], mentee: User, mentor: User
) -> None:
    assert Counter(m.to[0] for m in mail.outbox) == {mentee.email: 1, mentor.email: 1}
    calendar = _calendar(_only(mentor))
    assert str(calendar["METHOD"]) == "REQUEST"
    [event] = calendar.walk("VEVENT")
    rule = event["RRULE"]
    assert (rule["FREQ"], rule["INTERVAL"], rule["COUNT"]) == (["WEEKLY"], [2], [4])
    assert event["DTSTART"].dt == series[0].start
    assert event["DTSTART"].dt.tzinfo.key == "Europe/Berlin"  # wall clock kept across DST
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]
    assert event["SEQUENCE"] == 0
    assert "EXDATE" not in event
    body = _only(mentor).body
    assert "invited you to 4 mentoring meetings" in body
    assert "every 2 weeks" in body
    assert f"/meetings/pairs/{series[0].pair_id}/" in body


def test_the_rule_gives_each_meeting_its_time(series: list[Meeting], mentor: User) -> None:
    [event] = _calendar(_only(mentor)).walk("VEVENT")
    from dateutil.rrule import rrulestr

    rule = rrulestr(event["RRULE"].to_ical().decode(), dtstart=event["DTSTART"].dt)
    assert list(rule) == [m.start for m in series]


def test_moving_one_meeting_updates_just_that_occurrence(
    series: list[Meeting], mentee: User, mentor: User, django_capture_on_commit_callbacks: Any
) -> None:
    mail.outbox.clear()
    second, planned = series[1], series[1].start
    with django_capture_on_commit_callbacks(execute=True):
        meeting_reschedule(meeting=second, by=mentor, when=when(_day(25), 15), place="Café")
    assert Counter(m.to[0] for m in mail.outbox) == {mentee.email: 1, mentor.email: 1}
    calendar = _calendar(_only(mentee))
    assert str(calendar["METHOD"]) == "REQUEST"
    [event] = calendar.walk("VEVENT")
    assert event["RECURRENCE-ID"].dt == planned  # where the rule had put it
    assert event["DTSTART"].dt == second.start
    assert str(event["LOCATION"]) == "Café"
    assert event["SEQUENCE"] == 1
    assert "RRULE" not in event
    assert "moved your mentoring meeting" in _only(mentee).body


def test_cancelling_one_meeting_cancels_just_that_occurrence(
    series: list[Meeting], mentee: User, mentor: User, django_capture_on_commit_callbacks: Any
) -> None:
    first_uid = _calendar(_only(mentee)).walk("VEVENT")[0]["UID"]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        meeting_cancel(meeting=series[2], by=mentor)
    assert Counter(m.to[0] for m in mail.outbox) == {mentee.email: 1, mentor.email: 1}
    calendar = _calendar(_only(mentee))
    assert str(calendar["METHOD"]) == "CANCEL"
    [event] = calendar.walk("VEVENT")
    assert event["UID"] == first_uid
    assert event["RECURRENCE-ID"].dt == series[2].start
    assert str(event["STATUS"]) == "CANCELLED"
    assert event["SEQUENCE"] == 1


def test_cancelling_this_and_following_sends_the_series_with_exdates(
    series: list[Meeting], mentee: User, mentor: User, django_capture_on_commit_callbacks: Any
) -> None:
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        meeting_cancel(meeting=series[2], by=mentor, following=True)
    assert Counter(m.to[0] for m in mail.outbox) == {mentee.email: 1, mentor.email: 1}
    calendar = _calendar(_only(mentee))
    assert str(calendar["METHOD"]) == "REQUEST"
    [master] = calendar.walk("VEVENT")
    excluded = [d.dt for d in master["EXDATE"].dts]
    assert excluded == [series[2].start, series[3].start]
    assert master["SEQUENCE"] == 2  # higher than anything sent before
    body = _only(mentee).body
    assert "cancelled" in body


def test_cancelling_the_whole_series_cancels_the_event(
    series: list[Meeting], mentee: User, mentor: User, django_capture_on_commit_callbacks: Any
) -> None:
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        meeting_cancel(meeting=series[0], by=mentor, following=True)
    calendar = _calendar(_only(mentor))
    assert str(calendar["METHOD"]) == "CANCEL"
    [master] = calendar.walk("VEVENT")
    assert "RECURRENCE-ID" not in master
    assert str(master["STATUS"]) == "CANCELLED"


def test_moving_every_meeting_sends_the_series_again(
    series: list[Meeting], mentee: User, mentor: User, django_capture_on_commit_callbacks: Any
) -> None:
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        moved = meeting_reschedule(
            meeting=series[0], by=mentor, when=when(_day(11), 16), place="Room 4", following=True
        )
    calendar = _calendar(_only(mentee))
    [master] = calendar.walk("VEVENT")  # the rule itself moved: no overrides needed
    assert master["DTSTART"].dt == moved[0].start
    assert master["SEQUENCE"] == 4


def test_the_feed_and_the_download_name_the_series_by_the_same_uid(
    series: list[Meeting], mentee: User, mentor: User, django_capture_on_commit_callbacks: Any
) -> None:
    uid = _calendar(_only(mentee)).walk("VEVENT")[0]["UID"]
    planned = series[1].start
    with django_capture_on_commit_callbacks(execute=True):
        meeting_cancel(meeting=series[3], by=mentor)
        meeting_reschedule(meeting=series[1], by=mentor, when=when(_day(25), 15), place="Café")
    feed = Calendar.from_ical(feed_ics(mentee))
    events = feed.walk("VEVENT")
    assert {str(e["UID"]) for e in events} == {str(uid)}
    [master] = [e for e in events if "RRULE" in e]
    [override] = [e for e in events if "RECURRENCE-ID" in e]
    assert [d.dt for d in master["EXDATE"].dts] == [series[3].start]
    assert override["RECURRENCE-ID"].dt == planned
    assert "ATTENDEE" not in master  # a feed carries no e-mail addresses
    client = Client()
    client.force_login(mentee)
    response = client.get(reverse("meetings:ics", kwargs={"meeting_id": series[0].pk}))
    download = Calendar.from_ical(response.content).walk("VEVENT")
    assert {str(e["UID"]) for e in download} == {str(uid)}


def test_series_e_mails_carry_no_content_and_read_in_the_persons_zone(
    series: list[Meeting], mentor: User
) -> None:
    assert_mail_lacks(mail.outbox, "agenda", "notes")
    start = series[0].start.astimezone(BERLIN)
    assert "09:30" in _only(mentor).body
    assert start.tzinfo is not None


def test_a_series_across_the_spring_change_keeps_its_wall_clock_time(
    eager_celery: None, mentee: User, mentor: User, django_capture_on_commit_callbacks: Any
) -> None:
    today = timezone.localdate()
    march = dt.date(today.year + (1 if today.month >= 3 else 0), 3, 15)
    with django_capture_on_commit_callbacks(execute=True):
        series = meeting_schedule(
            pair=make_pair(mentee, mentor), organiser=mentee,
            when=when(march, 9, 30, zone="Europe/Berlin"), every_weeks=1, count=4,
        )  # fmt: skip
    offsets = {m.start.astimezone(BERLIN).utcoffset() for m in series}
    assert len(offsets) == 2  # the series crosses the change to summer time
    [event] = _calendar(_only(mentor)).walk("VEVENT")
    from dateutil.rrule import rrulestr

    rule = rrulestr(event["RRULE"].to_ical().decode(), dtstart=event["DTSTART"].dt)
    assert list(rule) == [m.start for m in series]  # 9:30 in Berlin, before and after


def test_the_feed_query_count_does_not_grow_with_series(
    eager_celery: None, mentee: User, django_capture_on_commit_callbacks: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import UserFactory

    counts = []
    for weeks_ahead in (1, 3):
        pair = make_pair(mentee, UserFactory())
        meeting_schedule(
            pair=pair, organiser=mentee, when=when(_day(7 * weeks_ahead), 8 + weeks_ahead),
            every_weeks=1, count=2 * weeks_ahead,
        )  # fmt: skip
        with CaptureQueriesContext(connection) as queries:
            feed_ics(mentee)
        counts.append(len(queries))
    assert counts[0] == counts[1]
