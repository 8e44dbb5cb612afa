"""A manager in real Chromium: the team's mentoring time, the feed, and a closed journal."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from meetings.services import meeting_cancel
from people.models import User
from tests.browser.conftest import look, sign_in
from tests.factories import UserFactory
from tests.manager_view.helpers import canaries, meet

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_manager_sees_the_teams_meeting_times_and_nothing_else(
    page: Page, live_server: object, manager: User, mentee: User
) -> None:
    base = live_server.url  # type: ignore[attr-defined]
    planted = canaries()
    meeting = meet(mentee, days=2, hour=10, planted=planted)
    meeting_cancel(meeting=meet(mentee, days=4, hour=15), by=mentee)
    UserFactory(full_name="Noor Nomeetings", manager=manager)
    for n in range(22):  # 24 reports: the list by person takes two pages
        UserFactory(full_name=f"Team Member {n:02d}", manager=manager)

    sign_in(page, base, manager)
    page.get_by_role("link", name="My team").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My team's mentoring time")
    switcher = page.get_by_role("navigation", name="Show the meetings as")
    expect(switcher.get_by_role("link", name="Week view")).to_have_attribute("aria-current", "page")
    expect(page.get_by_role("heading", name="Week view")).to_be_visible()
    expect(page.locator(".week .slot").first).to_contain_text(mentee.full_name)
    expect(page.locator(".week .slot")).to_have_count(2)
    expect(page.locator(".week .slot--cancelled del")).to_have_count(1)
    expect(page.locator(".week .slot--cancelled")).to_contain_text("Cancelled")
    expect(page.locator(".week-free-people")).to_contain_text("Noor Nomeetings")
    look(page, "manager-view-week")

    switcher.get_by_role("link", name="By person").click()
    expect(page).to_have_url(f"{base}/team/?view=list")
    expect(switcher.get_by_role("link", name="By person")).to_have_attribute("aria-current", "page")
    expect(page.get_by_role("heading", name="Week view")).to_have_count(0)
    expect(page.get_by_role("heading", name="By person")).to_be_visible()
    card = page.locator(".report").filter(has_text=mentee.full_name)
    expect(card.locator(".report__slot")).to_have_count(2)
    expect(page.locator(".report").filter(has_text="Noor Nomeetings")).to_contain_text(
        "No mentoring meetings in this window"
    )
    expect(card.get_by_role("link", name="Nominate for a program")).to_be_visible()
    expect(card.get_by_role("link", name="Suggest a focus")).to_be_visible()
    content = page.content()
    for canary in planted.all():
        assert canary not in content
    look(page, "manager-view-list")

    page.get_by_role("link", name="Next people").click()
    expect(page).to_have_url(f"{base}/team/?view=list&page=2")
    expect(page.get_by_text("Page 2 of 2")).to_be_visible()
    expect(page.locator(".report")).to_have_count(4)
    look(page, "manager-view-list-page-2")

    page.get_by_role("link", name="Next two weeks").click()
    expect(page).to_have_url(re.compile(r"/team/\?start=\d{4}-\d\d-\d\d&view=list$"))
    expect(page.locator(".report").first).to_contain_text("No mentoring meetings in this window")
    switcher.get_by_role("link", name="Week view").click()
    expect(page).to_have_url(re.compile(r"/team/\?start=\d{4}-\d\d-\d\d&view=week$"))
    expect(page.locator(".week .slot")).to_have_count(0)

    page.get_by_role("link", name="Add to your calendar").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your team's busy-time feed")
    address = page.get_by_label("Team feed address", exact=True).input_value()
    assert "/team/feed/" in address
    look(page, "manager-view-feed")

    page.goto(f"{base}/journal/pairs/{meeting.pair_id}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")

    page.goto(base + "/")
    page.get_by_role("contentinfo").get_by_role("link", name="Who can see what").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Who can see what")
    look(page, "manager-view-who-sees-what")
