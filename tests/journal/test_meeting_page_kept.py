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

from journal import selectors, services
from lib.page_cache import PAGES
from meetings.services import meeting_reschedule
from people.models import User
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


def test_the_key_is_read_for_the_two_people_of_the_pair_only(
    mentee: User, mentor: User, manager: User, hr_admin: User, outsider: User
) -> None:
    _pair, meeting = pair_with_meeting(mentee, mentor)
    services.agenda_item_add(meeting=meeting, author=mentor, text="canary-agenda-17")
    for person in (mentee, mentor):
        assert "canary-agenda-17" in repr(
            selectors.meeting_journal_key(meeting_id=meeting.pk, viewer=person)
        )
    for person in (manager, hr_admin, outsider):
        assert selectors.meeting_journal_key(meeting_id=meeting.pk, viewer=person) is None
    assert selectors.meeting_journal_key(meeting_id=987654, viewer=mentee) is None


def test_the_key_holds_every_row_the_page_reads_and_not_the_other_private_note(
    mentee: User, mentor: User
) -> None:
    _pair, meeting = pair_with_meeting(mentee, mentor)
    item = services.agenda_item_add(meeting=meeting, author=mentor, text="First item")
    services.shared_notes_save(meeting=meeting, by=mentor, text="Shared text", base_version=0)
    services.private_note_save(meeting=meeting, author=mentee, text="canary-mine-23")
    services.private_note_save(meeting=meeting, author=mentor, text="canary-theirs-29")
    key = selectors.meeting_journal_key(meeting_id=meeting.pk, viewer=mentee)
    journal = selectors.meeting_journal(meeting=meeting, viewer=mentee)
    assert key is not None
    shown = repr(key)
    for text in ("First item", "Shared text", "canary-mine-23", mentor.full_name, mentor.email):
        assert text in shown
    assert "canary-theirs-29" not in shown
    assert journal.history_count >= 1
    # The rows of each part, by their ids: what meeting_journal reads, row for row.
    ids: dict[int, set[str | None]] = {}
    for part, first, *_rest in key:
        ids.setdefault(int(part), set()).add(first)  # type: ignore[arg-type]
    pair = meeting.pair
    assert ids[0] == {str(meeting.pk)}
    assert ids[1] == {str(pair.pk)}
    assert ids[2] == {str(pair.program_id)}
    assert ids[3] == {str(pair.mentee_id), str(pair.mentor_id)}
    assert 4 not in ids  # no series
    assert ids[5] == {str(item.pk)}
    assert ids[6] == {str(journal.shared_note.pk)}  # type: ignore[union-attr]
    assert ids[7] == {str(journal.history_count)}
    assert ids[8] == {str(journal.private_note.pk)}  # type: ignore[union-attr]
    # The two people, the agenda's author and who last edited the notes (the mentor).
    assert ids[9] == {str(mentee.pk), str(mentor.pk)}


def test_a_page_drawn_while_its_rows_change_is_served_but_not_kept(
    mentee: User, mentor: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    _pair, meeting = pair_with_meeting(mentee, mentor)
    url = reverse("journal:meeting", args=[meeting.pk])
    client = _client(mentee)
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    kept = len(queries)
    read = selectors.meeting_journal_key
    reads = iter(range(1_000_000))
    # As if a row changed between every two reads of the key.
    monkeypatch.setattr(
        selectors, "meeting_journal_key", lambda **kwargs: (read(**kwargs), next(reads))
    )
    drawn = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            assert "Meeting with" in client.get(url).content.decode()
        drawn.append(len(queries))
    assert drawn[0] == drawn[1] > kept
