"""An HR admin sets up a program and opens enrolment, in real Chromium."""

from __future__ import annotations

import datetime as dt
import re

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
    page.get_by_role("button", name="Create program").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Spring mentoring")
    expect(page.get_by_role("status")).to_contain_text("was created as a draft")
    current = page.locator(".lifecycle [aria-current='step']")
    expect(current).to_contain_text("Draft")
    look(page, "hr-program-detail-draft")

    page.get_by_role("button", name="Open enrolment").click()
    expect(page.get_by_role("status")).to_contain_text("is now: Open for enrolment")
    expect(page.locator(".page-lead .badge")).to_have_text("Open for enrolment")
    expect(current).to_contain_text("Open for enrolment")
    look(page, "hr-program-detail-open")
    program = Program.objects.get()
    assert (program.status, program.weight_skills) == (Program.Status.OPEN, 8)

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
