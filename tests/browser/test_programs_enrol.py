"""Employees find a program, enrol as mentee or mentor, and see it on their home page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from people.models import User
from programs.models import Enrolment, FocusSuggestion, Nomination, Program
from tests.browser.conftest import look, sign_in
from tests.programs.factories import ProgramFactory, SkillFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _program() -> Program:
    for name in ("Public speaking", "Negotiation", "Product thinking", "Leading a team"):
        SkillFactory(name=name)
    ProgramFactory(
        name="Data literacy circle",
        description="Short, practical sessions on reading numbers with confidence.",
        matching_mode=Program.MatchingMode.CHOICE,
    )
    return ProgramFactory(
        name="Grow as a leader 2026",
        description=(
            "Six months with a mentor from another part of the company, "
            "to grow the skills that matter for your next step."
        ),
        cadence_weeks=2,
    )


def _sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()


def test_employees_enrol_as_mentee_and_as_mentor(
    page: Page, live_server: object, mentee: User, mentor: User, manager: User
) -> None:
    base = live_server.url  # type: ignore[attr-defined]
    program = _program()
    Nomination.objects.create(
        program=program,
        manager=manager,
        report=mentee,
        note="You have been asking about leading the team; this could help.",
    )
    FocusSuggestion.objects.create(
        manager=manager, report=mentee, text="Giving feedback to peers in design reviews."
    )

    sign_in(page, base, mentee)
    main = page.get_by_role("main")
    expect(main).to_contain_text("Maria Manager thinks this program could be good for you")
    expect(main).to_contain_text("Only you can see this.")
    look(page, "home-suggestions")
    page.get_by_role("button", name="Dismiss this suggestion").click()
    expect(page.get_by_role("status")).to_contain_text("You dismissed the focus suggestion")
    expect(main).not_to_contain_text("Giving feedback to peers")

    page.get_by_role("link", name="See programs").click()
    expect(page.get_by_role("heading", name="Programs open to you")).to_be_visible()
    look(page, "programs-list")

    page.get_by_role("link", name="Grow as a leader 2026", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Grow as a leader 2026")
    look(page, "program-detail")

    page.get_by_role("link", name="Enrol as mentee").click()
    page.get_by_label("Public speaking").check()
    page.get_by_label("Your development goals").fill(
        "Lead meetings with senior stakeholders and say no without burning bridges."
    )
    page.get_by_label("English").uncheck()  # preselected from the interface language
    page.get_by_label("Video call").check()
    page.get_by_label(re.compile("^Tuesday, Morning")).check()
    page.get_by_label(re.compile("^Thursday, Afternoon")).check()
    page.get_by_label("Years of work experience").fill("3")
    page.get_by_role("button", name="Enrol as mentee").click()
    expect(page.get_by_role("alert")).to_contain_text("Choose at least one language")
    expect(page.get_by_label("Your development goals")).to_have_value(
        re.compile("senior stakeholders")
    )
    look(page, "enrol-form-error")
    assert not Enrolment.objects.exists()

    page.get_by_label("English").check()
    page.get_by_role("button", name="Enrol as mentee").click()
    expect(page.get_by_role("status")).to_contain_text("You are enrolled in")
    expect(page.get_by_role("heading", level=1)).to_have_text("Grow as a leader 2026")

    page.get_by_role("navigation").get_by_role("link", name="My mentoring").click()
    main = page.get_by_role("main")
    expect(main).to_contain_text("Grow as a leader 2026")
    expect(main).to_contain_text("You can still edit your answers until matching starts")
    look(page, "home-enrolled-mentee")

    page.get_by_role("link", name="Grow as a leader 2026").first.click()
    page.get_by_role("link", name=re.compile("^Withdraw")).click()
    expect(page.get_by_role("main")).to_contain_text("no questions asked")
    look(page, "withdraw-confirm")
    page.get_by_role("link", name="Stay in the program").click()

    _sign_out(page)
    sign_in(page, base, mentor)
    page.goto(f"{base}{program.get_absolute_url()}")
    page.get_by_role("link", name="Enrol as mentor").click()
    expect(page.get_by_label("How many mentees can you take?")).to_have_value("2")
    look(page, "enrol-form-mentor")
    page.get_by_label("Negotiation").check()
    page.get_by_label("English").check()
    page.get_by_label(re.compile("^Monday, Afternoon")).check()
    page.get_by_label("Years of work experience").fill("14")
    page.get_by_label("How many mentees can you take?").fill("3")
    page.get_by_role("button", name="Enrol as mentor").click()
    expect(page.get_by_role("status")).to_contain_text("as a mentor")
    page.get_by_role("navigation").get_by_role("link", name="My mentoring").click()
    expect(page.get_by_role("main")).to_contain_text("Grow as a leader 2026")

    assert Nomination.objects.get().status == Nomination.Status.ENROLLED
    roles = dict(Enrolment.objects.values_list("person__email", "role"))
    assert roles == {mentee.email: "mentee", mentor.email: "mentor"}
    assert Enrolment.objects.get(role="mentor").capacity == 3
