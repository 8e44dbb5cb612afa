"""First journeys through the product in real Chromium."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from people.models import User
from tests.browser.conftest import look, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_sign_in_with_password(page: Page, live_server: object, mentee: User) -> None:
    base = live_server.url  # type: ignore[attr-defined]
    page.goto(f"{base}/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    look(page, "sign-in")
    sign_in(page, base, mentee)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ezra")
    look(page, "home-mentee")


def test_sign_in_by_e_mailed_code(page: Page, live_server: object, mentee: User) -> None:
    base = live_server.url  # type: ignore[attr-defined]
    page.goto(f"{base}/accounts/login/")
    page.get_by_role("link", name=re.compile("code", re.I)).first.click()
    page.get_by_label(re.compile("e-?mail", re.I)).first.fill(mentee.email)
    page.get_by_role("button", name=re.compile("code", re.I)).click()
    expect(page).to_have_url(re.compile(r"/accounts/login/code/confirm/"))
    look(page, "sign-in-code")
    code = re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", mail.outbox[-1].body, re.MULTILINE)
    assert code, mail.outbox[-1].body
    page.get_by_label(re.compile("code", re.I)).fill(code.group(1))
    page.get_by_role("button", name="Confirm").click()
    expect(page).to_have_url(f"{base}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ezra")


def _csv(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_hr_imports_a_csv_with_errors_then_a_clean_one(
    page: Page, live_server: object, hr_admin: User, tmp_path: Path
) -> None:
    base = live_server.url  # type: ignore[attr-defined]
    sign_in(page, base, hr_admin)
    look(page, "home-hr-admin")
    page.get_by_role("navigation").get_by_role("link", name="People").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("People")  # the directory
    page.get_by_role("main").get_by_role("link", name="Import people").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import people")
    look(page, "import-empty")

    header = "employee_id,email,full_name,department,title,manager_employee_id,time_zone,language\n"
    bad = _csv(
        tmp_path,
        "bad.csv",
        header
        + "X1,ada@example.com,Ada Lovelace,Engineering,Engineer,X9,Europe/London,en\n"
        + "X2,not-an-email,Alan Turing,Engineering,Engineer,,Mars/Base,en\n",
    )
    page.get_by_label("CSV file").set_input_files(str(bad))
    page.get_by_role("button", name=re.compile("import", re.I)).click()
    table = page.get_by_role("table")
    expect(table).to_contain_text("Mars/Base")
    expect(table).to_contain_text("not-an-email")
    expect(table).to_contain_text("X9")
    look(page, "import-errors")
    assert not User.objects.filter(employee_id__in=["X1", "X2"]).exists()

    good = _csv(
        tmp_path,
        "good.csv",
        header
        + "X1,ada@example.com,Ada Lovelace,Engineering,Engineer,,Europe/London,en\n"
        + "X2,alan@example.com,Alan Turing,Engineering,Engineer,X1,Europe/London,en\n",
    )
    page.get_by_label("CSV file").set_input_files(str(good))
    page.get_by_role("button", name=re.compile("import", re.I)).click()
    expect(page.get_by_role("status")).to_contain_text("2 new")
    look(page, "import-done")
    assert User.objects.get(employee_id="X2").manager == User.objects.get(employee_id="X1")


def test_manager_sees_team_and_outsider_gets_not_found(
    page: Page, live_server: object, manager: User, mentee: User
) -> None:
    base = live_server.url  # type: ignore[attr-defined]
    sign_in(page, base, manager)
    page.get_by_role("navigation").get_by_role("link", name="My team").click()
    expect(page.get_by_role("main")).to_contain_text(mentee.full_name)
    look(page, "team")
    page.goto(f"{base}/people/import/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(re.compile("not found", re.I))
    look(page, "not-found")
