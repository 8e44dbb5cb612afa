"""A mentee signs in, sees the unread count in the header, opens the notifications, opens
one (it leads to its page), and the count goes down; then marks the rest read."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import transaction
from django.utils import timezone
from playwright.sync_api import Page, expect

from matching.models import Pair
from matching.services import pair_create
from meetings.services import meeting_schedule
from people.models import User
from programs.models import Enrolment, Program
from programs.services import nomination_create
from tests.browser.conftest import look, sign_in
from tests.meetings.factories import when
from tests.programs.factories import ProgramFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _news_for(mentee: User, mentor: User, manager: User) -> Pair:
    """Three notifications for the mentee, made by the real services."""
    program = ProgramFactory(name="Grow Together", status=Program.Status.ACTIVE)
    with transaction.atomic():
        pair = pair_create(
            mentee=Enrolment.objects.create(
                program=program, person=mentee, role="mentee", status="accepted",
                time_zone="UTC",
            ),
            mentor=Enrolment.objects.create(
                program=program, person=mentor, role="mentor", status="accepted",
                time_zone="UTC", capacity=2,
            ),
            origin=Pair.Origin.MANUAL,
        )  # fmt: skip
    day = timezone.localdate() + dt.timedelta(days=6)
    meeting_schedule(pair=pair, organiser=mentor, when=when(day, 10))
    meeting_schedule(pair=pair, organiser=mentor, when=when(day + dt.timedelta(days=7), 10))
    nominated = ProgramFactory(name="Leading Without Authority, the Long Course")
    nomination_create(manager=manager, report=mentee, program=nominated, note="")
    return pair


def test_a_mentee_opens_a_notification_and_the_count_goes_down(
    page: Page, live_server: object, mentee: User, mentor: User, manager: User
) -> None:
    base = live_server.url  # type: ignore[attr-defined]
    pair = _news_for(mentee, mentor, manager)
    sign_in(page, base, mentee)
    badge = page.get_by_test_id("unread-count")
    expect(badge).to_contain_text("3")
    look(page, "notifications-badge")
    page.get_by_role("link", name=re.compile(r"^Notifications\W+3 unread$")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifications")
    items = page.locator(".notification-list__item")
    expect(items).to_have_count(3)
    expect(page.locator(".notification-list__item--unread")).to_have_count(3)
    expect(items.first).to_contain_text("Maria Manager nominated you for")  # newest first
    look(page, "notifications-list")
    opened = items.nth(2).get_by_role("link")
    expect(opened).to_contain_text("Olu Mentor invited you to a meeting on")
    opened.click()
    expect(page).to_have_url(f"{base}/meetings/pairs/{pair.pk}/")
    expect(page.get_by_test_id("unread-count")).to_contain_text("2")
    look(page, "notification-opened")
    page.get_by_role("link", name=re.compile(r"^Notifications\W+2 unread$")).click()
    expect(page.locator(".notification-list__item--unread")).to_have_count(2)
    page.get_by_role("button", name="Mark all as read").click()
    expect(page.get_by_role("status")).to_contain_text("All notifications are marked as read.")
    expect(page.get_by_test_id("unread-count")).to_have_count(0)
    expect(page.locator(".notification-list__item--unread")).to_have_count(0)
    look(page, "notifications-all-read")
