"""A manager suggests; the report decides. Both sides in real Chromium."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from people.models import User
from programs.models import Enrolment, Nomination
from tests.browser.conftest import close_context, look, new_context, sign_in
from tests.programs.factories import ProgramFactory, SkillFactory

pytestmark = pytest.mark.django_db(transaction=True)

NOTE = "You ran the last two retros so well. This could take it further."
FOCUS = "Presenting to senior leaders, and saying no to low-value work."


def test_manager_nominates_and_suggests_then_the_report_enrols(
    page: Page, browser: Browser, live_server: object, manager: User, mentee: User
) -> None:
    base = live_server.url  # type: ignore[attr-defined]
    ProgramFactory(name="Leadership Circle")
    SkillFactory(name="Public speaking")

    # The manager: My team -> nominate with a note.
    sign_in(page, base, manager)
    page.get_by_role("navigation").get_by_role("link", name="My team").click()
    page.get_by_role("link", name="By person").first.click()  # the list has the actions
    look(page, "manager-team")
    page.get_by_role(
        "link", name=re.compile(rf"^Nominate for a program\W+{mentee.full_name}$")
    ).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Nominate Ezra Mentee")
    look(page, "manager-nominate")
    page.get_by_label(re.compile("Leadership Circle")).check()
    page.get_by_label("Note to Ezra").fill(NOTE)
    page.get_by_role("button", name="Send nomination").click()
    expect(page.get_by_role("status")).to_contain_text("sent to Ezra Mentee")
    sent = page.get_by_role("table")
    expect(sent).to_contain_text("Leadership Circle")
    expect(sent).to_contain_text(NOTE)
    look(page, "manager-nominate-sent")

    # ... then a focus suggestion, after an empty first try.
    page.get_by_role("link", name="Suggest a focus").click()
    page.get_by_role("button", name="Send suggestion").click()
    expect(page.get_by_role("alert")).to_contain_text("Write a suggestion first.")
    look(page, "manager-suggest-error")
    page.get_by_label("Areas you might explore with your mentor").fill(FOCUS)
    page.get_by_role("button", name="Send suggestion").click()
    expect(page.get_by_role("status")).to_contain_text("sent to Ezra Mentee")
    expect(page.get_by_role("main")).to_contain_text(FOCUS)
    look(page, "manager-suggest")

    # The report, in a browser of their own: sees both, and enrols from the nomination.
    context = new_context(browser)
    report = context.new_page()
    sign_in(report, base, mentee)
    main = report.get_by_role("main")
    expect(main).to_contain_text(NOTE)
    expect(main).to_contain_text(FOCUS)
    look(report, "report-home-suggested")
    report.get_by_role("link", name=re.compile(r"^Enrol\b.*Leadership Circle")).click()
    report.get_by_role("link", name="Enrol as mentee").click()
    report.get_by_label("Public speaking").check()
    report.get_by_label("Your development goals").fill("Lead meetings with senior people.")
    report.get_by_label("English", exact=True).check()
    report.get_by_label(re.compile(r"^Tuesday, Morning")).check()
    report.get_by_label("Years of work experience").fill("4")
    report.get_by_role("button", name="Enrol as mentee").click()
    expect(report.get_by_role("status")).to_be_visible()
    assert Enrolment.objects.filter(person=mentee, role=Enrolment.Role.MENTEE).exists()
    assert Nomination.objects.get().status == Nomination.Status.ENROLLED
    close_context(context)

    # The manager learns nothing of it.
    page.get_by_role("link", name="Nominate for a program").click()
    expect(page.get_by_role("table")).to_contain_text("Leadership Circle")
    expect(page.get_by_role("main")).not_to_contain_text(re.compile("Enrolled|Dismissed|Accepted"))
