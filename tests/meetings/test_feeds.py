"""The .ics of one meeting, and each person's secret calendar feed."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from meetings.calendar import FEED_HISTORY, feed_ics
from meetings.models import CalendarFeed, Meeting
from meetings.services import meeting_cancel, meeting_schedule
from people.models import User
from tests.factories import UserFactory
from tests.meetings.factories import make_pair, when

pytestmark = pytest.mark.django_db


def _future(days: int = 10) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


def _client(user: User | None = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _meeting(mentee: User, mentor: User, days: int = 10, place: str = "Room 4") -> Meeting:
    [meeting] = meeting_schedule(
        pair=make_pair(mentee, mentor), organiser=mentee, when=when(_future(days)), place=place
    )
    return meeting


def _feed_path(feed: CalendarFeed) -> str:
    return reverse("meetings:feed", kwargs={"token": feed.token})


def _events(body: bytes) -> list[dict[str, object]]:
    return Calendar.from_ical(body).walk("VEVENT")  # type: ignore[no-any-return]


# ---------------------------------------------------------------- one meeting's .ics


@pytest.mark.parametrize("persona", ["mentee", "mentor"])
def test_both_people_of_the_pair_download_the_meeting(
    persona: str, mentee: User, mentor: User
) -> None:
    meeting = _meeting(mentee, mentor)
    viewer, other = (mentee, mentor) if persona == "mentee" else (mentor, mentee)
    response = _client(viewer).get(reverse("meetings:ics", kwargs={"meeting_id": meeting.pk}))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "attachment" in response["Content-Disposition"]
    [event] = _events(response.content)
    assert str(event["SUMMARY"]) == f"Mentoring: {other.full_name}"
    assert str(Calendar.from_ical(response.content)["METHOD"]) == "REQUEST"


def test_a_cancelled_meeting_downloads_as_a_cancellation(mentee: User, mentor: User) -> None:
    meeting = _meeting(mentee, mentor)
    meeting_cancel(meeting=meeting, by=mentor)
    response = _client(mentee).get(reverse("meetings:ics", kwargs={"meeting_id": meeting.pk}))
    assert str(Calendar.from_ical(response.content)["METHOD"]) == "CANCEL"


@pytest.mark.parametrize("persona", ["manager", "hr_admin", "outsider"])
def test_others_get_the_404_of_a_missing_meeting(
    persona: str, personas: dict[str, User | None]
) -> None:
    mentee, mentor = personas["mentee"], personas["mentor"]
    assert mentee
    assert mentor
    meeting = _meeting(mentee, mentor)
    client = _client(personas[persona])
    response = client.get(reverse("meetings:ics", kwargs={"meeting_id": meeting.pk}))
    missing = client.get(reverse("meetings:ics", kwargs={"meeting_id": 987654}))
    assert response.status_code == missing.status_code == 404
    assert response.content == missing.content


def test_anonymous_is_sent_to_sign_in_for_the_meeting(mentee: User, mentor: User) -> None:
    meeting = _meeting(mentee, mentor)
    response = _client().get(reverse("meetings:ics", kwargs={"meeting_id": meeting.pk}))
    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == reverse("account_login")


# ---------------------------------------------------------------- the feed settings page


def test_the_settings_page_makes_and_shows_an_absolute_feed_address(mentee: User) -> None:
    response = _client(mentee).get(reverse("meetings:feed_settings"))
    feed = CalendarFeed.objects.get(person=mentee, kind=CalendarFeed.Kind.OWN)
    assert response.status_code == 200
    assert settings.BASE_URL + _feed_path(feed) in response.content.decode()
    assert reverse("meetings:feed_reset") in response.content.decode()
    assert "no-store" in response.get("Cache-Control", "") or "no-cache" in response.get(
        "Cache-Control", ""
    )
    _client(mentee).get(reverse("meetings:feed_settings"))
    assert CalendarFeed.objects.filter(person=mentee).count() == 1  # the same address again


@pytest.mark.parametrize("persona", ["mentee", "mentor", "manager", "hr_admin", "outsider"])
def test_everyone_signed_in_sees_only_their_own_feed_address(
    persona: str, personas: dict[str, User | None]
) -> None:
    person = personas[persona]
    assert person
    page = _client(person).get(reverse("meetings:feed_settings")).content.decode()
    own = CalendarFeed.objects.get(person=person)
    others = CalendarFeed.objects.exclude(person=person)
    assert own.token in page
    assert not any(feed.token in page for feed in others)


def test_anonymous_is_sent_to_sign_in_for_feed_settings_and_reset() -> None:
    for name in ("meetings:feed_settings", "meetings:feed_reset"):
        response = (
            _client().post(reverse(name)) if "reset" in name else _client().get(reverse(name))
        )
        assert response.status_code == 302
        assert urlsplit(response["Location"]).path == reverse("account_login")


def test_reset_gives_a_new_address_and_the_old_one_stops_working(
    mentee: User, mentor: User
) -> None:
    _meeting(mentee, mentor)
    client = _client(mentee)
    client.get(reverse("meetings:feed_settings"))
    old = CalendarFeed.objects.get(person=mentee)
    old_path = _feed_path(old)
    assert _client().get(old_path).status_code == 200
    response = client.post(reverse("meetings:feed_reset"), follow=True)
    new = CalendarFeed.objects.get(person=mentee)
    assert response.redirect_chain[-1][0] == reverse("meetings:feed_settings")
    assert "new address" in response.content.decode()
    assert new.token != old.token
    assert new.token in response.content.decode()
    assert _client().get(old_path).status_code == 404
    assert _client().get(_feed_path(new)).status_code == 200


def test_reset_by_get_changes_nothing(mentee: User) -> None:
    client = _client(mentee)
    client.get(reverse("meetings:feed_settings"))
    token = CalendarFeed.objects.get(person=mentee).token
    assert client.get(reverse("meetings:feed_reset")).status_code == 405
    assert CalendarFeed.objects.get(person=mentee).token == token


def test_reset_only_changes_the_own_address(mentee: User, mentor: User) -> None:
    _client(mentor).get(reverse("meetings:feed_settings"))
    token = CalendarFeed.objects.get(person=mentor).token
    _client(mentee).post(reverse("meetings:feed_reset"))
    assert CalendarFeed.objects.get(person=mentor).token == token
    assert CalendarFeed.objects.filter(person=mentee).exists()


# ---------------------------------------------------------------- the public feed


def test_the_feed_lists_the_persons_meetings_with_counterpart_and_place(
    mentee: User, mentor: User, outsider: User
) -> None:
    mine = _meeting(mentee, mentor, days=10, place="Room 4")
    cancelled = _meeting(mentee, mentor, days=12, place="Room 5")
    meeting_cancel(meeting=cancelled, by=mentor)
    other_pair_meeting = _meeting(outsider, mentor, days=20, place="Secret room")
    feed = CalendarFeed.objects.create(person=mentee)
    response = _client().get(_feed_path(feed))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert response["Cache-Control"] == "private, max-age=300"
    events = {str(e["UID"]).split("@")[0]: e for e in _events(response.content)}
    assert set(events) == {f"meeting-{mine.pk}", f"meeting-{cancelled.pk}"}
    assert f"meeting-{other_pair_meeting.pk}" not in events
    assert str(events[f"meeting-{mine.pk}"]["SUMMARY"]) == "Mentoring: Olu Mentor"
    assert str(events[f"meeting-{mine.pk}"]["LOCATION"]) == "Room 4"
    assert str(events[f"meeting-{cancelled.pk}"]["STATUS"]) == "CANCELLED"
    assert b"Secret room" not in response.content
    assert b"Otto" not in response.content


def test_the_feed_holds_only_times_status_counterpart_and_place(mentee: User, mentor: User) -> None:
    _meeting(mentee, mentor)
    [event] = _events(feed_ics(mentee))
    assert {name for name, _value in event.property_items()} - {"BEGIN", "END"} == {
        "UID", "SEQUENCE", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "LOCATION", "STATUS",
        "TRANSP",
    }  # fmt: skip
    assert mentor.email.encode() not in feed_ics(mentee)


def test_the_feed_reaches_back_90_days_and_covers_all_pairs(
    mentee: User, mentor: User, outsider: User
) -> None:
    recent = _meeting(mentee, mentor)
    old = _meeting(mentee, mentor, days=30)
    Meeting.objects.filter(pk=recent.pk).update(
        start=timezone.now() - dt.timedelta(days=80),
        end=timezone.now() - dt.timedelta(days=80, hours=-1),
    )
    Meeting.objects.filter(pk=old.pk).update(
        start=timezone.now() - FEED_HISTORY - dt.timedelta(days=5),
        end=timezone.now() - FEED_HISTORY - dt.timedelta(days=5, hours=-1),
    )
    as_mentor = _meeting(mentor, outsider, days=15)  # the mentor is a mentee elsewhere
    uids = {str(e["UID"]).split("@")[0] for e in _events(feed_ics(mentor))}
    assert uids == {f"meeting-{recent.pk}", f"meeting-{as_mentor.pk}"}


def test_an_unknown_token_gets_404() -> None:
    response = _client().get(reverse("meetings:feed", kwargs={"token": "not-a-real-token"}))
    assert response.status_code == 404


def test_a_team_feed_token_is_not_an_own_feed(mentee: User, mentor: User) -> None:
    _meeting(mentee, mentor)
    team = CalendarFeed.objects.create(person=mentee, kind=CalendarFeed.Kind.TEAM)
    assert _client().get(_feed_path(team)).status_code == 404


def test_a_deactivated_persons_feed_gets_404(mentee: User) -> None:
    feed = CalendarFeed.objects.create(person=mentee)
    mentee.is_active = False
    mentee.save()
    assert _client().get(_feed_path(feed)).status_code == 404


def test_the_feed_query_count_does_not_grow_with_meetings(mentee: User) -> None:
    feed = CalendarFeed.objects.create(person=mentee)
    counts = []
    for n in (2, 12):
        while Meeting.objects.filter(pair__mentee__person=mentee).count() < n:
            mentor = UserFactory()
            _meeting(mentee, mentor, days=5 + Meeting.objects.count())
        with CaptureQueriesContext(connection) as queries:
            assert _client().get(_feed_path(feed)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_both_kinds_of_feed_share_one_token_and_reset_rule(manager: User) -> None:
    """A person's own feed and a manager's team feed are one concept: separate tokens, made
    on first use, kept until reset, and a reset stops only that kind's old address."""
    from meetings.feeds import Kind, feed_owner, feed_reset, feed_token

    own, team = (feed_token(person_id=manager.pk, kind=k) for k in (Kind.OWN, Kind.TEAM))
    assert own != team
    assert feed_token(person_id=manager.pk, kind=Kind.OWN) == own  # kept, not remade
    assert feed_owner(token=own, kind=Kind.TEAM) is None  # a token opens its own kind only
    new_team = feed_reset(person_id=manager.pk, kind=Kind.TEAM)
    assert feed_owner(token=team, kind=Kind.TEAM) is None
    assert feed_owner(token=new_team, kind=Kind.TEAM).person_id == manager.pk  # type: ignore[union-attr]
    assert feed_owner(token=own, kind=Kind.OWN).person_id == manager.pk  # type: ignore[union-attr]
