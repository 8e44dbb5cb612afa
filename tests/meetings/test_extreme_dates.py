"""No stored time breaks a page or an e-mail, and no form lets one in.

A meeting near the ends of the calendar (year 9999 in UTC seen east of UTC, year 1 seen
west of it) has no local date in the viewer's zone. Those rows may already be stored, so
every place that shows a meeting must still answer; the forms and services keep new ones
out with a clear message.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from matching.models import Pair
from meetings.feeds import Kind, feed_token
from meetings.models import Attendance, Meeting
from meetings.notifications import meeting_update_send
from meetings.services import meeting_cancel
from people.models import User
from tests.meetings.factories import make_pair

pytestmark = pytest.mark.django_db
LATEST = dt.datetime(9999, 12, 31, 23, 30, tzinfo=dt.UTC)  # 9999-12-31 23:30 UTC
EARLIEST = dt.datetime(1, 1, 1, 0, 30, tzinfo=dt.UTC)


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _stored(pair: Pair, start: dt.datetime, end: dt.datetime, **fields: object) -> Meeting:
    """A meeting written straight to the database, as an older version of the app let it."""
    meeting = Meeting.objects.create(
        pair=pair, organiser=pair.mentee.person, start=start, end=end, **fields
    )
    for person in (pair.mentee.person, pair.mentor.person):
        Attendance.objects.create(meeting=meeting, person=person, start=start, end=end)
    return meeting


@pytest.fixture
def pair(mentee: User, mentor: User) -> Pair:
    mentor.time_zone = "Asia/Tokyo"
    mentor.save(update_fields=["time_zone"])
    mentee.time_zone = "America/Los_Angeles"
    mentee.save(update_fields=["time_zone"])
    return make_pair(mentee, mentor)


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (LATEST - dt.timedelta(hours=1), LATEST),
        (EARLIEST, EARLIEST + dt.timedelta(hours=1)),
    ],
    ids=["year-9999", "year-1"],
)
@pytest.mark.parametrize("logged", [False, True], ids=["scheduled", "logged"])
def test_pages_with_a_meeting_at_the_ends_of_the_calendar_still_answer(
    pair: Pair, start: dt.datetime, end: dt.datetime, logged: bool
) -> None:
    meeting = _stored(pair, start, end, logged=logged)
    for person in (pair.mentee.person, pair.mentor.person):
        client = _client(person)
        for url in (
            reverse("meetings:pair", args=[pair.pk]),
            reverse("journal:meeting", args=[meeting.pk]),
            reverse("journal:pair", args=[pair.pk]),
            reverse("meetings:reschedule", args=[meeting.pk]),
            reverse("meetings:cancel", args=[meeting.pk]),
            reverse("meetings:ics", args=[meeting.pk]),
            reverse("meetings:feed", args=[feed_token(person_id=person.pk, kind=Kind.OWN)]),
        ):
            response = client.get(url, follow=True)
            assert response.status_code == 200, (url, person.time_zone)


def test_an_extreme_meeting_shows_its_moment_in_utc_and_says_so(pair: Pair) -> None:
    _stored(pair, LATEST - dt.timedelta(hours=1), LATEST)
    page = _client(pair.mentor.person).get(reverse("meetings:pair", args=[pair.pk]))
    text = page.content.decode()
    assert "31 Dec 9999" in text  # the English short date
    assert "22:30\u201323:30" in text
    assert "UTC" in text


def test_cancelling_an_extreme_meeting_works_and_both_are_emailed(pair: Pair) -> None:
    meeting = _stored(pair, LATEST - dt.timedelta(hours=1), LATEST)
    response = _client(pair.mentee.person).post(
        reverse("meetings:cancel", args=[meeting.pk]), {"scope": "this"}
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.is_cancelled
    assert meeting_update_send(meeting_id=meeting.pk, version=meeting.version) == 2
    bodies = {message.to[0]: message.body for message in mail.outbox}
    tokyo = bodies[pair.mentor.person.email]
    assert "31 December 9999 at 22:30 (UTC)" in tokyo
    assert "(UTC)" in tokyo
    assert "Asia/Tokyo" not in tokyo


@pytest.mark.parametrize(
    ("start", "end"),
    [(LATEST - dt.timedelta(hours=1), LATEST), (EARLIEST, EARLIEST + dt.timedelta(hours=1))],
    ids=["year-9999", "year-1"],
)
def test_invitations_for_extreme_meetings_are_sent(
    pair: Pair, start: dt.datetime, end: dt.datetime
) -> None:
    meeting = _stored(pair, start, end)
    assert meeting_update_send(meeting_id=meeting.pk, version=meeting.version) == 2
    assert all(message.attachments for message in mail.outbox)


def test_a_cancelled_extreme_meeting_does_not_break_the_page(pair: Pair) -> None:
    meeting = _stored(pair, LATEST - dt.timedelta(hours=1), LATEST)
    meeting_cancel(meeting=meeting, by=pair.mentee.person)
    for person in (pair.mentee.person, pair.mentor.person):
        page = _client(person).get(reverse("meetings:pair", args=[pair.pk]))
        assert page.status_code == 200
        assert "Cancelled" in page.content.decode()


def test_the_last_minute_of_the_calendar_in_utc(pair: Pair) -> None:
    last = dt.datetime.max.replace(tzinfo=dt.UTC)
    meeting = _stored(pair, last.replace(second=0, microsecond=0), last)
    person = pair.mentee.person
    person.time_zone = "UTC"
    person.save(update_fields=["time_zone"])
    for url in (
        reverse("meetings:pair", args=[pair.pk]),
        reverse("meetings:ics", args=[meeting.pk]),
        reverse("meetings:reschedule", args=[meeting.pk]),
        reverse("meetings:cancel", args=[meeting.pk]),
        reverse("journal:pair", args=[pair.pk]),
        reverse("journal:meeting", args=[meeting.pk]),
    ):
        assert _client(person).get(url, follow=True).status_code == 200, url
    assert meeting_update_send(meeting_id=meeting.pk, version=meeting.version) == 2


@pytest.mark.parametrize(
    "start", [EARLIEST, LATEST - dt.timedelta(hours=1)], ids=["year-1", "year-9999"]
)
def test_an_extreme_meeting_can_be_cancelled_and_moved_back_to_sane_dates(
    pair: Pair, start: dt.datetime
) -> None:
    meeting = _stored(pair, start, start + dt.timedelta(hours=1))
    client = _client(pair.mentee.person)
    day = (timezone.localdate() + dt.timedelta(days=5)).isoformat()
    data = {"day": day, "time": "10:00", "duration": "60", "place": ""}
    response = client.post(reverse("meetings:reschedule", args=[meeting.pk]), data)
    assert response.status_code == 302
    meeting.refresh_from_db()
    if start > timezone.now():  # moved; one in year 1 is in the past and stays put
        assert meeting.start < timezone.now() + dt.timedelta(days=6)
    else:
        assert meeting.start == start
    response = client.post(reverse("meetings:cancel", args=[meeting.pk]), {"scope": "this"})
    assert response.status_code == 302


def test_a_reminder_for_a_meeting_at_the_calendars_end_says_utc_for_both_times(
    pair: Pair,
) -> None:
    """Start and end are on one clock in the reminder, and the zone it names is that
    clock's: a meeting whose end has no date in Tokyo is told in UTC, not labelled Tokyo."""
    from meetings.models import Reminder
    from meetings.reminders import reminder_message

    meeting = _stored(pair, LATEST - dt.timedelta(hours=10), LATEST)
    reminder = Reminder.objects.create(
        meeting=meeting, recipient=pair.mentor.person, kind="before_60", due_at=timezone.now()
    )
    text = reminder_message(reminder).body
    assert "(UTC)" in text
    assert "Asia/Tokyo" not in text
    assert "13:30" in text
    assert "23:30" in text
