"""HR's people pages in real Chromium: search, a person's page, deactivating someone who
left, the import's sample file, and inviting a whole department."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from matching.models import Pair
from meetings.services import meeting_schedule
from people.imports import COLUMNS
from people.models import User
from programs.models import Invitation
from tests.browser.conftest import look, sign_in
from tests.factories import DepartmentFactory, UserFactory
from tests.meetings.factories import make_pair, when
from tests.programs.factories import ProgramFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_hr_finds_a_person_and_deactivates_them(
    page: Page, live_server: object, hr_admin: User, mentee: User, mentor: User
) -> None:
    pair = make_pair(mentee, mentor)
    day = timezone.localdate() + dt.timedelta(days=3)
    meeting_schedule(pair=pair, organiser=mentee, when=when(day), every_weeks=1, count=2)
    UserFactory.create_batch(4, department=DepartmentFactory(name="Finance"))
    base = live_server.url  # type: ignore[attr-defined]
    sign_in(page, base, hr_admin)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="People").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("People")
    look(page, "people-directory")

    page.get_by_label("Name, e-mail or department").fill("finance")
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"q=finance"))
    table = page.get_by_role("table")
    expect(table).to_contain_text("Olu Mentor")  # the mentor's department is Finance
    expect(table).not_to_contain_text("Ezra Mentee")
    look(page, "people-directory-search")

    page.get_by_role("link", name="Olu Mentor").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Olu Mentor")
    programs = page.get_by_role("region", name="Programs and roles")
    expect(programs).to_contain_text(pair.program.name)
    expect(programs).to_contain_text("Ezra Mentee")
    look(page, "people-person")

    page.get_by_role("link", name="Deactivate").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Deactivate this person?")
    expect(page.get_by_text("1 pair ends")).to_be_visible()
    expect(page.get_by_text("2 future meetings are cancelled")).to_be_visible()
    look(page, "people-deactivate")

    page.get_by_role("button", name="Deactivate").click()
    expect(page.get_by_role("status")).to_contain_text("Olu Mentor is deactivated")
    expect(page.get_by_role("button", name="Let them sign in again")).to_be_visible()
    look(page, "people-person-deactivated")
    mentor.refresh_from_db()
    assert not mentor.is_active
    assert Pair.objects.get(pk=pair.pk).status == Pair.Status.ENDED


def test_hr_downloads_the_sample_and_imports_it(
    page: Page, live_server: object, hr_admin: User, tmp_path: Path
) -> None:
    base = live_server.url  # type: ignore[attr-defined]
    sign_in(page, base, hr_admin)
    page.goto(base + reverse("people:directory"))
    page.get_by_role("main").get_by_role("link", name="Import people").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import people")
    look(page, "people-import")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download a sample file").click()
    sample = tmp_path / download.value.suggested_filename
    download.value.save_as(sample)
    assert sample.name == "people-sample.csv"
    assert sample.read_text(encoding="utf-8-sig").splitlines()[0] == ",".join(COLUMNS)

    page.get_by_label("CSV file").set_input_files(sample)
    page.get_by_label("E-mail an invitation to people who are new").uncheck()
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Import complete: 3 new")
    assert User.objects.filter(employee_id__startswith="S100").count() == 3


def test_hr_invites_a_whole_department(page: Page, live_server: object, hr_admin: User) -> None:
    program = ProgramFactory(name="Leaders 2027")
    sales = DepartmentFactory(name="Sales")
    UserFactory.create_batch(5, department=sales)
    base = live_server.url  # type: ignore[attr-defined]
    sign_in(page, base, hr_admin)
    page.goto(base + reverse("programs:invite", kwargs={"program_id": program.pk}))
    department = page.get_by_label("Everyone in a department")
    expect(department).to_contain_text("Sales (5 people)")
    department.select_option(label="Sales (5 people)")
    look(page, "people-invite-department")
    page.get_by_role("button", name="Send invitations").click()
    expect(page.get_by_role("status")).to_contain_text("Invited 5 people.")
    expect(page.get_by_role("table")).to_contain_text("5 people invited so far")
    look(page, "people-invite-department-done")
    assert Invitation.objects.filter(program=program).count() == 5
