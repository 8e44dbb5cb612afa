"""The mentee plans a recurring meeting on the pair page; the mentor accepts the first."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from meetings.models import Attendance, Meeting
from people.models import User
from tests.browser.conftest import look, sign_in
from tests.meetings.factories import make_pair

pytestmark = pytest.mark.django_db(transaction=True)
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


def _next_autumn_change() -> dt.date:
    day = timezone.localdate() + dt.timedelta(days=1)
    while not (
        dt.datetime.combine(day, dt.time(12), BERLIN).utcoffset()  # type: ignore[operator]
        < dt.datetime.combine(day, dt.time(0), BERLIN).utcoffset()
    ):
        day += dt.timedelta(days=1)
    return day


def _fill_when(page: Page, day: dt.date, time: str) -> None:
    page.get_by_label("Date", exact=True).fill(day.isoformat())
    page.get_by_label(re.compile(r"^Time")).fill(time)


def test_the_mentee_plans_a_series_and_the_mentor_accepts_the_first(
    page: Page, live_server: object, mentee: User, mentor: User
) -> None:
    base = live_server.url  # type: ignore[attr-defined]
    pair = make_pair(mentee, mentor)
    sign_in(page, base, mentee)
    page.goto(f"{base}/meetings/pairs/{pair.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Meetings with Olu Mentor")
    expect(page.get_by_text("No meetings planned")).to_be_visible()
    look(page, "meetings-pair-empty")

    page.get_by_role("link", name="Schedule a meeting").first.click()
    _fill_when(page, timezone.localdate() - dt.timedelta(days=2), "09:30")
    page.get_by_role("button", name="Schedule").click()
    expect(page.get_by_role("alert")).to_contain_text("This date has passed")
    look(page, "meetings-schedule-error")

    autumn = _next_autumn_change()
    _fill_when(page, autumn, "02:30")
    page.get_by_role("button", name="Schedule").click()
    expect(page.get_by_text("happens twice")).to_be_visible()
    expect(page.get_by_label("02:30 CET (second)")).to_be_visible()
    look(page, "meetings-schedule-overlap")

    first = timezone.localdate() + dt.timedelta(days=7)
    _fill_when(page, first, "09:30")
    page.get_by_label("Place or video link").fill("https://meet.example.com/ezra-olu")
    page.get_by_label("Repeats", exact=True).check()
    page.get_by_label("Every").select_option(label="2 weeks")
    page.get_by_label("After a number of times").check()
    page.get_by_role("spinbutton", name=re.compile("^Number of times")).fill("3")
    page.get_by_role("button", name="Schedule").click()
    expect(page.get_by_text("3 meetings planned")).to_be_visible()
    assert Meeting.objects.filter(pair=pair).count() == 3

    page.context.clear_cookies()
    sign_in(page, base, mentor)
    page.goto(f"{base}/matching/pairs/")
    page.get_by_role("link", name=re.compile("^Meetings")).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Meetings with Ezra Mentee")
    page.get_by_role("button", name=re.compile("^Accept")).first.click()
    expect(page.get_by_text("You accepted the meeting")).to_be_visible()
    first_meeting = Meeting.objects.filter(pair=pair).order_by("start").first()
    assert Attendance.objects.get(meeting=first_meeting, person=mentor).response == "accepted"
    expect(page.get_by_role("link", name=re.compile("Join the video call")).first).to_be_visible()
    look(page, "meetings-pair-with-meetings")
