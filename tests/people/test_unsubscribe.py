"""One-click unsubscribe (RFC 8058) from reminders and nudges: the header, the confirmation
page, the POST without sign-in, and refusals of changed or made-up links."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from email.message import EmailMessage
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core import mail, signing
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
from people.unsubscribe import SALT, Kind, unsubscribe_token, unsubscribe_url
from tests.integration.support import Inbox, smtp_server
from tests.meetings.factories import make_pair, when

pytestmark = pytest.mark.django_db
MISSING_PAGE = "/no-such-page/"


@pytest.fixture(autouse=True)
def no_broker(monkeypatch: pytest.MonkeyPatch) -> None:
    from meetings import tasks, tasks_reminders

    monkeypatch.setattr(tasks.send_meeting_update, "delay_on_commit", lambda *a: None)
    monkeypatch.setattr(tasks_reminders.send_reminders, "delay_on_commit", lambda *a: None)
    monkeypatch.setattr(tasks_reminders.send_reminder, "delay_on_commit", lambda *a: None)


def _path(url: str) -> str:
    return urlsplit(url).path


def _header_url(message: Any) -> str:
    header = str(message["List-Unsubscribe"]).strip()  # a long header is folded
    assert header.startswith("<https://") or header.startswith("<http://")
    assert header.endswith(">")
    return header[1:-1]


def _reminder_through_smtp(pair: Pair, settings: Any) -> EmailMessage:
    start = (timezone.now() + dt.timedelta(days=3)).astimezone(zoneinfo.ZoneInfo("Europe/Berlin"))
    meeting_schedule(
        pair=pair, organiser=pair.mentee.person,
        when=when(start.date(), start.hour, zone="Europe/Berlin"),
    )  # fmt: skip
    Reminder.objects.update(due_at=timezone.now() - dt.timedelta(seconds=1))
    [first, *_rest] = reminders_claim_due(now=timezone.now(), batch=100)
    inbox = Inbox()
    with smtp_server(inbox, settings):
        assert reminder_send(first) == Outcome.SENT
    [message] = inbox.reminders()
    return message


def test_a_reminder_unsubscribes_in_one_post_without_signing_in(
    mentee: User, mentor: User, settings: Any
) -> None:
    pair = make_pair(mentee, mentor)
    message = _reminder_through_smtp(pair, settings)
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    person = User.objects.get(email=message["To"])
    assert person.email_reminders
    assert person.email_nudges
    response = Client(enforce_csrf_checks=True).post(
        _path(_header_url(message)), {"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 200
    person.refresh_from_db()
    assert person.email_reminders is False
    assert person.email_nudges is True  # only the kind the e-mail was


def test_a_nudge_carries_a_one_click_header_for_nudges(mentee: User, mentor: User) -> None:
    pair = make_pair(mentee, mentor)
    Pair.objects.filter(pk=pair.pk).update(started_at=timezone.now() - dt.timedelta(days=60))
    mail.outbox.clear()
    assert outbox_deliver(NUDGES, nudges_plan(now=timezone.now())) == 2
    for message in mail.outbox:
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        url = _header_url(message.extra_headers)
        assert url in message.body
        Client().post(_path(url))
    for person in (mentee, mentor):
        person.refresh_from_db()
        assert (person.email_nudges, person.email_reminders) == (False, True)


def test_get_only_asks_and_links_to_the_settings(mentee: User) -> None:
    path = _path(unsubscribe_url(person_id=mentee.pk, kind=Kind.REMINDERS))
    response = Client().get(path)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'method="post"' in page
    assert "Turn them off" in page
    assert reverse("people:email_settings") in page
    mentee.refresh_from_db()
    assert mentee.email_reminders is True  # a mail scanner opening the link changes nothing


def test_the_page_speaks_the_persons_language(mentee: User) -> None:
    mentee.language = "de"
    mentee.save()
    path = _path(unsubscribe_url(person_id=mentee.pk, kind=Kind.NUDGES))
    assert 'lang="de"' in Client().get(path).content.decode()


@pytest.mark.parametrize(
    "token",
    [
        "made-up",
        "",
        "eyJwIjoxLCJrIjoicmVtaW5kZXJzIn0:1kX:forged",
    ],
)
def test_a_made_up_link_is_the_missing_page_and_changes_nothing(mentee: User, token: str) -> None:
    client = Client()
    path = f"/people/unsubscribe/{token}/" if token else "/people/unsubscribe/x/"
    for method in (client.get, client.post):
        response = method(path)
        assert response.status_code == 404
        assert response.content == client.get(MISSING_PAGE).content
    mentee.refresh_from_db()
    assert mentee.email_reminders is True


def test_a_changed_token_names_nobody(mentee: User, mentor: User) -> None:
    token = unsubscribe_token(person_id=mentee.pk, kind=Kind.REMINDERS)
    value, signature = token.split(":", 1)
    other = signing.dumps({"p": mentor.pk, "k": "reminders"}, salt=SALT).split(":", 1)[0]
    forged = reverse("people:unsubscribe", kwargs={"token": f"{other}:{signature}"})
    wrong_salt = signing.dumps({"p": mentor.pk, "k": "reminders"})
    assert Client().post(forged).status_code == 404
    assert Client().post(f"/people/unsubscribe/{wrong_salt}/").status_code == 404
    mentor.refresh_from_db()
    assert mentor.email_reminders is True
    assert value != other


def test_a_token_of_someone_who_is_gone_is_the_missing_page(mentee: User) -> None:
    path = _path(unsubscribe_url(person_id=mentee.pk, kind=Kind.REMINDERS))
    mentee.delete()
    assert Client().post(path).status_code == 404
