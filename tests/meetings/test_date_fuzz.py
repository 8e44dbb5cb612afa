"""No date breaks a page: the schedule, log, reschedule and series forms, driven with dates
over the whole calendar in many time zones, answer with the page or a clear refusal, never
a 500; and no stored moment breaks a page, a calendar file or an e-mail.

The test client re-raises any exception a view lets through, so a 500 fails the test.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matching.models import Pair
from meetings.models import Attendance, Meeting
from meetings.notifications import meeting_update_send
from meetings.services import meeting_schedule
from people.models import User
from tests.meetings.factories import make_pair, when

pytestmark = pytest.mark.django_db

ZONES = [
    "UTC",
    "Europe/Berlin",
    "America/Los_Angeles",
    "Asia/Singapore",
    "Pacific/Kiritimati",  # UTC+14
    "Etc/GMT+12",  # UTC-12
    "Pacific/Pago_Pago",
    "Pacific/Chatham",  # +12:45 with summer time
    "Australia/Lord_Howe",  # a 30-minute summer time shift
    "Asia/Kathmandu",
    "America/St_Johns",
    "Antarctica/Troll",  # a 2-hour summer time shift
    "Africa/Casablanca",
]
FUZZ = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
ANSWERS = {200, 302, 400}

any_day = st.dates(min_value=dt.date.min, max_value=dt.date.max)
near_day = st.integers(min_value=-800, max_value=800).map(
    lambda days: timezone.localdate() + dt.timedelta(days=days)
)
day = st.one_of(any_day, near_day, st.sampled_from([dt.date.min, dt.date.max]))
day_text = st.one_of(
    day.map(dt.date.isoformat), st.sampled_from(["", "10000-01-01", "0000-12-31", "2026-02-30"])
)
time_text = st.one_of(
    st.times().map(lambda t: t.strftime("%H:%M")), st.sampled_from(["00:00", "23:59", "24:00"])
)
when_data = st.fixed_dictionaries(
    {
        "day": day_text,
        "time": time_text,
        "duration": st.sampled_from(["30", "45", "60", "90"]),
        "fold": st.sampled_from(["", "0", "1"]),
        "place": st.sampled_from(["", "Room 4", "Room\r\n4", "https://meet.example/x"]),
    }
)
series_data = st.fixed_dictionaries(
    {
        "repeat": st.sampled_from(["none", "weekly"]),
        "every_weeks": st.sampled_from(["1", "2", "3", "4", ""]),
        "ends": st.sampled_from(["count", "until"]),
        "count": st.sampled_from(["2", "6", "52", "53", ""]),
        "until": day_text,
    }
)


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def pair(mentee: User, mentor: User) -> Pair:
    pair = make_pair(mentee, mentor)
    Pair.objects.filter(pk=pair.pk).update(started_at=timezone.now() - dt.timedelta(days=60))
    pair.refresh_from_db()
    return pair


def _as(person: User, zone: str) -> Client:
    User.objects.filter(pk=person.pk).update(time_zone=zone)
    person.refresh_from_db()
    return _client(person)


def _fresh(pair: Pair) -> None:
    Meeting.objects.filter(pair=pair).delete()


@FUZZ
@given(zone=st.sampled_from(ZONES), data=when_data, series=series_data)
def test_the_schedule_and_series_form_never_fail(
    pair: Pair, zone: str, data: dict[str, str], series: dict[str, str]
) -> None:
    _fresh(pair)
    client = _as(pair.mentee.person, zone)
    response = client.post(reverse("meetings:schedule", args=[pair.pk]), {**data, **series})
    assert response.status_code in ANSWERS
    for meeting in Meeting.objects.filter(pair=pair):
        assert meeting.start.year < dt.date.max.year
        assert meeting.start > timezone.now()
    assert client.get(reverse("meetings:pair", args=[pair.pk])).status_code == 200


@FUZZ
@given(zone=st.sampled_from(ZONES), data=when_data)
def test_the_log_form_never_fails(pair: Pair, zone: str, data: dict[str, str]) -> None:
    _fresh(pair)
    client = _as(pair.mentor.person, zone)
    response = client.post(reverse("meetings:log", args=[pair.pk]), data)
    assert response.status_code in ANSWERS
    for meeting in Meeting.objects.filter(pair=pair):
        assert meeting.start >= pair.started_at - dt.timedelta(days=1)
        assert meeting.end <= timezone.now()
    assert client.get(reverse("meetings:pair", args=[pair.pk])).status_code == 200


@FUZZ
@given(
    zone=st.sampled_from(ZONES),
    data=when_data,
    scope=st.sampled_from(["this", "following"]),
    in_series=st.booleans(),
)
def test_the_reschedule_form_never_fails(
    pair: Pair, zone: str, data: dict[str, str], scope: str, in_series: bool
) -> None:
    _fresh(pair)
    planned = meeting_schedule(
        pair=pair,
        organiser=pair.mentee.person,
        when=when(timezone.localdate() + dt.timedelta(days=3), zone="UTC"),
        every_weeks=2 if in_series else None,
        count=3 if in_series else None,
    )
    client = _as(pair.mentor.person, zone)
    response = client.post(
        reverse("meetings:reschedule", args=[planned[0].pk]), {**data, "scope": scope}
    )
    assert response.status_code in ANSWERS
    assert client.get(reverse("meetings:pair", args=[pair.pk])).status_code == 200


def _stored(pair: Pair, start: dt.datetime, minutes: int, status: str) -> Meeting:
    latest = dt.datetime.max.replace(tzinfo=dt.UTC)
    end = start + min(dt.timedelta(minutes=minutes), latest - start)
    meeting = Meeting.objects.create(
        pair=pair, organiser=pair.mentee.person, start=start, end=end, status=status
    )
    for person in (pair.mentee.person, pair.mentor.person):
        Attendance.objects.create(meeting=meeting, person=person, start=start, end=end)
    return meeting


stored_start = st.one_of(
    st.datetimes(
        min_value=dt.datetime.min,  # noqa: DTZ901 - hypothesis takes naive bounds, zoned below
        max_value=dt.datetime.max - dt.timedelta(minutes=5),  # noqa: DTZ901 - same
        timezones=st.just(dt.UTC),
    ),
    st.integers(min_value=0, max_value=24 * 60).map(
        lambda minutes: (
            dt.datetime.max.replace(second=0, microsecond=0, tzinfo=dt.UTC)
            - dt.timedelta(minutes=minutes)
        )
    ),
    st.integers(min_value=0, max_value=24 * 60).map(
        lambda minutes: dt.datetime.min.replace(tzinfo=dt.UTC) + dt.timedelta(minutes=minutes)
    ),
)


@FUZZ
@given(
    zones=st.tuples(st.sampled_from(ZONES), st.sampled_from(ZONES)),
    start=stored_start,
    minutes=st.sampled_from([5, 30, 60, 480]),
    status=st.sampled_from([Meeting.Status.SCHEDULED, Meeting.Status.CANCELLED]),
)
def test_no_stored_moment_breaks_a_page_a_calendar_or_an_email(
    pair: Pair, zones: tuple[str, str], start: dt.datetime, minutes: int, status: str
) -> None:
    _fresh(pair)
    meeting = _stored(pair, start, minutes, status)
    for person, zone in zip((pair.mentee.person, pair.mentor.person), zones, strict=True):
        client = _as(person, zone)
        for url in (
            reverse("meetings:pair", args=[pair.pk]),
            reverse("meetings:ics", args=[meeting.pk]),
            reverse("meetings:reschedule", args=[meeting.pk]),
            reverse("meetings:cancel", args=[meeting.pk]),
            reverse("journal:pair", args=[pair.pk]),
            reverse("journal:meeting", args=[meeting.pk]),
        ):
            assert client.get(url, follow=True).status_code == 200, url
    mail.outbox.clear()
    assert meeting_update_send(meeting_id=meeting.pk, version=meeting.version) == 2
