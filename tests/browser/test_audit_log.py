"""An operator reads the audit log in real Chromium: filters it and downloads the rows."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from audit.models import Action, AuditEvent
from audit.services import audit_record
from people.models import User
from tests.browser.conftest import look, sign_in
from tests.factories import UserFactory, with_totp
from tests.programs.factories import ProgramFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_operator_filters_the_audit_log_and_exports_it(
    page: Page, live_server: object, hr_admin: User, outsider: User, tmp_path: Path
) -> None:
    operator = with_totp(UserFactory(full_name="Ona Operator", is_staff=True, is_superuser=True))
    program = ProgramFactory(name="Autumn cohort")
    audit_record(action=Action.PROGRAM_LIFECYCLE, actor=hr_admin, target=program,
                 details={"from": "draft", "to": "open"})  # fmt: skip
    audit_record(action=Action.PERSON_DEACTIVATED, actor=hr_admin, target=outsider)
    audit_record(action=Action.PEOPLE_IMPORT, actor=hr_admin,
                 details={"created": 12, "updated": 3, "unchanged": 40})  # fmt: skip
    AuditEvent.objects.create(action=Action.ROLE_REMOVED, actor_id=hr_admin.pk,
                              target_type="user", target_id=98_765)  # fmt: skip
    base = live_server.url  # type: ignore[attr-defined]
    sign_in(page, base, operator)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Audit log").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit log")
    table = page.get_by_role("table")
    expect(table).to_contain_text("former participant #98765")
    expect(table).to_contain_text("Autumn cohort")
    look(page, "audit-log")

    page.get_by_label("Action", exact=True).select_option(label="Person deactivated")
    page.get_by_label("Who acted").fill("hana")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"action=person_deactivated"))
    expect(table).to_contain_text("Otto Outsider")
    expect(table).not_to_contain_text("Autumn cohort")
    expect(page.get_by_role("table").locator("caption")).to_have_text("1 recorded action")
    look(page, "audit-log-filtered")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download these as CSV").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    rows = list(csv.reader(saved.open(encoding="utf-8-sig")))
    assert [r[1:4] for r in rows[1:]] == [["Person deactivated", "Hana HR", "Otto Outsider"]]

    page.get_by_label("Action", exact=True).select_option(label="Audit log exported")
    page.get_by_label("Who acted").fill("")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("table")).to_contain_text("Ona Operator")
    expect(page.get_by_role("table")).to_contain_text("filters: action, actor")

    page.get_by_label("From", exact=True).fill("2026-12-31")
    page.get_by_label("Until").fill("2026-12-01")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("alert")).to_contain_text("The end of the period comes before")
    look(page, "audit-log-bad-period")
