"""Both people of a pair prepare a meeting; the mentee's private note stays hers."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from journal import services
from people.models import User
from programs.models import FocusSuggestion
from tests.browser.conftest import look, sign_in
from tests.journal.factories import pair_with_meeting

pytestmark = pytest.mark.django_db(transaction=True)

PRIVATE = "I am unsure whether I want to stay in engineering."


def test_pair_prepares_a_meeting_and_the_private_note_stays_private(
    page: Page, browser: Browser, live_server: object, mentee: User, mentor: User, manager: User
) -> None:
    base = live_server.url  # type: ignore[attr-defined]
    pair, meeting = pair_with_meeting(mentee, mentor)
    goal = services.goal_add(
        pair=pair, by=mentee, title="Speak up in design reviews",
        description="Say what I think before the decision is made, not after.",
    )  # fmt: skip
    services.goal_update(goal=goal, by=mentor, status="in_progress", note="Tried it twice: good.")
    FocusSuggestion.objects.create(
        manager=manager, report=mentee, text="Explore how to give feedback upwards."
    )
    meeting_url = base + reverse("journal:meeting", args=[meeting.pk])

    sign_in(page, base, mentee)
    page.goto(meeting_url)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Olu Mentor")
    look(page, "journal-meeting-empty")
    page.get_by_label("Add an agenda item").fill("How to push back on scope creep")
    page.get_by_role("button", name="Add to agenda").click()
    expect(page.get_by_text("Agenda item added.")).to_be_visible()
    page.get_by_label(re.compile("Your private note")).fill(PRIVATE)
    page.get_by_role("button", name="Save private note").click()
    expect(page.get_by_text("Your private note is saved.")).to_be_visible()
    page.goto(base + reverse("journal:pair", args=[pair.pk]))
    page.get_by_role("button", name="Share with my mentor").click()
    expect(page.get_by_text("Shared with your mentor.")).to_be_visible()
    page.get_by_role("button", name="Acknowledge").click()
    expect(page.get_by_text("You acknowledged the agreement.")).to_be_visible()
    look(page, "journal-pair-mentee")

    other = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    mentor_page = other.new_page()
    sign_in(mentor_page, base, mentor)
    mentor_page.goto(meeting_url)
    mentor_page.get_by_label("Add an agenda item").fill("Reading list for new leads")
    mentor_page.get_by_role("button", name="Add to agenda").click()
    expect(mentor_page.get_by_text("Agenda item added.")).to_be_visible()
    mentor_page.get_by_role("button", name=re.compile("Done: How to push back")).click()
    expect(mentor_page.get_by_text("Ticked off.")).to_be_visible()
    mentor_page.get_by_label("Notes you both see").fill("Agreed to try saying no once this sprint.")
    mentor_page.get_by_role("button", name="Save shared notes").click()
    expect(mentor_page.get_by_text("Shared notes saved.")).to_be_visible()
    expect(mentor_page.get_by_text("How to push back on scope creep", exact=True)).to_be_visible()
    expect(mentor_page.get_by_text(PRIVATE)).to_have_count(0)
    look(mentor_page, "journal-meeting-mentor")
    mentor_page.goto(base + reverse("journal:pair", args=[pair.pk]))
    expect(mentor_page.get_by_text("Explore how to give feedback upwards.")).to_be_visible()
    expect(mentor_page.get_by_text(PRIVATE)).to_have_count(0)
    look(mentor_page, "journal-pair-mentor")
    other.close()
