"""Both people of a pair prepare a meeting; the mentee's private note stays hers."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from journal import services
from people.models import User
from programs.models import FocusSuggestion
from tests.browser.conftest import close_context, look, new_context, sign_in
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

    other = new_context(browser)
    mentor_page = other.new_page()
    sign_in(mentor_page, base, mentor)
    mentor_page.goto(meeting_url)
    mentor_page.get_by_label("Add an agenda item").fill("Reading list for new leads")
    mentor_page.get_by_role("button", name="Add to agenda").click()
    expect(mentor_page.get_by_text("Agenda item added.")).to_be_visible()
    mentor_page.get_by_role("button", name=re.compile("Done: How to push back")).click()
    expect(mentor_page.get_by_text("Ticked off.")).to_be_visible()
    ticked = mentor_page.locator(".journal-agenda__item", has_text="How to push back")
    expect(ticked.get_by_text("Done", exact=True)).to_be_visible()
    tick = ticked.get_by_role("button", name=re.compile("Done: How to push back"))
    expect(tick).to_have_attribute("aria-pressed", "true")
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
    close_context(other)


KEPT = "Your unsaved text is back. Save it to keep it."
NOTES = "Agreed: weekly\nTry saying no once this sprint\nBring the deck next time"


def _open_as(browser: Browser, base: str, person: User, url: str) -> Page:
    page = new_context(browser).new_page()
    sign_in(page, base, person)
    page.goto(url)
    return page


def test_mentor_and_mentee_edit_the_same_notes_and_both_texts_survive(
    browser: Browser, live_server: object, mentee: User, mentor: User
) -> None:
    base = live_server.url  # type: ignore[attr-defined]
    _pair, meeting = pair_with_meeting(mentee, mentor)
    services.shared_notes_save(meeting=meeting, by=mentor, text=NOTES, base_version=0)
    url = base + reverse("journal:meeting", args=[meeting.pk])
    mentee_page = _open_as(browser, base, mentee, url)
    mentor_page = _open_as(browser, base, mentor, url)
    notes = "Notes you both see"

    # Edits of different lines, from the same version: merged, nothing lost.
    mentee_page.get_by_label(notes).fill(NOTES.replace("Agreed: weekly", "Agreed: every Monday"))
    mentor_page.get_by_label(notes).fill(NOTES + "\nMentor: send the reading list")
    mentee_page.get_by_role("button", name="Save shared notes").click()
    expect(mentee_page.get_by_text("Shared notes saved.", exact=True)).to_be_visible()
    mentor_page.get_by_role("button", name="Save shared notes").click()
    expect(mentor_page.get_by_text(re.compile("both changes are in"))).to_be_visible()
    merged = mentor_page.get_by_label(notes)
    expect(merged).to_have_value(re.compile("Agreed: every Monday"))
    expect(merged).to_have_value(re.compile("Mentor: send the reading list"))

    # Edits of the same line: the later save shows both texts and the person chooses.
    mentee_page.reload()
    mentee_page.get_by_label(notes).fill("Mentee wrote this line instead")
    mentor_page.get_by_label(notes).fill("Mentor wrote this line instead")
    mentee_page.get_by_role("button", name="Save shared notes").click()
    expect(mentee_page.get_by_text("Shared notes saved.", exact=True)).to_be_visible()
    mentor_page.get_by_role("button", name="Save shared notes").click()
    expect(mentor_page.get_by_role("alert")).to_contain_text("while you were editing")
    expect(mentor_page.get_by_role("region", name="The saved notes")).to_have_text(
        "Mentee wrote this line instead"
    )
    expect(mentor_page.get_by_label(notes)).to_have_value("Mentor wrote this line instead")
    look(mentor_page, "journal-notes-conflict")
    mentor_page.get_by_label(notes).fill(
        "Mentee wrote this line instead\nMentor wrote this line instead"
    )
    mentor_page.get_by_role("button", name="Save my text").click()
    expect(mentor_page.get_by_text("Shared notes saved.", exact=True)).to_be_visible()

    mentee_page.reload()
    expect(mentee_page.get_by_label(notes)).to_have_value(
        "Mentee wrote this line instead\nMentor wrote this line instead"
    )
    mentee_page.get_by_role("link", name=re.compile("History: 6 versions")).click()
    expect(mentee_page.get_by_role("heading", level=1)).to_have_text("History of the shared notes")
    expect(mentee_page.get_by_text("Mentor wrote this line instead", exact=True)).to_be_visible()
    look(mentee_page, "journal-notes-history")
    mentee_page.locator(".journal-version", has_text="Version 1").get_by_role(
        "button", name=re.compile("Restore this text")
    ).click()
    expect(mentee_page.get_by_text(re.compile("Version restored"))).to_be_visible()
    expect(mentee_page.get_by_label(notes)).to_have_value(NOTES)
    close_context(mentee_page.context)
    close_context(mentor_page.context)


def test_typed_text_survives_the_other_forms_on_the_journal_pages(
    page: Page, live_server: object, mentee: User, mentor: User
) -> None:
    base = live_server.url  # type: ignore[attr-defined]
    pair, meeting = pair_with_meeting(mentee, mentor)
    sign_in(page, base, mentee)
    page.goto(base + reverse("journal:meeting", args=[meeting.pk]))
    notes, private = (
        page.get_by_label("Notes you both see"),
        page.get_by_label(re.compile("Your private note")),
    )
    notes.fill("Half-written shared notes")
    private.fill("Half-written private thought")
    page.get_by_label("Add an agenda item").fill("Career paths")
    page.get_by_role("button", name="Add to agenda").click()
    expect(page.get_by_text("Agenda item added.")).to_be_visible()
    expect(notes).to_have_value("Half-written shared notes")
    expect(private).to_have_value("Half-written private thought")
    for form in ("#notes-form", "#private-form"):
        expect(page.locator(form).get_by_text(KEPT)).to_be_visible()
    look(page, "journal-meeting-draft-kept")

    # The other way round: a half-typed agenda item survives saving the notes.
    page.get_by_label("Add an agenda item").fill("Half-typed item")
    page.get_by_role("button", name="Save shared notes").click()
    expect(page.get_by_text("Shared notes saved.")).to_be_visible()
    expect(page.get_by_label("Add an agenda item")).to_have_value("Half-typed item")
    expect(notes).to_have_value("Half-written shared notes")  # now saved, from the server
    expect(private).to_have_value("Half-written private thought")
    page.get_by_role("button", name="Save private note").click()
    expect(page.get_by_text("Your private note is saved.")).to_be_visible()
    page.reload()
    expect(private).to_have_value("Half-written private thought")
    expect(page.locator("#private-form").get_by_text(KEPT)).to_be_hidden()  # saved: no draft

    # The pair page: a goal being written survives acknowledging the agreement.
    page.goto(base + reverse("journal:pair", args=[pair.pk]))
    page.get_by_label("Goal", exact=True).fill("Lead a project")
    page.get_by_label(re.compile("What it means to you")).fill("Own it end to end")
    page.get_by_role("button", name="Acknowledge").click()
    expect(page.get_by_text("You acknowledged the agreement.")).to_be_visible()
    expect(page.get_by_label("Goal", exact=True)).to_have_value("Lead a project")
    expect(page.get_by_label(re.compile("What it means to you"))).to_have_value("Own it end to end")
    expect(page.locator("#goal-add-form").get_by_text(KEPT)).to_be_visible()
    look(page, "journal-pair-draft-kept")
