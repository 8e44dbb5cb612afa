"""A mentee downloads everything the app holds about them and opens the archive; HR
erases a person on request after a confirmation that says what happens."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from journal import services as journal
from matching.models import Pair
from meetings.services import meeting_schedule
from people.models import User
from tests.browser.conftest import look, sign_in
from tests.meetings.factories import when
from tests.programs.factories import ProgramFactory, enrol

pytestmark = pytest.mark.django_db(transaction=True)

PRIVATE = "Ask about the stretch project before the review"
THEIRS = "The mentor's own reminder, never in the mentee's archive"


def _pair_with_notes(mentee: User, mentor: User) -> None:
    from django.db import transaction
    from django.utils import timezone

    from matching.services import pair_create

    program = ProgramFactory(name="Grow Together")
    with transaction.atomic():  # as HR's pairing runs: it locks the mentor's row
        pair = pair_create(
            mentee=enrol(program, mentee),
            mentor=enrol(program, mentor, role="mentor"),
            origin=Pair.Origin.MANUAL,
        )
    day = timezone.localdate() + dt.timedelta(days=3)
    [meeting] = meeting_schedule(pair=pair, organiser=mentee, when=when(day, 10))
    journal.agenda_item_add(meeting=meeting, author=mentee, text="Career paths in finance")
    journal.private_note_save(meeting=meeting, author=mentee, text=PRIVATE)
    journal.private_note_save(meeting=meeting, author=mentor, text=THEIRS)
    journal.goal_add(pair=pair, by=mentee, title="Lead a project review")


def test_a_mentee_downloads_and_opens_their_data(
    page: Page,
    live_server: object,
    mentee: User,
    mentor: User,
    eager_tasks: None,
    tmp_path: Path,
) -> None:
    _pair_with_notes(mentee, mentor)
    base = live_server.url  # type: ignore[attr-defined]
    sign_in(page, base, mentee)
    page.get_by_role("link", name="Settings").click()
    page.get_by_role("link", name="Your data").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your data")
    look(page, "own-data-empty")

    page.get_by_role("button", name="Prepare my archive").click()
    expect(page.get_by_role("status")).to_contain_text("We will e-mail you when it is ready")
    expect(page.get_by_text("Ready to download")).to_be_visible()
    look(page, "own-data-ready")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the archive").click()
    archive_file = tmp_path / "archive.zip"
    download_info.value.save_as(archive_file)
    folder = tmp_path / "archive"
    with zipfile.ZipFile(archive_file) as archive:
        assert sorted(archive.namelist()) == ["data.json", "index.html", "meetings.ics"]
        archive.extractall(folder)

    page.goto((folder / "index.html").as_uri())
    expect(page.get_by_role("heading", level=1)).to_have_text("Your data in Mentoring")
    expect(page.get_by_text(PRIVATE)).to_be_visible()
    expect(page.get_by_text("Lead a project review")).to_be_visible()
    assert THEIRS not in page.content()
    look(page, "own-data-archive-index")


def test_hr_erases_a_person_after_confirming(
    page: Page, live_server: object, hr_admin: User, mentee: User
) -> None:
    base = live_server.url  # type: ignore[attr-defined]
    sign_in(page, base, hr_admin)
    page.goto(base + reverse("hr_view:person", kwargs={"person_id": mentee.pk}))
    page.get_by_role("link", name="Erase on request").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Erase this person?")
    page.get_by_label("Type their e-mail address to confirm").fill("wrong@example.com")
    page.get_by_role("button", name="Erase for good").click()
    expect(page.get_by_text("Nothing was erased").first).to_be_visible()
    look(page, "erase-confirmation-refused")
    page.get_by_label("Type their e-mail address to confirm").fill(mentee.email)
    page.get_by_role("button", name="Erase for good").click()
    expect(page.get_by_role("status")).to_contain_text("Nothing of them can be restored")
    assert not User.objects.filter(pk=mentee.pk).exists()
