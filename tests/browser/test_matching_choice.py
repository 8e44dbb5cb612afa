"""A mentee picks a mentor from the shortlist, the mentor accepts, and both see the pair."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from matching.models import MentorshipRequest, Pair
from matching.services import request_create
from people.models import User
from programs.models import Enrolment, Program
from tests.browser.conftest import close_context, look, new_context, sign_in
from tests.factories import DepartmentFactory, UserFactory
from tests.programs.factories import ProgramFactory, SkillFactory, enrol

pytestmark = pytest.mark.django_db(transaction=True)

MESSAGE = "I'd love to learn how you prepare budget talks with senior stakeholders."


def _program(mentee: User, mentor: User) -> Program:
    program = ProgramFactory(name="Finance buddies 2026", matching_mode=Program.MatchingMode.CHOICE)
    negotiation, budgeting, speaking = (
        SkillFactory(name=n) for n in ("Negotiation", "Budgeting", "Public speaking")
    )
    enrol(program, mentee).skills.set([negotiation, budgeting])
    olu = enrol(
        program,
        mentor,
        role=Enrolment.Role.MENTOR,
        capacity=1,
        goals="Happy to share how I moved from audit into controlling, and how to say no.",
    )
    olu.skills.set([negotiation, budgeting])
    for name, title, department, skills in (
        ("Ines Ibarra", "Head of design", "Design", [speaking]),
        ("Kofi Mensah", "Sales lead", "Sales", [negotiation]),
    ):
        person = UserFactory(
            full_name=name, title=title, department=DepartmentFactory(name=department)
        )
        other = enrol(program, person, role=Enrolment.Role.MENTOR, years_experience=9)
        other.skills.set(skills)
    return program


def test_mentee_asks_a_mentor_who_accepts(
    page: Page, browser: Browser, live_server: object, mentee: User, mentor: User
) -> None:
    base = live_server.url  # type: ignore[attr-defined]
    program = _program(mentee, mentor)

    sign_in(page, base, mentee)
    page.goto(f"{base}/matching/programs/{program.pk}/mentors/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a mentor")
    olu = page.locator(".mentor-card").filter(has_text="Olu Mentor")
    expect(olu).to_contain_text("2 shared skills: Negotiation, Budgeting")
    look(page, "matching-shortlist")

    olu.get_by_label("Message to Olu Mentor").fill(MESSAGE)
    olu.get_by_role("button", name="Ask Olu Mentor").click()
    expect(page.get_by_role("status")).to_contain_text("You asked Olu Mentor")
    expect(page.get_by_role("main")).to_contain_text("Waiting for Olu Mentor to answer")
    look(page, "matching-shortlist-waiting")
    assert MentorshipRequest.objects.get().message == MESSAGE

    mentor_context = new_context(browser)
    mentor_page = mentor_context.new_page()
    sign_in(mentor_page, base, mentor)
    mentor_page.goto(f"{base}/matching/requests/")
    expect(mentor_page.get_by_role("main")).to_contain_text(MESSAGE)
    mentor_page.get_by_text("Decline Ezra Mentee's request").click()
    expect(mentor_page.get_by_text("Only Ezra Mentee will see this.")).to_be_visible()
    look(mentor_page, "matching-requests-mentor")
    mentor_page.get_by_role("button", name="Accept Ezra Mentee").click()
    expect(mentor_page.get_by_role("status")).to_contain_text("You are now Ezra Mentee's mentor")
    close_context(mentor_context)

    page.goto(f"{base}/matching/pairs/")
    row = page.get_by_role("row").filter(has_text="Olu Mentor")
    expect(row).to_contain_text("Finance buddies 2026")
    expect(row).to_contain_text("Active")
    look(page, "matching-pairs")

    row.get_by_role("link", name="End this pair").click()
    expect(page.get_by_role("main")).to_contain_text("HR only sees that it ended.")
    look(page, "matching-pair-end")
    page.get_by_role("link", name="Keep the pair").click()
    assert Pair.objects.get().status == Pair.Status.ACTIVE


def test_german_home_and_requests_fit_a_phone(
    page: Page, browser: Browser, live_server: object, mentee: User, mentor: User, hr_admin: User
) -> None:
    """German words are long: the pages with the longest buttons still fit 390 px."""
    base = live_server.url  # type: ignore[attr-defined]
    program = _program(mentee, mentor)
    User.objects.filter(pk__in=[mentee.pk, mentor.pk, hr_admin.pk]).update(language="de")
    request_create(
        mentee=Enrolment.objects.get(program=program, person=mentee),
        mentor=Enrolment.objects.get(program=program, person=mentor),
        message=MESSAGE,
    )

    sign_in(page, base, mentee)
    expect(page.get_by_role("heading", level=1)).to_have_text("Willkommen, Ezra")
    look(page, "home-mentee-de")
    page.goto(f"{base}/matching/programs/{program.pk}/mentors/")
    look(page, "matching-shortlist-de")
    page.goto(f"{base}/matching/requests/")
    look(page, "matching-requests-mentee-de")

    for person, name in ((mentor, "mentor"), (hr_admin, "hr")):
        context = new_context(browser)
        other = context.new_page()
        sign_in(other, base, person)
        expect(other.locator("html")).to_have_attribute("lang", "de")
        look(other, f"home-{name}-de")
        if person == mentor:
            other.goto(f"{base}/matching/requests/")
            expect(other.get_by_role("main")).to_contain_text(MESSAGE)
            look(other, "matching-requests-mentor-de")
        close_context(context)
