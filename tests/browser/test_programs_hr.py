"""An HR admin sets up a program and opens enrolment, in real Chromium."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from people.models import User
from programs.models import Program
from tests.browser.conftest import look, sign_in
from tests.programs.factories import ProgramFactory, SkillFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _day(offset: int) -> str:
    return (timezone.localdate() + dt.timedelta(days=offset)).isoformat()


def test_hr_creates_a_program_fixes_an_error_and_opens_enrolment(
    page: Page, live_server: object, hr_admin: User
) -> None:
    base = live_server.url  # type: ignore[attr-defined]
    sign_in(page, base, hr_admin)
    page.get_by_role("navigation").get_by_role("link", name="Manage programs").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Programs")
    expect(page.get_by_text("No programs yet")).to_be_visible()
    look(page, "hr-programs-empty")

    page.get_by_role("link", name="New program").first.click()
    page.get_by_label("Name", exact=True).fill("Spring mentoring")
    page.get_by_label("Description").fill("Grow with a mentor from another team.")
    page.get_by_label("Enrolment opens").fill(_day(0))
    page.get_by_label("Enrolment closes").fill(_day(14))
    page.get_by_label("Program starts").fill(_day(21))
    page.get_by_label("Program ends").fill(_day(7))  # before the start: a mistake
    page.get_by_label("Skills", exact=True).fill("8")
    page.get_by_role("button", name="Create program").click()

    summary = page.locator("[data-error-summary]")
    expect(summary).to_contain_text("The program cannot end before it starts.")
    expect(summary).to_be_focused()
    expect(page.get_by_label("Name", exact=True)).to_have_value("Spring mentoring")
    assert not Program.objects.exists()
    look(page, "hr-program-form-error")

    summary.get_by_role("link", name=re.compile("Program ends")).click()
    expect(page.get_by_label("Program ends")).to_be_focused()
    page.get_by_label("Program ends").fill(_day(200))
    page.get_by_label("Largest time-zone difference (hours)").fill("6")
    page.get_by_role("button", name="Create program").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Spring mentoring")
    expect(page.get_by_role("status")).to_contain_text("was created as a draft")
    current = page.locator(".lifecycle [aria-current='step']")
    expect(current).to_contain_text("Draft")
    expect(page.get_by_text("At most 6 hours apart")).to_be_visible()
    look(page, "hr-program-detail-draft")

    page.get_by_role("button", name="Open enrolment").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Open enrolment?")
    expect(page.get_by_text("People in the audience can sign up from")).to_be_visible()
    assert Program.objects.get().status == Program.Status.DRAFT
    look(page, "hr-program-open-confirm")
    page.get_by_role("button", name="Yes: Open enrolment").click()
    expect(page.get_by_role("status")).to_contain_text("is now: Open for enrolment")
    expect(page.locator(".page-lead .badge")).to_have_text("Open for enrolment")
    expect(current).to_contain_text("Open for enrolment")
    look(page, "hr-program-detail-open")
    program = Program.objects.get()
    assert (program.status, program.weight_skills) == (Program.Status.OPEN, 8)
    assert program.max_time_zone_hours == 6

    page.get_by_role("navigation").get_by_role("link", name="Manage programs").click()
    row = page.get_by_role("row", name=re.compile("Spring mentoring"))
    expect(row).to_contain_text("Open for enrolment")
    look(page, "hr-programs-list")


def test_hr_closes_a_program_after_confirming(
    page: Page, live_server: object, hr_admin: User
) -> None:
    program = ProgramFactory(name="Autumn cohort", status=Program.Status.ACTIVE)
    base = live_server.url  # type: ignore[attr-defined]
    sign_in(page, base, hr_admin)
    page.goto(f"{base}/programs/manage/{program.pk}/")
    expect(page.get_by_role("link", name="Pairs and waiting list")).to_have_class(
        re.compile("btn-primary")
    )
    look(page, "hr-program-detail-active")
    page.get_by_role("button", name=re.compile("Close the program")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Close “Autumn cohort”?")
    look(page, "hr-program-close-confirm")
    page.get_by_role("button", name="Yes, close the program").click()
    expect(page.locator(".page-lead .badge")).to_have_text("Closed")
    look(page, "hr-program-detail-closed")


def test_hr_adds_and_merges_skills(page: Page, live_server: object, hr_admin: User) -> None:
    SkillFactory(name="Negotiation")
    base = live_server.url  # type: ignore[attr-defined]
    sign_in(page, base, hr_admin)
    page.get_by_role("navigation").get_by_role("link", name="Manage programs").click()
    page.get_by_role("link", name="Skills").click()
    page.get_by_label("Skill name").fill("negotiation")
    page.get_by_role("button", name="Add skill").click()
    expect(page.locator("[data-error-summary]")).to_contain_text("already in the list")
    look(page, "hr-skills-error")
    page.get_by_label("Skill name").fill("Negotiating")
    page.get_by_role("button", name="Add skill").click()
    expect(page.get_by_role("status")).to_contain_text("“Negotiating” was added")
    look(page, "hr-skills")
    page.get_by_role("link", name="Rename or merge Negotiating").click()
    look(page, "hr-skill-edit")
    page.get_by_label("Merge into", exact=True).select_option(label="Negotiation")
    page.get_by_role("button", name=re.compile("Merge and remove")).click()
    expect(page.get_by_role("status")).to_contain_text("merged into “Negotiation”")
    expect(page.get_by_role("table")).not_to_contain_text("Negotiating")


def test_an_empty_program_cannot_slip_from_open_to_active_without_warnings(
    page: Page, live_server: object, hr_admin: User
) -> None:
    today = timezone.localdate(timezone=zoneinfo.ZoneInfo(hr_admin.time_zone))  # the viewer's
    program = ProgramFactory(
        name="Quiet cohort",
        status=Program.Status.OPEN,
        enrolment_opens=today - dt.timedelta(days=2),
        enrolment_closes=today + dt.timedelta(days=9),
    )
    base = live_server.url  # type: ignore[attr-defined]
    sign_in(page, base, hr_admin)
    page.get_by_role("navigation").get_by_role("link", name="Manage programs").click()
    page.get_by_role("link", name="Quiet cohort").click()

    # Closing enrolment early: the days left, and nobody to match.
    page.get_by_role("button", name="Start matching").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Start matching?")
    warnings = page.locator("[data-transition-warnings]")
    expect(warnings).to_contain_text("(10 more days). Closing it now stops sign-ups early.")
    expect(warnings).to_contain_text("There is nobody to match yet")
    expect(page.get_by_text("Enrolled so far: 0 mentees and 0 mentors.")).to_be_visible()
    look(page, "hr-program-matching-confirm")
    page.get_by_role("link", name="No, go back").click()
    program.refresh_from_db()
    assert program.status == Program.Status.OPEN
    page.get_by_role("button", name="Start matching").click()
    page.get_by_role("button", name="Yes: Start matching").click()
    expect(page.get_by_role("status")).to_contain_text("is now: Matching")

    # In matching, starting the program is the primary action, and it warns.
    start = page.get_by_role("button", name="Start the program")
    expect(start).to_have_class(re.compile("btn-primary"))
    expect(page.get_by_role("button", name="Reopen enrolment")).to_have_class(
        re.compile("btn-secondary")
    )
    start.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Start “Quiet cohort”?")
    start_warnings = page.locator("[data-start-warnings]")
    expect(start_warnings).to_contain_text("No pairs are published yet")
    look(page, "hr-program-start-confirm-empty")
    page.get_by_role("link", name="No, go back").click()
    program.refresh_from_db()
    assert program.status == Program.Status.MATCHING
