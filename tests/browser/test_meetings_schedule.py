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
    page.get_by_role("textbox", name="Time", exact=True).fill(time)


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


def _fits_the_phone(page: Page) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    page.set_viewport_size({"width": 1280, "height": 900})
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px at 390px"


def test_a_mentee_in_berlin_picks_a_time_that_suits_a_mentor_in_singapore(
    page: Page, live_server: object, mentee: User, mentor: User
) -> None:
    base = live_server.url  # type: ignore[attr-defined]
    mentor.time_zone = "Asia/Singapore"
    mentor.save(update_fields=["time_zone"])
    pair = make_pair(mentee, mentor)
    for enrolment, part, zone in (
        (pair.mentee, "am", "Europe/Berlin"),
        (pair.mentor, "pm", "Asia/Singapore"),
    ):
        enrolment.availability = [f"{day}-{part}" for day in ("mon", "tue", "wed", "thu", "fri")]
        enrolment.time_zone = zone
        enrolment.save(update_fields=["availability", "time_zone"])
    sign_in(page, base, mentee)
    page.goto(f"{base}/meetings/pairs/{pair.pk}/schedule/")
    expect(page.get_by_role("heading", name="Times that suit you both")).to_be_visible()
    expect(page.get_by_text("Olu Mentor lives in Asia/Singapore")).to_be_visible()
    look(page, "meetings-schedule-suggestions")
    _fits_the_phone(page)

    page.locator(".slot-list__link").first.click()
    expect(
        page.get_by_text(re.compile(r"For Olu Mentor that is .* \(Asia/Singapore\)"))
    ).to_be_visible()
    chosen_day = page.get_by_label("Date", exact=True).input_value()
    chosen_time = page.get_by_role("textbox", name="Time", exact=True).input_value()
    start = dt.datetime.combine(
        dt.date.fromisoformat(chosen_day), dt.time.fromisoformat(chosen_time), BERLIN
    )
    there = start.astimezone(zoneinfo.ZoneInfo("Asia/Singapore"))
    expect(page.locator("[data-counterpart-text]")).to_contain_text(f"{there:%H:%M}")
    look(page, "meetings-schedule-counterpart-time")

    # The script follows the time as it is typed: 10:00 in Berlin is 17:00 in Singapore.
    page.get_by_role("textbox", name="Time", exact=True).fill("10:00")
    later = dt.datetime.combine(start.date(), dt.time(10), BERLIN).astimezone(there.tzinfo)
    expect(page.locator("[data-counterpart-text]")).to_contain_text(f"{later:%-I:%M}")

    page.get_by_role("textbox", name="Time", exact=True).fill(chosen_time)
    page.get_by_role("button", name="Schedule").click()
    expect(page.get_by_text("Meeting planned for")).to_be_visible()
    meeting = Meeting.objects.get(pair=pair)
    assert meeting.start == start
