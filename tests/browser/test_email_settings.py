"""A person turns their meeting reminders off from the header link."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from people.models import User
from tests.browser.conftest import look, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_turn_reminders_off_from_the_header(page: Page, live_server: object, mentor: User) -> None:
    base = live_server.url  # type: ignore[attr-defined]
    sign_in(page, base, mentor)
    look(page, "header-with-email-settings")
    page.get_by_role("link", name="E-mail settings").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("E-mail settings")
    look(page, "email-settings")
    page.get_by_label("Reminders before your mentoring meetings").uncheck()
    page.get_by_role("button", name="Save e-mail settings").click()
    expect(page.get_by_text("Your e-mail settings are saved.")).to_be_visible()
    expect(page.get_by_label(re.compile("Reminders before"))).not_to_be_checked()
    look(page, "email-settings-saved")
    mentor.refresh_from_db()
    assert mentor.email_reminders is False
    assert mentor.email_nudges is True
