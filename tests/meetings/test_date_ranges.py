"""Every date input of the schedule has a sane range, said in the form and enforced with a
clear message; a series longer than the limit is refused, not cut; the place is one line."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from matching.models import Pair
from meetings.models import Meeting
from meetings.notifications import meeting_update_send
from meetings.services import (
    MAX_OCCURRENCES,
    meeting_reschedule,
    meeting_schedule,
    occurrences,
    plan_horizon,
    series_last_day,
)
from people.models import User
from tests.meetings.factories import make_pair, when

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _form(day: dt.date | str, time: str = "10:00", **extra: str) -> dict[str, str]:
    day_text = day if isinstance(day, str) else day.isoformat()
    return {"day": day_text, "time": time, "duration": "60", "repeat": "none", **extra}


def _in_zone(user: User, zone: str) -> User:
    user.time_zone = zone
    user.save(update_fields=["time_zone"])
    return user


@pytest.fixture
def pair(mentee: User, mentor: User) -> Pair:
    pair = make_pair(mentee, mentor)
    Pair.objects.filter(pk=pair.pk).update(started_at=timezone.now() - dt.timedelta(days=30))
    pair.refresh_from_db()
    return pair


def _today() -> dt.date:
    """Today where the people of these tests are (the factories' zone, and ``when``'s): the
    pages and the service count from the person's day, which is not UTC's near midnight."""
    return timezone.localdate(timezone=zoneinfo.ZoneInfo("Europe/Berlin"))


# Scheduling and moving ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "day", "time"),
    [
        ("Europe/Berlin", "9999-12-31", "23:30"),
        ("America/Los_Angeles", "9999-12-31", "23:30"),
        ("Pacific/Kiritimati", "9999-12-31", "10:00"),
        ("Europe/Berlin", "3000-01-01", "10:00"),
    ],
)
def test_a_meeting_beyond_two_years_is_refused_with_the_limit(
    pair: Pair, mentee: User, zone: str, day: str, time: str
) -> None:
    _in_zone(mentee, zone)
    response = _client(mentee).post(reverse("meetings:schedule", args=[pair.pk]), _form(day, time))
    assert response.status_code == 400
    assert "Meetings can be planned up to two years ahead" in response.content.decode()
    assert not Meeting.objects.exists()


def test_the_last_day_of_the_horizon_is_accepted(pair: Pair, mentee: User) -> None:
    last = plan_horizon(_today())
    response = _client(mentee).post(reverse("meetings:schedule", args=[pair.pk]), _form(last))
    assert response.status_code == 302
    assert Meeting.objects.count() == 1


def test_the_schedule_form_states_its_range(pair: Pair, mentee: User) -> None:
    page = _client(mentee).get(reverse("meetings:schedule", args=[pair.pk])).content.decode()
    assert "From today up to two years ahead" in page
    assert f'max="{plan_horizon(_today()).isoformat()}"' in page
    assert f"A series has at most {MAX_OCCURRENCES} meetings." in page


def test_the_service_refuses_a_first_meeting_beyond_the_horizon(pair: Pair, mentee: User) -> None:
    with pytest.raises(ValidationError, match="two years ahead"):
        meeting_schedule(
            pair=pair, organiser=mentee, when=when(plan_horizon(_today()) + dt.timedelta(days=1))
        )


@pytest.mark.parametrize("zone", ["Asia/Singapore", "Pacific/Kiritimati", "Etc/GMT+12"])
def test_the_service_refuses_a_date_with_no_utc_moment_with_a_message(
    pair: Pair, mentee: User, zone: str
) -> None:
    with pytest.raises(ValidationError):
        meeting_schedule(
            pair=pair, organiser=mentee, when=when(dt.date(9999, 12, 31), 23, zone=zone)
        )
    with pytest.raises(ValidationError):
        meeting_schedule(pair=pair, organiser=mentee, when=when(dt.date(1, 1, 1), 0, zone=zone))
    assert not Meeting.objects.exists()


def test_moving_a_meeting_beyond_two_years_is_refused(pair: Pair, mentee: User) -> None:
    [meeting] = meeting_schedule(
        pair=pair, organiser=mentee, when=when(_today() + dt.timedelta(days=3))
    )
    response = _client(mentee).post(
        reverse("meetings:reschedule", args=[meeting.pk]), _form("9999-12-31", "23:30")
    )
    assert response.status_code == 400
    assert "up to two years ahead" in response.content.decode()
    with pytest.raises(ValidationError):
        meeting_reschedule(
            meeting=meeting, by=mentee, when=when(dt.date(9999, 12, 31), 23), place=""
        )
    meeting.refresh_from_db()
    assert meeting.version == 0


# Series -------------------------------------------------------------------------------


def test_a_series_until_9999_is_refused_and_says_the_limit(pair: Pair, mentee: User) -> None:
    first = _today() + dt.timedelta(days=3)
    data = _form(first, repeat="weekly", every_weeks="2", ends="until", until="9999-12-31")
    response = _client(mentee).post(reverse("meetings:schedule", args=[pair.pk]), data)
    assert response.status_code == 400
    text = response.content.decode()
    assert f"A series has at most {MAX_OCCURRENCES} meetings" in text
    assert "every 2 weeks" in text
    assert not Meeting.objects.exists()


def test_a_series_up_to_its_last_possible_day_is_accepted_whole(pair: Pair, mentee: User) -> None:
    first = _today() + dt.timedelta(days=3)
    until = series_last_day(first, 1)
    data = _form(first, repeat="weekly", every_weeks="1", ends="until", until=until.isoformat())
    response = _client(mentee).post(reverse("meetings:schedule", args=[pair.pk]), data)
    assert response.status_code == 302
    assert Meeting.objects.count() == MAX_OCCURRENCES


def test_the_service_refuses_a_series_longer_than_the_limit_instead_of_cutting_it() -> None:
    start = when(_today() + dt.timedelta(days=3))
    assert (
        len(occurrences(start, every_weeks=1, count=None, until=series_last_day(start.day, 1)))
        == 52
    )
    with pytest.raises(ValidationError, match="at most 52 meetings"):
        occurrences(start, every_weeks=1, count=None, until=dt.date(9999, 12, 31))
    with pytest.raises(ValidationError, match="at most 52 meetings"):
        occurrences(start, every_weeks=1, count=53, until=None)


# Logging --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "day"),
    [
        ("Asia/Singapore", "0001-01-01"),
        ("America/Los_Angeles", "0001-01-01"),
        ("Europe/Berlin", "1900-06-01"),
    ],
)
def test_a_meeting_before_the_pair_began_cannot_be_logged(
    pair: Pair, mentor: User, zone: str, day: str
) -> None:
    _in_zone(mentor, zone)
    response = _client(mentor).post(reverse("meetings:log", args=[pair.pk]), _form(day))
    assert response.status_code == 400
    assert "Your pair began on" in response.content.decode()
    assert not Meeting.objects.exists()


def test_the_day_the_pair_began_can_be_logged(pair: Pair, mentor: User) -> None:
    began = timezone.localtime(pair.started_at, dt.UTC).date()
    _in_zone(mentor, "UTC")
    page = _client(mentor).get(reverse("meetings:log", args=[pair.pk])).content.decode()
    assert "From the day your pair began" in page
    response = _client(mentor).post(reverse("meetings:log", args=[pair.pk]), _form(began, "23:00"))
    assert response.status_code == 302
    assert Meeting.objects.get().logged


# The place is one line -----------------------------------------------------------------


def test_line_breaks_in_the_place_become_spaces_and_the_email_stays_intact(
    pair: Pair, mentee: User, mentor: User
) -> None:
    place = "Room 4\r\nBcc: someone@example.com\n\nThe meeting is off\u2028really"
    day = _today() + dt.timedelta(days=3)
    response = _client(mentee).post(
        reverse("meetings:schedule", args=[pair.pk]), _form(day, place=place)
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert meeting.place == "Room 4 Bcc: someone@example.com The meeting is off really"
    mail.outbox.clear()
    assert meeting_update_send(meeting_id=meeting.pk, version=meeting.version) == 2
    body = next(m for m in mail.outbox if m.to == [mentor.email]).body
    lines = body.splitlines()
    assert "Where: Room 4 Bcc: someone@example.com The meeting is off really" in lines
    assert not any(line.startswith(("Bcc:", "The meeting is off", "really")) for line in lines)


def test_a_stored_place_with_line_breaks_is_one_line_in_every_email(
    pair: Pair, mentee: User, mentor: User
) -> None:
    [meeting] = meeting_schedule(
        pair=pair, organiser=mentee, when=when(_today() + dt.timedelta(days=3))
    )
    Meeting.objects.filter(pk=meeting.pk).update(place="Room 4\nIgnore the above")
    mail.outbox.clear()
    meeting_update_send(meeting_id=meeting.pk, version=meeting.version)
    for message in mail.outbox:
        assert "Where: Room 4 Ignore the above" in message.body.splitlines()
    reminder = render_to_string(
        "meetings/email/reminder_message.txt", {"place": "Room 4\r\nIgnore the above"}
    )
    assert "Where: Room 4 Ignore the above" in reminder.splitlines()


def test_the_service_keeps_the_place_on_one_line(pair: Pair, mentee: User) -> None:
    [meeting] = meeting_schedule(
        pair=pair, organiser=mentee, when=when(_today() + dt.timedelta(days=3)), place="a\nb"
    )
    assert meeting.place == "a b"
    [moved] = meeting_reschedule(
        meeting=meeting, by=mentee, when=when(_today() + dt.timedelta(days=4)), place="c\r\nd"
    )
    assert moved.place == "c d"
