"""The pair's meetings page at size: the next meetings and the most recent first, each
list a page at a time, a fixed number of queries, and the page kept rendered exactly as
long as it is true."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lib.page_cache import PAGES
from matching.models import Pair
from meetings import selectors
from meetings.models import Attendance, Meeting
from meetings.services import meeting_respond, meeting_schedule
from meetings.views_schedule import PAST_PER_PAGE, UPCOMING_PER_PAGE
from people.models import User
from tests.meetings.factories import make_pair, when

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _meetings(
    pair: Pair, *, past: int, upcoming: int, shift: dt.timedelta = dt.timedelta()
) -> list[Meeting]:
    """Weekly meetings: ``past`` of them before now (newest a week ago), ``upcoming`` after;
    ``shift`` moves them all (the same two people cannot meet twice at once)."""
    now = timezone.now().replace(microsecond=0) + shift
    starts = [now - dt.timedelta(weeks=k) for k in range(past, 0, -1)]
    starts += [now + dt.timedelta(weeks=k, hours=1) for k in range(upcoming)]
    made = Meeting.objects.bulk_create(
        Meeting(pair=pair, start=s, end=s + dt.timedelta(hours=1)) for s in starts
    )
    Attendance.objects.bulk_create(
        Attendance(meeting=m, person=p.person, start=m.start, end=m.end)
        for m in made
        for p in (pair.mentee, pair.mentor)
    )
    return made


def _shown_ids(html: str) -> list[int]:
    """The meetings on the page, in order, by their journal links."""
    return [int(n) for n in re.findall(r'href="/journal/meetings/(\d+)/"', html)]


def test_the_next_meetings_and_the_most_recent_come_first_and_the_rest_is_paged(
    mentee: User, mentor: User
) -> None:
    pair = make_pair(mentee, mentor)
    made = _meetings(pair, past=45, upcoming=25)
    past, upcoming = made[:45], made[45:]
    url = reverse("meetings:pair", args=[pair.pk])
    client = _client(mentee)

    first = client.get(url).content.decode()
    expected = [m.pk for m in upcoming[:UPCOMING_PER_PAGE]]
    expected += [m.pk for m in reversed(past)][:PAST_PER_PAGE]
    assert _shown_ids(first) == expected
    assert 'href="?page=2" rel="next"' in first
    assert 'href="?upcoming=2" rel="next"' in first

    third = client.get(url, {"page": 3}).content.decode()
    assert _shown_ids(third)[UPCOMING_PER_PAGE:] == [m.pk for m in reversed(past[:5])]
    assert 'href="?page=2" rel="prev"' in third

    later = client.get(url, {"upcoming": 2, "page": 2}).content.decode()
    shown = _shown_ids(later)
    assert shown[:5] == [m.pk for m in upcoming[UPCOMING_PER_PAGE:]]
    assert 'href="?page=2" rel="prev"' in later  # the other list's page is kept
    assert 'href="?upcoming=2&amp;page=3" rel="next"' in later


@pytest.mark.parametrize("page", ["0", "-1", "abc", "99999", "1.5", ""])
def test_a_page_number_that_is_not_one_shows_a_page_without_an_error(
    mentee: User, mentor: User, page: str
) -> None:
    pair = make_pair(mentee, mentor)
    _meetings(pair, past=25, upcoming=1)
    response = _client(mentee).get(reverse("meetings:pair", args=[pair.pk]), {"page": page})
    assert response.status_code == 200
    assert len(_shown_ids(response.content.decode())) in (1 + PAST_PER_PAGE, 1 + 5)


def test_the_page_draws_with_the_same_queries_at_10_and_200_meetings(
    mentee: User, mentor: User
) -> None:
    drawn, kept = [], []
    for size in (10, 200):
        pair = make_pair(mentee, mentor)
        _meetings(
            pair, past=size // 2, upcoming=size // 2, shift=dt.timedelta(hours=2 * len(drawn))
        )
        client = _client(mentor)
        url = reverse("meetings:pair", args=[pair.pk])
        client.get(url)  # warm the session
        caches[PAGES].clear()
        with CaptureQueriesContext(connection) as queries:
            html = client.get(url).content.decode()
        drawn.append(len(queries))
        assert len(_shown_ids(html)) == min(size // 2, 20) * 2
        with CaptureQueriesContext(connection) as queries:
            again = client.get(url).content.decode()
        kept.append(len(queries))
        assert _without_tokens(again) == _without_tokens(html)
    assert drawn[0] == drawn[1]
    assert kept[0] == kept[1] < drawn[0]


def _without_tokens(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_an_answer_shows_on_the_next_request(pair_with_invite: tuple[Pair, Meeting]) -> None:
    pair, meeting = pair_with_invite
    invitee = pair.mentor.person
    client = _client(invitee)
    url = reverse("meetings:pair", args=[pair.pk])
    assert 'name="accept" value="yes"' in client.get(url).content.decode()
    meeting_respond(meeting=meeting, person=invitee, accept=True)
    html = client.get(url).content.decode()
    assert 'name="accept" value="yes"' not in html
    assert 'name="accept" value="no"' in html


@pytest.fixture
def pair_with_invite(mentee: User, mentor: User) -> tuple[Pair, Meeting]:
    pair = make_pair(mentee, mentor)
    day = timezone.localdate() + dt.timedelta(days=3)
    (meeting,) = meeting_schedule(pair=pair, organiser=mentee, when=when(day))
    return pair, meeting


def test_a_meeting_that_ends_moves_to_the_history_on_the_next_request(
    mentee: User, mentor: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    pair = make_pair(mentee, mentor)
    now = timezone.now()
    meeting = Meeting.objects.create(
        pair=pair, start=now - dt.timedelta(minutes=30), end=now + dt.timedelta(minutes=1)
    )
    client = _client(mentee)
    url = reverse("meetings:pair", args=[pair.pk])
    before = client.get(url).content.decode()
    assert "No meetings planned" not in before
    assert client.get(url).content.decode().count("Scheduled") == before.count("Scheduled")

    later = meeting.end + dt.timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    after = client.get(url).content.decode()
    assert "No meetings planned" in after
    assert _shown_ids(after) == [meeting.pk]


def test_outsiders_still_get_the_404_of_a_missing_id_once_the_page_is_kept(
    mentee: User, mentor: User, manager: User, hr_admin: User, outsider: User
) -> None:
    pair = make_pair(mentee, mentor)
    _meetings(pair, past=3, upcoming=3)
    url = reverse("meetings:pair", args=[pair.pk])
    assert _client(mentee).get(url).status_code == 200
    assert _client(mentor).get(url).status_code == 200
    missing = _client(outsider).get(reverse("meetings:pair", args=[987654]))
    for person in (manager, hr_admin, outsider):
        response = _client(person).get(url)
        assert response.status_code == 404
        assert response.content == missing.content


def test_the_key_is_read_for_the_two_people_of_the_pair_only(
    mentee: User, mentor: User, manager: User, hr_admin: User, outsider: User
) -> None:
    pair = make_pair(mentee, mentor)
    _meetings(pair, past=2, upcoming=2)
    for person in (mentee, mentor):
        key = selectors.pair_page_key(pair_id=pair.pk, viewer=person)
        assert key is not None
        assert mentor.full_name in repr(key)
        assert mentee.full_name in repr(key)
    for person in (manager, hr_admin, outsider):
        assert selectors.pair_page_key(pair_id=pair.pk, viewer=person) is None
    assert selectors.pair_page_key(pair_id=987654, viewer=mentee) is None


def test_the_key_changes_with_every_answer_and_schedule_revision(
    pair_with_invite: tuple[Pair, Meeting],
) -> None:
    pair, meeting = pair_with_invite
    mentor = pair.mentor.person
    before = selectors.pair_page_key(pair_id=pair.pk, viewer=mentor)
    meeting_respond(meeting=meeting, person=mentor, accept=False)
    answered = selectors.pair_page_key(pair_id=pair.pk, viewer=mentor)
    assert answered != before
    User.objects.filter(pk=pair.mentee.person_id).update(full_name="Renamed Mentee")
    assert selectors.pair_page_key(pair_id=pair.pk, viewer=mentor) != answered
