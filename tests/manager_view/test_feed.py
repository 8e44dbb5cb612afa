"""The manager's busy-time feed: "Mentoring: <report>", start and end, nothing else."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from icalendar import Calendar

from meetings.feeds import Kind, feed_token
from meetings.models import CalendarFeed
from meetings.services import meeting_cancel
from people.models import User
from tests.factories import UserFactory
from tests.manager_view.helpers import canaries, client_for, meet

pytestmark = pytest.mark.django_db

SETTINGS = reverse("manager_view:feed_settings")
RESET = reverse("manager_view:feed_reset")


def _feed_path(token: str) -> str:
    return reverse("manager_view:feed", kwargs={"token": token})


def _token_on_page(manager: User) -> str:
    body = client_for(manager).get(SETTINGS).content.decode()
    match = re.search(r"/team/feed/([\w-]+)\.ics", body)
    assert match, body
    return match.group(1)


def test_the_manager_finds_their_team_feed_address(manager: User, mentee: User) -> None:
    token = _token_on_page(manager)
    assert CalendarFeed.objects.get(person=manager, kind=CalendarFeed.Kind.TEAM).token == token


@pytest.mark.parametrize("persona", ["mentee", "mentor", "hr_admin", "outsider"])
def test_the_feed_pages_are_404_for_everyone_but_managers(
    persona: str, personas: dict[str, User | None]
) -> None:
    client = client_for(personas[persona])
    missing = client.get("/team/no-such-page/").content
    for response in (client.get(SETTINGS), client.post(RESET)):
        assert response.status_code == 404
        assert response.content == missing
    assert not CalendarFeed.objects.filter(kind=CalendarFeed.Kind.TEAM).exists()


def test_anonymous_visitors_are_sent_to_sign_in_for_the_settings(db: None) -> None:
    response = client_for(None).get(SETTINGS)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_feed_lists_each_meeting_as_mentoring_and_the_reports_name_only(
    manager: User, mentee: User
) -> None:
    planted = canaries()
    meeting = meet(mentee, planted=planted)
    response = client_for(None).get(_feed_path(_token_on_page(manager)))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    for canary in planted.all():
        assert canary not in body
    [event] = Calendar.from_ical(response.content).walk("VEVENT")
    assert str(event["SUMMARY"]) == f"Mentoring: {mentee.full_name}"
    assert event.decoded("DTSTART") == meeting.start
    assert event.decoded("DTEND") == meeting.end
    assert set(event.keys()) == {"UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY"}


def test_cancelled_meetings_leave_the_feed(manager: User, mentee: User) -> None:
    meeting_cancel(meeting=meet(mentee), by=mentee)
    body = client_for(None).get(_feed_path(_token_on_page(manager))).content
    assert Calendar.from_ical(body).walk("VEVENT") == []


def test_reset_gives_a_new_address_and_the_old_one_stops_working(
    manager: User, mentee: User
) -> None:
    old = _token_on_page(manager)
    response = client_for(manager).post(RESET, follow=True)
    assert response.redirect_chain[-1][0] == SETTINGS
    assert "new address" in response.content.decode()
    new = _token_on_page(manager)
    assert new != old
    assert client_for(None).get(_feed_path(old)).status_code == 404
    assert client_for(None).get(_feed_path(new)).status_code == 200


def test_an_unknown_token_is_404(db: None) -> None:
    assert client_for(None).get(_feed_path("not-a-real-token")).status_code == 404


def test_a_personal_feed_token_does_not_open_the_team_feed(manager: User, mentee: User) -> None:
    own = feed_token(person_id=manager.pk, kind=Kind.OWN)
    assert client_for(None).get(_feed_path(own)).status_code == 404


def test_a_former_managers_feed_is_404_once_the_last_report_moved(
    manager: User, mentee: User
) -> None:
    meet(mentee)
    token = _token_on_page(manager)
    mentee.manager = UserFactory()
    mentee.save(update_fields=["manager"])
    assert client_for(None).get(_feed_path(token)).status_code == 404


def test_a_moved_report_leaves_the_feed_at_once(manager: User, mentee: User) -> None:
    stays = UserFactory(full_name="Stays Here", manager=manager)
    meet(mentee, days=1)
    meet(stays, days=2)
    token = _token_on_page(manager)
    mentee.manager = UserFactory()
    mentee.save(update_fields=["manager"])
    body = client_for(None).get(_feed_path(token)).content.decode()
    assert "Mentoring: Stays Here" in body
    assert mentee.full_name not in body
