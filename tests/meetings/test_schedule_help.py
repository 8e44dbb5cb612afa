"""Planning across time zones: the chosen time on the counterpart's clock, and times in
both people's stated weekly availability."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from matching.models import Pair
from meetings.models import Meeting
from meetings.slots import Availability, shared_slots
from people.models import User
from tests.meetings.factories import make_pair

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
SINGAPORE = zoneinfo.ZoneInfo("Asia/Singapore")
WEEKDAYS_PM = ["mon-pm", "tue-pm", "wed-pm", "thu-pm", "fri-pm"]
WEEKDAYS_AM = ["mon-am", "tue-am", "wed-am", "thu-am", "fri-am"]


# The suggestions themselves ---------------------------------------------------------


def test_suggestions_fit_both_clocks_on_the_half_hour() -> None:
    berlin = Availability(WEEKDAYS_AM, "Europe/Berlin")
    singapore = Availability(WEEKDAYS_PM, "Asia/Singapore")
    after = dt.datetime(2026, 12, 7, 19, 0, tzinfo=dt.UTC)  # a Monday evening
    found = shared_slots([berlin, singapore], after=after, limit=20)
    assert found
    for start in found:
        here, there = start.astimezone(BERLIN), start.astimezone(SINGAPORE)
        assert here.weekday() < 5
        assert there.weekday() < 5
        assert dt.time(9) <= here.time()
        assert (here + dt.timedelta(hours=1)).time() <= dt.time(12)
        assert dt.time(13) <= there.time()
        assert (there + dt.timedelta(hours=1)).time() <= dt.time(17)
        assert start.minute in (0, 30)
        assert start > after
    assert len({start.date() for start in found}) == len(found)  # one a day, spread out
    # Berlin 9:00 (UTC+1) is Singapore 16:00 (UTC+8): the only hour both share.
    assert {start.astimezone(BERLIN).time() for start in found} == {dt.time(9)}


def test_no_suggestion_when_the_days_never_meet() -> None:
    berlin = Availability(["mon-pm"], "Europe/Berlin")
    singapore = Availability(["mon-am"], "Asia/Singapore")  # Monday 9-12 there is 2-5 in Berlin
    after = dt.datetime(2026, 12, 7, 0, 0, tzinfo=dt.UTC)
    assert shared_slots([berlin, singapore], after=after) == []


def test_no_suggestion_when_someone_stated_no_availability() -> None:
    after = dt.datetime(2026, 12, 7, tzinfo=dt.UTC)
    people = [Availability(WEEKDAYS_AM, "Europe/Berlin"), Availability([], "Europe/Paris")]
    assert shared_slots(people, after=after) == []


def test_no_suggestion_when_a_stated_zone_is_unusable() -> None:
    after = dt.datetime(2026, 12, 7, tzinfo=dt.UTC)
    for zone in ("", "Mars/Olympus"):
        people = [Availability(WEEKDAYS_AM, "Europe/Berlin"), Availability(WEEKDAYS_AM, zone)]
        assert shared_slots(people, after=after) == []


def test_summer_time_moves_the_suggestion_on_the_utc_clock() -> None:
    """Berlin changes its clocks, Singapore does not: the shared hour follows Berlin."""
    berlin = Availability(WEEKDAYS_AM, "Europe/Berlin")
    singapore = Availability(WEEKDAYS_PM, "Asia/Singapore")
    winter = shared_slots([berlin, singapore], after=dt.datetime(2026, 3, 16, tzinfo=dt.UTC))
    summer = shared_slots([berlin, singapore], after=dt.datetime(2026, 4, 6, tzinfo=dt.UTC))
    assert {s.astimezone(BERLIN).time() for s in winter} == {dt.time(9)}
    # In summer Berlin is UTC+2: 9:00 there is 15:00 in Singapore, 10:00 is 16:00.
    assert {s.astimezone(BERLIN).time() for s in summer} == {dt.time(9)}
    assert {s.astimezone(SINGAPORE).time() for s in summer} == {dt.time(15)}


def test_a_half_hour_zone_gets_half_hour_starts() -> None:
    kolkata = Availability(WEEKDAYS_PM, "Asia/Kolkata")  # UTC+5:30
    london = Availability(WEEKDAYS_AM, "Europe/London")
    found = shared_slots([kolkata, london], after=dt.datetime(2026, 12, 7, tzinfo=dt.UTC))
    assert found
    for start in found:
        there = start.astimezone(zoneinfo.ZoneInfo("Asia/Kolkata"))
        assert dt.time(13) <= there.time() <= dt.time(16)
        here = start.astimezone(zoneinfo.ZoneInfo("Europe/London"))
        assert dt.time(9) <= here.time() <= dt.time(11)


# The planning page ------------------------------------------------------------------


@pytest.fixture
def far_pair(mentee: User, mentor: User) -> Pair:
    """A mentee in Berlin free on weekday mornings, a mentor in Singapore free afternoons."""
    mentee.time_zone, mentor.time_zone = "Europe/Berlin", "Asia/Singapore"
    mentee.save(update_fields=["time_zone"])
    mentor.save(update_fields=["time_zone"])
    pair = make_pair(mentee, mentor)
    for enrolment, slots, zone in (
        (pair.mentee, WEEKDAYS_AM, "Europe/Berlin"),
        (pair.mentor, WEEKDAYS_PM, "Asia/Singapore"),
    ):
        enrolment.availability, enrolment.time_zone = slots, zone
        enrolment.save(update_fields=["availability", "time_zone"])
    return pair


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _next_weekday(days: int = 10) -> dt.date:
    day = timezone.localdate() + dt.timedelta(days=days)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def _suggested(html: str, zone: zoneinfo.ZoneInfo) -> list[dt.datetime]:
    links = re.findall(r'href="\?day=(\d{4}-\d\d-\d\d)&amp;time=(\d\d:\d\d)"', html)
    return [
        dt.datetime.combine(dt.date.fromisoformat(day), dt.time.fromisoformat(time), zone)
        for day, time in links
    ]


def _within(moment: dt.datetime, opens: int, closes: int) -> bool:
    return moment.weekday() < 5 and dt.time(opens) <= moment.time() <= dt.time(closes - 1)


@pytest.mark.django_db
def test_the_form_suggests_times_on_both_clocks(far_pair: Pair, mentee: User, mentor: User) -> None:
    html = _client(mentee).get(reverse("meetings:schedule", args=[far_pair.pk])).content.decode()
    assert "Times that suit you both" in html
    starts = _suggested(html, BERLIN)  # links carry the mentee's own clock
    assert starts
    for start in starts:
        assert _within(start, 9, 12)
        there = start.astimezone(SINGAPORE)
        assert _within(there, 13, 17)
        assert f"{there:%a} {there:%H:%M} for {mentor.full_name}" in html


@pytest.mark.django_db
def test_the_mentor_sees_the_same_times_on_their_own_clock(
    far_pair: Pair, mentee: User, mentor: User
) -> None:
    client = _client(mentee)
    url = reverse("meetings:schedule", args=[far_pair.pk])
    for_mentee = _suggested(client.get(url).content.decode(), BERLIN)
    for_mentor = _suggested(_client(mentor).get(url).content.decode(), SINGAPORE)
    assert for_mentor == for_mentee  # the same moments, each written on its own clock


@pytest.mark.django_db
def test_a_suggestion_fills_in_the_form_and_shows_the_counterparts_time(
    far_pair: Pair, mentee: User, mentor: User
) -> None:
    day = _next_weekday()
    url = reverse("meetings:schedule", args=[far_pair.pk])
    html = _client(mentee).get(f"{url}?day={day.isoformat()}&time=09:00").content.decode()
    assert f'value="{day.isoformat()}"' in html
    assert 'value="09:00"' in html
    there = dt.datetime.combine(day, dt.time(9), BERLIN).astimezone(SINGAPORE)
    assert f"For {mentor.full_name} that is" in html
    assert f"{there:%H:%M} (Asia/Singapore)" in html


@pytest.mark.django_db
def test_showing_the_counterparts_time_plans_nothing(
    far_pair: Pair, mentee: User, mentor: User
) -> None:
    day = _next_weekday()
    response = _client(mentee).post(
        reverse("meetings:schedule", args=[far_pair.pk]),
        {
            "day": day.isoformat(),
            "time": "10:30",
            "duration": "60",
            "repeat": "none",
            "preview": "1",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    there = dt.datetime.combine(day, dt.time(10, 30), BERLIN).astimezone(SINGAPORE)
    assert f"{there:%H:%M} (Asia/Singapore)" in html
    assert 'value="10:30"' in html  # the input is kept
    assert not Meeting.objects.filter(pair=far_pair).exists()


@pytest.mark.django_db
def test_a_bad_date_in_a_suggestion_link_is_ignored(far_pair: Pair, mentee: User) -> None:
    url = reverse("meetings:schedule", args=[far_pair.pk])
    response = _client(mentee).get(f"{url}?day=2026-13-45&time=25:00")
    assert response.status_code == 200
    assert "Choose a date and time to see it on their clock" in response.content.decode()


@pytest.mark.django_db
def test_without_stated_availability_the_page_says_so(mentee: User, mentor: User) -> None:
    pair = make_pair(mentee, mentor)
    pair.mentor.availability = []
    pair.mentor.save(update_fields=["availability"])
    html = _client(mentee).get(reverse("meetings:schedule", args=[pair.pk])).content.decode()
    assert "No time in the next two weeks" in html
    assert "?day=" not in html


@pytest.mark.django_db
def test_outsiders_get_the_same_404_for_the_help(far_pair: Pair, outsider: User) -> None:
    url = reverse("meetings:schedule", args=[far_pair.pk])
    assert _client(outsider).get(f"{url}?day=2026-12-09&time=09:00").status_code == 404
    missing = reverse("meetings:schedule", args=[987654])
    assert _client(outsider).get(missing).status_code == 404
