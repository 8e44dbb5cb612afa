"""The meeting's journal page is kept rendered under every value it shows: each change
shows on the next request, for each of the two people, and never the other's private
note."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from journal import services
from meetings.services import meeting_reschedule
from people.models import User
from people.page_cache import PAGES
from tests.journal.factories import pair_with_meeting
from tests.meetings.factories import when

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _without_tokens(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_each_change_shows_on_the_next_request(mentee: User, mentor: User) -> None:
    _pair, meeting = pair_with_meeting(mentee, mentor)
    url = reverse("journal:meeting", args=[meeting.pk])
    client = _client(mentee)
    first = client.get(url).content.decode()
    assert _without_tokens(client.get(url).content.decode()) == _without_tokens(first)

    item = services.agenda_item_add(meeting=meeting, author=mentor, text="Talk about budgets")
    assert "Talk about budgets" in client.get(url).content.decode()
    services.agenda_item_toggle(item=item, by=mentor)
    assert "journal-agenda__item--done" in client.get(url).content.decode()
    services.shared_notes_save(
        meeting=meeting, by=mentor, text="We agreed on three steps", base_version=0
    )
    assert "We agreed on three steps" in client.get(url).content.decode()
    services.private_note_save(meeting=meeting, author=mentee, text="Mine alone")
    assert "Mine alone" in client.get(url).content.decode()
    User.objects.filter(pk=mentor.pk).update(full_name="Olu Renamed")
    assert "Meeting with Olu Renamed" in client.get(url).content.decode()
    later = when(meeting.start.date() + dt.timedelta(days=3), 15)
    meeting_reschedule(meeting=meeting, by=mentee, when=later, place="", following=False)
    html = client.get(url).content.decode()
    assert "15:00" in html or "16:00" in html  # in the viewer's zone


def test_the_other_persons_private_note_never_comes_from_the_kept_page(
    mentee: User, mentor: User
) -> None:
    _pair, meeting = pair_with_meeting(mentee, mentor)
    url = reverse("journal:meeting", args=[meeting.pk])
    services.private_note_save(meeting=meeting, author=mentor, text="canary-mentor-private-41")
    assert "canary-mentor-private-41" in _client(mentor).get(url).content.decode()
    for _ in range(2):
        assert "canary-mentor-private-41" not in _client(mentee).get(url).content.decode()


def test_the_page_runs_the_same_queries_at_5_and_50_agenda_items(
    mentee: User, mentor: User
) -> None:
    _pair, meeting = pair_with_meeting(mentee, mentor)
    url = reverse("journal:meeting", args=[meeting.pk])
    client = _client(mentee)
    drawn, kept = [], []
    for size in (5, 50):
        for n in range(size - len(drawn) * 5):
            services.agenda_item_add(meeting=meeting, author=mentee, text=f"Item {size}-{n}")
        client.get(url)
        caches[PAGES].clear()
        with CaptureQueriesContext(connection) as queries:
            html = client.get(url).content.decode()
        drawn.append(len(queries))
        assert html.count("journal-agenda__text") == size
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        kept.append(len(queries))
    assert drawn[0] == drawn[1]
    assert kept[0] == kept[1] <= drawn[0]
