"""The calendar feed page in real Chromium: find the address, reset it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from meetings.models import CalendarFeed
from people.models import User
from tests.browser.conftest import look, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_person_finds_and_resets_their_calendar_feed(
    page: Page, live_server: object, mentee: User
) -> None:
    base = live_server.url  # type: ignore[attr-defined]
    sign_in(page, base, mentee)
    page.goto(f"{base}/meetings/calendar/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your calendar feed")
    address = page.get_by_label("Calendar feed address")
    old = address.input_value()
    assert old.endswith(f"{CalendarFeed.objects.get(person=mentee).token}.ics")
    look(page, "meetings-calendar-feed")
    page.get_by_role("button", name="Reset the address").click()
    expect(page.get_by_role("alert").or_(page.locator(".alert-success"))).to_contain_text(
        "new address"
    )
    new = page.get_by_label("Calendar feed address").input_value()
    assert new != old
    assert new.endswith(f"{CalendarFeed.objects.get(person=mentee).token}.ics")
    look(page, "meetings-calendar-feed-reset")
