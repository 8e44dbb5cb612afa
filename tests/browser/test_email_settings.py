"""A person opens Settings from the header: turns reminders off, then switches the app to
German and their own time zone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from people.models import User
from tests.browser.conftest import look, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_turn_reminders_off_from_the_header(page: Page, live_server: object, mentor: User) -> None:
    base = live_server.url  # type: ignore[attr-defined]
    sign_in(page, base, mentor)
    look(page, "header-with-settings")
    page.get_by_role("link", name="Settings").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Settings")
    look(page, "settings")
    page.get_by_label("Reminders before your mentoring meetings").uncheck()
    page.get_by_role("button", name="Save e-mail settings").click()
    expect(page.get_by_text("Your e-mail settings are saved.")).to_be_visible()
    expect(page.get_by_label(re.compile("Reminders before"))).not_to_be_checked()
    look(page, "settings-e-mails-saved")
    mentor.refresh_from_db()
    assert mentor.email_reminders is False
    assert mentor.email_nudges is True


def test_switch_to_german_and_another_time_zone(
    page: Page, live_server: object, mentee: User
) -> None:
    base = live_server.url  # type: ignore[attr-defined]
    sign_in(page, base, mentee)
    page.get_by_role("link", name="Settings").click()
    page.get_by_label("Language", exact=True).select_option(label="Deutsch")
    page.get_by_label("Time zone", exact=True).fill("America/New_York")
    page.get_by_role("button", name="Save language and time zone").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Einstellungen")
    saved = "Ihre Sprache und Zeitzone sind gespeichert."
    expect(page.get_by_role("status")).to_contain_text(saved)
    expect(page.get_by_label("Zeitzone", exact=True)).to_have_value("America/New_York")
    look(page, "settings-in-german")
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link").first.click()
    expect(page.locator("html")).to_have_attribute("lang", "de")
    look(page, "home-in-german")
    mentee.refresh_from_db()
    assert (mentee.language, mentee.time_zone) == ("de", "America/New_York")


def test_an_old_zone_name_shows_its_current_name_and_the_device_zone_is_offered(
    browser: Browser, live_server: object, mentee: User
) -> None:
    base = live_server.url  # type: ignore[attr-defined]
    mentee.time_zone = "Asia/Calcutta"  # an alias saved before the list was cleaned up
    mentee.save(update_fields=["time_zone"])
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="en-GB", timezone_id="Asia/Singapore"
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        sign_in(page, base, mentee)
        page.goto(f"{base}/people/settings/email/")
        box = page.get_by_label("Time zone", exact=True)
        expect(box).to_have_value("Asia/Kolkata")
        expect(page.get_by_text("Your device is set to Asia/Singapore")).to_be_visible()
        look(page, "settings-time-zone-suggested")
        page.set_viewport_size({"width": 390, "height": 844})
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"settings scrolls sideways by {overflow}px at 390px"
        page.set_viewport_size({"width": 1280, "height": 900})

        page.get_by_role("button", name="Use the time zone of this device").click()
        expect(box).to_have_value("Asia/Singapore")
        page.get_by_role("button", name="Save language and time zone").click()
        expect(page.get_by_role("status")).to_contain_text("Your language and time zone are saved.")
        mentee.refresh_from_db()
        assert mentee.time_zone == "Asia/Singapore"
        expect(page.get_by_text("Your device is set to")).to_be_hidden()  # it is the saved one

        box.fill("Mars/Olympus")
        page.get_by_role("button", name="Save language and time zone").click()
        expect(
            page.get_by_role("link", name=re.compile("^Time zone: Choose a time zone"))
        ).to_be_visible()
        expect(box).to_have_value("Mars/Olympus")  # the input is kept
        look(page, "settings-time-zone-error")
        mentee.refresh_from_db()
        assert mentee.time_zone == "Asia/Singapore"
    finally:
        context.close()
