"""HR runs a program's participants in real Chromium: filter, approve, invite."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse
from playwright.sync_api import Page, expect

from people.models import User
from programs.models import Enrolment, Invitation, Program
from tests.browser.conftest import look, sign_in
from tests.factories import DepartmentFactory, UserFactory
from tests.programs.factories import ProgramFactory, SkillFactory, enrol

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def cohort(mentee: User, mentor: User, outsider: User) -> Program:
    program = ProgramFactory(name="Leaders 2027")
    negotiation, speaking = SkillFactory(name="Negotiation"), SkillFactory(name="Public speaking")
    enrol(program, mentee, goals="Run better meetings with senior stakeholders.").skills.set(
        [speaking]
    )
    enrol(program, mentor, role=Enrolment.Role.MENTOR, capacity=3, years_experience=14).skills.set(
        [negotiation, speaking]
    )
    enrol(program, outsider, languages=["en", "de"], years_experience=6)
    program.requires_approval = True
    program.save()
    applicant = UserFactory(
        full_name="Priya Pending", department=DepartmentFactory(name="Marketing")
    )
    enrol(program, applicant, role=Enrolment.Role.MENTOR, years_experience=20)
    return program


def test_hr_filters_approves_and_invites(
    page: Page, live_server: object, hr_admin: User, cohort: Program, eager_tasks: None
) -> None:
    base = live_server.url  # type: ignore[attr-defined]
    sign_in(page, base, hr_admin)
    page.goto(base + reverse("hr_view:participants", kwargs={"program_id": cohort.pk}))
    expect(page.get_by_role("heading", level=1)).to_have_text("Participants")
    table = page.get_by_role("table")
    expect(table).to_contain_text("Priya Pending")
    expect(table).to_contain_text("Waiting for HR approval")
    look(page, "participants-list")

    page.get_by_label("Role").select_option(label="Mentor")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"role=mentor"))
    expect(table).to_contain_text("Olu Mentor")
    expect(table).not_to_contain_text("Ezra Mentee")
    expect(page.get_by_label("Role")).to_have_value("mentor")
    look(page, "participants-filtered")

    page.get_by_role("button", name="Approve Priya Pending").click()
    expect(page.get_by_role("status")).to_contain_text("Approved Priya Pending as Mentor.")
    expect(page).to_have_url(re.compile(r"role=mentor"))  # the filter is kept
    expect(page.get_by_role("button", name="Approve Priya Pending")).to_have_count(0)
    priya = Enrolment.objects.select_related("person").get(person__full_name="Priya Pending")
    assert priya.status == "accepted"
    [decision] = mail.outbox  # Priya hears the decision
    assert (decision.to, decision.subject) == ([priya.person.email], "You're in: “Leaders 2027”")
    mail.outbox.clear()

    page.get_by_role("link", name="Invite people").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Invite people")
    first, second = UserFactory(full_name="Ines Invited"), UserFactory(full_name="Ivo Invited")
    emails = page.get_by_label("E-mail addresses")
    emails.fill(f"{first.email}, nobody@example.com")
    page.get_by_role("button", name="Send invitations").click()
    expect(page.get_by_role("alert")).to_contain_text("nobody@example.com")
    expect(page.get_by_label("E-mail addresses")).to_have_value(
        f"{first.email}, nobody@example.com"
    )
    assert not Invitation.objects.exists()
    look(page, "participants-invite-error")

    page.get_by_label("E-mail addresses").fill(f"{first.email}\n{second.email}")
    page.get_by_role("button", name="Send invitations").click()
    expect(page.get_by_role("status")).to_contain_text("Invited 2 people.")
    expect(page.get_by_role("table")).to_contain_text("Ivo Invited")
    look(page, "participants-invite-done")
    assert sorted(m.to[0] for m in mail.outbox) == sorted([first.email, second.email])
