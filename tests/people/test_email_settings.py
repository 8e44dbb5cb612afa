"""Settings: each person chooses their language and time zone, and turns their own optional
e-mails on or off. Two forms on one page, each saved on its own."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lib.outbox import outbox_deliver
from matching.models import Pair
from meetings.models import Reminder
from meetings.nudges import NUDGES, nudges_plan
from meetings.reminders import Outcome, reminder_send, reminders_claim_due
from meetings.services import meeting_schedule
from people.models import User
from people.services import person_email_preferences_set
from programs.models import Program
from tests.meetings.factories import make_pair, when

pytestmark = pytest.mark.django_db

URL = "/people/settings/email/"


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_the_route_is_people_settings_email() -> None:
    assert reverse("people:email_settings") == URL


@pytest.mark.parametrize("persona", ["mentee", "mentor", "manager", "hr_admin", "outsider"])
def test_anyone_signed_in_sees_their_own_settings(
    personas: dict[str, User | None], persona: str
) -> None:
    user = personas[persona]
    assert user is not None
    response = client_for(user).get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Reminders before your mentoring meetings" in page
    assert "Friendly nudges when your pair has not met for a while" in page
    assert "always sent" in page
    assert user.email in page


def test_anonymous_visitors_are_sent_to_sign_in() -> None:
    for method in ("get", "post"):
        response = getattr(Client(), method)(URL)
        assert response.status_code == 302
        assert urlsplit(response["Location"]).path == reverse("account_login")


def test_saving_changes_only_the_signed_in_persons_flags(mentee: User, mentor: User) -> None:
    client = client_for(mentee)
    response = client.post(
        URL, {"section": "email", "reminders": "on", "pk": mentor.pk, "person": mentor.pk}
    )
    assert response.status_code == 302
    assert response["Location"] == URL
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Your e-mail settings are saved."
    ]
    mentee.refresh_from_db()
    mentor.refresh_from_db()
    assert (mentee.email_reminders, mentee.email_nudges) == (True, False)
    assert (mentor.email_reminders, mentor.email_nudges) == (True, True)

    client.post(URL, {"section": "email", "nudges": "on"})
    mentee.refresh_from_db()
    assert (mentee.email_reminders, mentee.email_nudges) == (False, True)


def test_the_form_shows_the_saved_choices(mentee: User) -> None:
    person_email_preferences_set(person=mentee, reminders=False, nudges=True)
    page = client_for(mentee).get(URL).content.decode()
    inputs = dict(re.findall(r'<input type="checkbox" name="(\w+)"([^>]*)>', page))
    assert "checked" not in inputs["reminders"]
    assert "checked" in inputs["nudges"]


def test_the_header_links_to_the_settings(mentee: User) -> None:
    page = client_for(mentee).get(reverse("home")).content.decode()
    assert f'href="{URL}"' in page
    assert ">Settings</span>" in page


def test_the_service_saves_both_flags(mentee: User) -> None:
    person_email_preferences_set(person=mentee, reminders=False, nudges=False)
    mentee.refresh_from_db()
    assert (mentee.email_reminders, mentee.email_nudges) == (False, False)


# ---------------------------------------------------------------- the e-mails honour them


@pytest.fixture
def no_broker(monkeypatch: pytest.MonkeyPatch) -> None:
    from meetings import tasks, tasks_reminders

    monkeypatch.setattr(tasks.send_meeting_update, "delay_on_commit", lambda *a: None)
    monkeypatch.setattr(tasks_reminders.send_reminder, "delay_on_commit", lambda *a: None)
    monkeypatch.setattr(tasks_reminders.send_reminders, "delay_on_commit", lambda *a: None)


def _reminders_sent(pair: Pair) -> list[Any]:
    start = timezone.now() + dt.timedelta(days=3)
    local = start.astimezone(dt.UTC)
    meeting_schedule(
        pair=pair,
        organiser=pair.mentee.person,
        when=when(local.date(), local.hour, 0, zone="UTC"),
    )
    Reminder.objects.filter(status="pending").update(due_at=timezone.now() - dt.timedelta(1))
    mail.outbox.clear()
    outcomes = [reminder_send(pk) for pk in reminders_claim_due(now=timezone.now(), batch=100)]
    assert outcomes.count(Outcome.SENT) == len(mail.outbox)
    return list(mail.outbox)


def test_reminders_skip_people_who_turned_them_off(
    no_broker: None, mentee: User, mentor: User
) -> None:
    pair = make_pair(mentee, mentor)
    person_email_preferences_set(person=mentee, reminders=False, nudges=True)
    sent = _reminders_sent(pair)
    assert sent
    assert {m.to[0] for m in sent} == {mentor.email}
    settings_url = reverse("people:email_settings")
    assert all(settings_url in str(m.body) for m in sent)
    assert all(settings_url in str(m.alternatives[0][0]) for m in sent)


def test_nudges_skip_people_who_turned_them_off_whatever_their_reminders(
    mentee: User, mentor: User
) -> None:
    pair = make_pair(mentee, mentor)
    Program.objects.filter(pk=pair.program_id).update(nudge_after_days=14)
    Pair.objects.filter(pk=pair.pk).update(started_at=timezone.now() - dt.timedelta(days=15))
    person_email_preferences_set(person=mentee, reminders=True, nudges=False)
    person_email_preferences_set(person=mentor, reminders=False, nudges=True)
    mail_ids = nudges_plan(now=timezone.now())
    mail.outbox.clear()
    assert outbox_deliver(NUDGES, mail_ids) == 1
    [message] = mail.outbox
    assert message.to == [mentor.email]
    assert reverse("people:email_settings") in str(message.body)


# ---------------------------------------------------------------- language and time zone


def test_language_and_time_zone_are_saved_and_the_next_page_speaks_them(mentee: User) -> None:
    mentee.language, mentee.time_zone = "en", "Europe/Berlin"
    mentee.save(update_fields=["language", "time_zone"])
    client = client_for(mentee)
    response = client.post(
        URL, {"section": "regional", "language": "de", "time_zone": "America/New_York"}
    )
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Ihre Sprache und Zeitzone sind gespeichert."
    ]
    mentee.refresh_from_db()
    assert (mentee.language, mentee.time_zone) == ("de", "America/New_York")
    assert (mentee.email_reminders, mentee.email_nudges) == (True, True)  # untouched
    page = client.get(URL).content.decode()
    assert 'lang="de"' in page
    assert "Einstellungen" in page
    assert 'value="America/New_York"' in page  # the time-zone box holds the saved zone


def test_the_language_list_names_each_language_in_its_own_words(mentee: User) -> None:
    page = client_for(mentee).get(URL).content.decode()
    for name in ("English", "Deutsch", "Español", "Français", "Nederlands"):
        assert f">{name}</option>" in page
    assert 'list="id_time_zone_options"' in page  # searchable: the browser filters the list
    assert '<option value="Europe/Berlin">' in page
    assert 'value="Etc/GMT+5"' not in page  # aliases stay out of the list


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"language": "de", "time_zone": "Mars/Olympus"}, "time_zone", "Choose a time zone"),
        ({"language": "xx", "time_zone": "UTC"}, "language", "Select a valid choice"),
        ({"language": "de"}, "time_zone", "This field is required"),
    ],
)
def test_a_bad_choice_gets_a_message_keeps_the_input_and_changes_nothing(
    mentee: User, data: dict[str, str], field: str, message: str
) -> None:
    mentee.language, mentee.time_zone = "en", "Europe/Berlin"
    mentee.save(update_fields=["language", "time_zone"])
    response = client_for(mentee).post(URL, {"section": "regional", **data})
    assert response.status_code == 200
    assert message in str(response.context["regional"].errors[field])
    assert 'aria-invalid="true"' in response.content.decode()
    mentee.refresh_from_db()
    assert (mentee.language, mentee.time_zone) == ("en", "Europe/Berlin")


def test_a_post_without_a_section_saves_nothing_and_says_so(mentee: User) -> None:
    response = client_for(mentee).post(URL, {"language": "de", "reminders": ""})
    assert response.status_code == 200
    assert "Nothing was saved" in response.content.decode()
    mentee.refresh_from_db()
    assert (mentee.language, mentee.email_reminders) == ("en", True)


def test_the_time_zone_list_offers_current_names_only(mentee: User) -> None:
    page = client_for(mentee).get(URL).content.decode()
    offered = re.findall(r'<option value="([A-Za-z_/+-]+)"></option>', page)
    assert "Europe/Berlin" in offered
    assert "Asia/Kolkata" in offered
    assert "UTC" in offered
    for alias in ("Africa/Asmera", "America/Atka", "Asia/Calcutta", "Europe/Kiev", "US/Pacific"):
        assert alias not in offered
    assert 350 < len(offered) < 450  # not the ~600 names zoneinfo knows


def test_an_old_zone_name_is_saved_under_its_current_name(mentee: User) -> None:
    response = client_for(mentee).post(
        URL, {"section": "regional", "language": "en", "time_zone": "Asia/Calcutta"}
    )
    assert response.status_code == 302
    mentee.refresh_from_db()
    assert mentee.time_zone == "Asia/Kolkata"


def test_a_person_saved_with_an_alias_sees_its_current_name_and_keeps_working(
    mentee: User,
) -> None:
    mentee.time_zone = "America/Atka"  # saved before the list offered current names only
    mentee.save(update_fields=["time_zone"])
    client = client_for(mentee)
    page = client.get(URL).content.decode()
    assert 'value="America/Adak"' in page
    response = client.post(
        URL, {"section": "regional", "language": "de", "time_zone": "America/Adak"}
    )
    assert response.status_code == 302
    mentee.refresh_from_db()
    assert (mentee.language, mentee.time_zone) == ("de", "America/Adak")


def test_the_page_offers_the_devices_zone_through_a_static_script(mentee: User) -> None:
    page = client_for(mentee).get(URL).content.decode()
    assert "js/time-zone.js" in page
    assert "data-zone-suggestion" in page
    assert "<script>" not in page  # no inline script under the CSP
