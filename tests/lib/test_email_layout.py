"""Every e-mail has a plain-text part and an HTML part in the one shared layout: a
language, readable without images, nothing loaded from elsewhere, links to the page the
e-mail is about."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from matching.notifications import pair_introduction_send
from meetings.services import meeting_schedule
from people.models import User
from tests.meetings.factories import make_pair, when

pytestmark = pytest.mark.django_db
TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def _composed_templates() -> list[Path]:
    """The ``<name>_message.txt`` of every e-mail ``lib.mail.compose`` sends (allauth's own
    sign-in e-mails live under account/ and are rendered by allauth)."""
    return sorted(
        path
        for path in TEMPLATES.glob("*/email/*_message.txt")
        if path.parent.parent.name != "account"
    )


def test_every_e_mail_has_an_html_part_in_the_shared_layout() -> None:
    texts = _composed_templates()
    assert len(texts) >= 10
    for text in texts:
        html = text.with_name(text.name.replace(".txt", ".html"))
        assert html.exists(), f"{text.relative_to(TEMPLATES)} has no HTML part"
        assert html.read_text().startswith('{% extends "email/base.html" %}'), html


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.lang: str | None = None
        self.tags: list[str] = []
        self.links: list[str] = []
        self.loads: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        self.tags.append(tag)
        if tag == "html":
            self.lang = values.get("lang")
        if tag == "a" and values.get("href"):
            self.links.append(str(values["href"]))
        self.loads += [str(values[a]) for a in ("src", "srcset", "background") if values.get(a)]
        if tag == "link":
            self.loads.append(str(values.get("href")))


def _html(message: mail.EmailMessage) -> _Page:
    assert isinstance(message, mail.EmailMultiAlternatives)
    assert message.body.strip(), "no plain-text part"
    [(html, kind)] = message.alternatives
    assert kind == "text/html"
    page = _Page()
    page.feed(str(html))
    return page


def _assert_layout(message: mail.EmailMessage, language: str, about: str) -> None:
    page = _html(message)
    assert page.lang == language
    assert "img" not in page.tags
    assert "script" not in page.tags
    assert page.loads == []  # nothing fetched from elsewhere: readable offline, no tracking
    assert all(link.startswith(settings.BASE_URL) for link in page.links), page.links
    assert any(link.endswith(about) for link in page.links), (about, page.links)
    assert str(message.subject) in str(message.alternatives[0][0])  # the title


@pytest.fixture
def eager_celery() -> Iterator[None]:
    from mentoring.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


def test_the_introduction_links_to_the_pair_page(mentee: User, mentor: User) -> None:
    mentor.language = "fr"
    mentor.save()
    pair = make_pair(mentee, mentor)
    mail.outbox.clear()
    assert pair_introduction_send(pair_id=pair.pk) == 2
    for message in mail.outbox:
        language = "fr" if message.to == [mentor.email] else "en"
        _assert_layout(message, language, f"/meetings/pairs/{pair.pk}/")
        assert f"/meetings/pairs/{pair.pk}/" in message.body


@pytest.mark.parametrize("every_weeks", [None, 2])
def test_meeting_and_series_invitations_use_the_layout(
    eager_celery: None,
    mentee: User,
    mentor: User,
    django_capture_on_commit_callbacks: Any,
    every_weeks: int | None,
) -> None:
    mentor.language = "de"
    mentor.save()
    pair = make_pair(mentee, mentor)
    mail.outbox.clear()
    day = timezone.localdate() + dt.timedelta(days=9)
    with django_capture_on_commit_callbacks(execute=True):
        meeting_schedule(
            pair=pair, organiser=mentee, when=when(day, 11), place="<b>Room</b> 4",
            every_weeks=every_weeks, count=3 if every_weeks else None,
        )  # fmt: skip
    assert len(mail.outbox) == 2
    for message in mail.outbox:
        language = "de" if message.to == [mentor.email] else "en"
        _assert_layout(message, language, f"/meetings/pairs/{pair.pk}/")
        html = str(message.alternatives[0][0])  # type: ignore[attr-defined]
        assert "&lt;b&gt;Room&lt;/b&gt; 4" in html  # user text is escaped, never markup


def test_sign_in_e_mails_get_the_layout_too(client: Client, mentee: User) -> None:
    """allauth's own e-mails: the plain text in the shared layout, links clickable, escaped."""
    mail.outbox.clear()
    client.post(reverse("account_reset_password"), {"email": mentee.email})
    client.post(reverse("account_request_login_code"), {"email": mentee.email})
    assert len(mail.outbox) == 2
    for message in mail.outbox:
        page = _html(message)
        assert page.lang == "en"
        assert page.loads == []
        html = str(message.alternatives[0][0])  # type: ignore[attr-defined]
        assert str(message.subject) in html
    reset = _html(mail.outbox[0])
    assert any("/accounts/password/reset/key/" in link for link in reset.links)
