"""Long lists a page at a time in real Chromium: HR searches the participants by name and
pages through them; a pair pages back through its meeting history."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from meetings.models import Attendance, Meeting
from people.models import User
from programs.models import Program
from tests.browser.conftest import look, sign_in
from tests.factories import UserFactory
from tests.meetings.factories import make_pair
from tests.programs.factories import ProgramFactory, enrol

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def big_cohort(db: None) -> Program:
    program = ProgramFactory(name="Company-wide")
    for n in range(60):
        enrol(program, UserFactory(full_name=f"Sam Person {n:02d}"))
    enrol(program, UserFactory(full_name="Zoë Findme"))
    return program


def test_hr_searches_and_pages_the_participants(
    page: Page, live_server: object, hr_admin: User, big_cohort: Program
) -> None:
    base = live_server.url  # type: ignore[attr-defined]
    sign_in(page, base, hr_admin)
    page.goto(base + reverse("hr_view:participants", kwargs={"program_id": big_cohort.pk}))
    table = page.get_by_role("table")
    expect(table).to_contain_text("61 participants")
    pager = page.get_by_role("navigation", name="Pages of the participants")
    expect(pager).to_contain_text("1\u201350 of 61 (page 1 of 2)")
    look(page, "participants-paged")
    pager.get_by_role("link", name="Next page").click()
    expect(pager).to_contain_text("51\u201361 of 61 (page 2 of 2)")
    expect(table).to_contain_text("Zoë Findme")

    page.get_by_label("Name or e-mail").fill("findme")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"name=findme"))
    expect(table).to_contain_text("1 participant matches the filters")
    expect(table).to_contain_text("Zoë Findme")
    expect(page.get_by_role("navigation", name="Pages of the participants")).to_have_count(0)
    look(page, "participants-searched")


def test_a_pair_pages_back_through_its_history(
    page: Page, live_server: object, mentee: User, mentor: User
) -> None:
    pair = make_pair(mentee, mentor)
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    starts = [now - dt.timedelta(weeks=k) for k in range(1, 31)] + [now + dt.timedelta(days=2)]
    made = Meeting.objects.bulk_create(
        Meeting(pair=pair, start=s, end=s + dt.timedelta(hours=1)) for s in starts
    )
    Attendance.objects.bulk_create(
        Attendance(meeting=m, person=p.person, start=m.start, end=m.end, response="accepted")
        for m in made
        for p in (pair.mentee, pair.mentor)
    )
    base = live_server.url  # type: ignore[attr-defined]
    sign_in(page, base, mentee)
    page.goto(base + reverse("meetings:pair", args=[pair.pk]))
    past = page.get_by_role("navigation", name="Pages of the past meetings")
    expect(past).to_contain_text("1\u201320 of 30 (page 1 of 2)")
    expect(page.get_by_role("navigation", name="Pages of the upcoming meetings")).to_have_count(0)
    look(page, "pair-meetings-paged")
    past.get_by_role("link", name="Next page").click()
    expect(page).to_have_url(re.compile(r"\?page=2"))
    expect(past).to_contain_text("21\u201330 of 30 (page 2 of 2)")
    expect(page.get_by_role("table").first).to_contain_text("Scheduled")  # upcoming stays
