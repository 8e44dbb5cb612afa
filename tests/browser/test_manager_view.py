"""A manager in real Chromium: the team's mentoring time, the feed, and a closed journal."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

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
    meet(mentee, days=4, hour=15)
    UserFactory(full_name="Noor Nomeetings", manager=manager)

    sign_in(page, base, manager)
    page.get_by_role("link", name="My team").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My team's mentoring time")
    week = page.get_by_role("heading", name="Week view")
    expect(week).to_be_visible()
    expect(page.locator(".week .slot").first).to_contain_text(mentee.full_name)
    look(page, "manager-view-week")

    page.get_by_role("heading", name="By person").scroll_into_view_if_needed()
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
