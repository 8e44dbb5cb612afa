"""A person reads a nudge e-mail (its HTML part in a browser), turns nudges off from the
link in it without signing in, and finds the way to the e-mail settings."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from lib.outbox import outbox_deliver
from matching.models import Pair
from meetings.nudges import NUDGES, nudges_plan
from people.models import User
from tests.browser.conftest import look
from tests.meetings.factories import make_pair

pytestmark = pytest.mark.django_db(transaction=True)


def _fits_a_phone(page: Page) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.set_viewport_size({"width": 1280, "height": 900})


def test_turn_nudges_off_from_the_e_mail(
    page: Page, live_server: Any, settings: Any, mentee: User, mentor: User
) -> None:
    settings.BASE_URL = live_server.url  # the e-mail's links lead to this server
    mentee.language = "de"
    mentee.save()
    pair = make_pair(mentee, mentor)
    Pair.objects.filter(pk=pair.pk).update(started_at=timezone.now() - dt.timedelta(days=60))
    mail.outbox.clear()
    assert outbox_deliver(NUDGES, nudges_plan(now=timezone.now())) == 2
    [message] = [m for m in mail.outbox if m.to == [mentor.email]]
    page.set_content(str(message.alternatives[0][0]))  # type: ignore[attr-defined]
    expect(page.locator("html")).to_have_attribute("lang", "en")
    look(page, "email-nudge")
    _fits_a_phone(page)

    page.get_by_role("link", name="Turn off these e-mails in one click").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Turn off these e-mails?")
    look(page, "unsubscribe-ask")
    _fits_a_phone(page)
    mentor.refresh_from_db()
    assert mentor.email_nudges is True  # opening the link changes nothing

    page.get_by_role("button", name="Turn them off").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("E-mails turned off")
    look(page, "unsubscribe-done")
    mentor.refresh_from_db()
    assert (mentor.email_nudges, mentor.email_reminders) == (False, True)
    mentee.refresh_from_db()
    assert mentee.email_nudges is True  # only the person the link was for

    page.get_by_role("link", name="e-mail settings").click()
    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/people/settings/email/")


def test_the_german_e_mail_and_page_read_in_german(
    page: Page, live_server: Any, settings: Any, mentee: User, mentor: User
) -> None:
    settings.BASE_URL = live_server.url
    mentee.language = "de"
    mentee.save()
    pair = make_pair(mentee, mentor)
    Pair.objects.filter(pk=pair.pk).update(started_at=timezone.now() - dt.timedelta(days=60))
    mail.outbox.clear()
    outbox_deliver(NUDGES, nudges_plan(now=timezone.now()))
    [message] = [m for m in mail.outbox if m.to == [mentee.email]]
    page.set_content(str(message.alternatives[0][0]))  # type: ignore[attr-defined]
    expect(page.locator("html")).to_have_attribute("lang", "de")
    look(page, "email-nudge-de")
    page.get_by_role("link", name="Diese E-Mails mit einem Klick abbestellen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Diese E-Mails abbestellen?")
    look(page, "unsubscribe-ask-de")
    _fits_a_phone(page)
