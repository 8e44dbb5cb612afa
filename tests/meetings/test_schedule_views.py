"""The pair's schedule pages: who gets in, what the forms say, and a fixed query count."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from matching.models import Pair
from meetings.models import Attendance, Meeting
from meetings.services import meeting_log, meeting_schedule
from people.models import User
from programs.models import Program
from tests.meetings.factories import make_pair, when

pytestmark = pytest.mark.django_db
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
MISSING = 987654


def _client(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _future(days: int = 10) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


def _next_transition(*, spring: bool) -> dt.date:
    """The next day on which Berlin's clocks go forward (spring) or back (autumn)."""
    day = timezone.localdate() + dt.timedelta(days=1)
    while True:
        before = dt.datetime.combine(day, dt.time(0), BERLIN).utcoffset()
        after = dt.datetime.combine(day, dt.time(12), BERLIN).utcoffset()
        assert before is not None
        assert after is not None
        if (after > before) if spring else (after < before):
            return day
        day += dt.timedelta(days=1)


def _form(day: dt.date, time: str = "10:00", **extra: str) -> dict[str, str]:
    return {"day": day.isoformat(), "time": time, "duration": "60", "repeat": "none", **extra}


@pytest.fixture
def pair(mentee: User, mentor: User) -> Pair:
    return make_pair(mentee, mentor)


# Who gets in -------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["mentee", "mentor"])
def test_both_people_of_the_pair_see_its_page(
    pair: Pair, persona: str, personas: dict[str, User | None]
) -> None:
    meeting_schedule(pair=pair, organiser=pair.mentee.person, when=when(_future()), place="Café")
    response = _client(personas[persona]).get(reverse("meetings:pair", args=[pair.pk]))
    assert response.status_code == 200
    assert b"Caf\xc3\xa9" in response.content
    assert reverse("journal:pair", args=[pair.pk]).encode() in response.content


@pytest.mark.parametrize("persona", ["manager", "hr_admin", "outsider", "mentors_manager"])
@pytest.mark.parametrize("route", ["pair", "schedule", "log", "reschedule", "cancel", "respond"])
def test_nobody_else_gets_more_than_a_missing_id(
    pair: Pair, persona: str, route: str, personas: dict[str, User | None], mentor: User
) -> None:
    if persona == "mentors_manager":
        boss = User.objects.create_user(email="boss@example.com", full_name="Mentor's Boss")
        mentor.manager = boss
        mentor.save(update_fields=["manager"])
        user: User | None = boss
    else:
        user = personas[persona]
    [meeting] = meeting_schedule(pair=pair, organiser=pair.mentee.person, when=when(_future()))
    target = pair.pk if route in ("pair", "schedule", "log") else meeting.pk
    client = _client(user)
    for method in (client.get, client.post):
        real = method(reverse(f"meetings:{route}", args=[target]))
        missing = method(reverse(f"meetings:{route}", args=[MISSING]))
        assert real.status_code in (404, 405)
        assert (real.status_code, real.content) == (missing.status_code, missing.content)
    assert Meeting.objects.count() == 1
    assert Meeting.objects.get().status == "scheduled"


def test_anonymous_visitors_are_sent_to_sign_in(pair: Pair) -> None:
    response = Client().get(reverse("meetings:pair", args=[pair.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


# The pair page -----------------------------------------------------------------------


def test_the_pair_page_shows_an_empty_state_and_the_two_actions(pair: Pair, mentee: User) -> None:
    html = _client(mentee).get(reverse("meetings:pair", args=[pair.pk])).content.decode()
    assert "No meetings planned" in html
    assert reverse("meetings:schedule", args=[pair.pk]) in html
    assert reverse("meetings:log", args=[pair.pk]) in html


def test_times_are_shown_in_the_viewers_zone_with_its_name(
    pair: Pair, mentee: User, mentor: User
) -> None:
    mentor.time_zone = "America/New_York"
    mentor.save(update_fields=["time_zone"])
    day = _future()
    meeting_schedule(
        pair=pair, organiser=mentee, when=when(day, 16), place="https://meet.example/x"
    )
    html = _client(mentor).get(reverse("meetings:pair", args=[pair.pk])).content.decode()
    start = dt.datetime.combine(day, dt.time(16), BERLIN).astimezone(
        zoneinfo.ZoneInfo("America/New_York")
    )
    assert f"{start:%H:%M}\N{EN DASH}" in html  # a 24-hour clock, in English too
    assert "America/New_York" in html
    assert 'href="https://meet.example/x"' in html
    assert reverse("meetings:respond", args=[Meeting.objects.get().pk]) in html


def test_a_place_that_is_not_an_https_link_is_not_made_a_link(pair: Pair, mentee: User) -> None:
    meeting_schedule(pair=pair, organiser=mentee, when=when(_future()), place="javascript:alert(1)")
    html = _client(mentee).get(reverse("meetings:pair", args=[pair.pk])).content.decode()
    assert 'href="javascript' not in html
    assert "javascript:alert(1)" in html


def test_past_and_logged_meetings_are_listed_apart(pair: Pair, mentee: User) -> None:
    meeting_log(pair=pair, by=mentee, when=when(timezone.localdate() - dt.timedelta(days=5)))
    html = _client(mentee).get(reverse("meetings:pair", args=[pair.pk])).content.decode()
    assert "Past meetings" in html
    assert "Logged" in html
    assert "No meetings planned" in html


def test_the_pair_page_runs_the_same_number_of_queries_with_3_and_60_meetings(
    mentee: User, mentor: User
) -> None:
    counts: list[int] = []
    for meetings in (3, 60):
        pair = make_pair(mentee, mentor)
        first = _future(200 * len(counts) + 1)  # all within the two-year horizon
        for start in range(0, meetings, 50):
            meeting_schedule(
                pair=pair, organiser=mentee, when=when(first + dt.timedelta(weeks=start), 9),
                every_weeks=1, count=min(50, meetings - start),
            )  # fmt: skip
        past = timezone.localdate() - dt.timedelta(days=2 + len(counts))
        meeting_log(pair=pair, by=mentor, when=when(past))
        client = _client(mentor)
        url = reverse("meetings:pair", args=[pair.pk])
        client.get(url)  # warm the session
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
        assert Meeting.objects.filter(pair=pair).count() == meetings + 1
    assert counts[0] == counts[1]


# Scheduling --------------------------------------------------------------------------


def test_scheduling_a_series_redirects_to_the_pair_with_a_message(
    pair: Pair, mentee: User, mentor: User
) -> None:
    data = _form(_future(), "09:30", place="Room 4", repeat="weekly", every_weeks="2",
                 ends="count", count="3")  # fmt: skip
    response = _client(mentee).post(reverse("meetings:schedule", args=[pair.pk]), data, follow=True)
    assert response.redirect_chain[-1][0] == reverse("meetings:pair", args=[pair.pk])
    assert "3 meetings planned" in response.content.decode()
    meetings = list(Meeting.objects.order_by("start"))
    assert len(meetings) == 3
    assert meetings[1].start - meetings[0].start in (
        dt.timedelta(weeks=2), dt.timedelta(weeks=2, hours=1), dt.timedelta(weeks=2, hours=-1)
    )  # fmt: skip
    assert {m.start.astimezone(BERLIN).time() for m in meetings} == {dt.time(9, 30)}
    assert Attendance.objects.get(meeting=meetings[0], person=mentor).response == "needs_action"


def test_a_series_until_a_date(pair: Pair, mentee: User) -> None:
    data = _form(_future(), repeat="weekly", every_weeks="1", ends="until",
                 until=(_future() + dt.timedelta(days=21)).isoformat())  # fmt: skip
    response = _client(mentee).post(reverse("meetings:schedule", args=[pair.pk]), data)
    assert response.status_code == 302
    assert Meeting.objects.count() == 4


def test_the_spring_gap_is_refused_with_the_services_message(pair: Pair, mentee: User) -> None:
    data = _form(_next_transition(spring=True), "02:30")
    response = _client(mentee).post(reverse("meetings:schedule", args=[pair.pk]), data)
    assert response.status_code == 400
    assert "does not exist in Europe/Berlin" in response.content.decode()
    assert 'value="02:30"' in response.content.decode()
    assert Meeting.objects.count() == 0


def test_the_autumn_overlap_asks_which_time_then_accepts_the_choice(
    pair: Pair, mentee: User
) -> None:
    day = _next_transition(spring=False)
    client = _client(mentee)
    url = reverse("meetings:schedule", args=[pair.pk])
    asked = client.post(url, _form(day, "02:30"))
    html = asked.content.decode()
    assert asked.status_code == 200
    assert "happens twice" in html
    assert "02:30 CEST (first)" in html
    assert "02:30 CET (second)" in html
    assert Meeting.objects.count() == 0
    assert client.post(url, _form(day, "02:30", fold="1")).status_code == 302
    meeting = Meeting.objects.get()
    assert meeting.start == dt.datetime.combine(day, dt.time(1, 30), dt.UTC)  # 02:30 CET


def test_a_clash_names_the_clashing_time_and_keeps_the_input(
    pair: Pair, mentee: User, mentor: User, outsider: User
) -> None:
    other = make_pair(outsider, mentor)
    meeting_schedule(pair=other, organiser=outsider, when=when(_future(), 10))
    data = _form(_future(), "10:30", place="Room 12")
    response = _client(mentee).post(reverse("meetings:schedule", args=[pair.pk]), data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "Olu Mentor already has a mentoring meeting" in html
    assert "10:00" in html  # the clashing time, in the viewer's zone
    assert 'value="Room 12"' in html
    assert Meeting.objects.count() == 1


def test_a_time_in_the_past_is_refused(pair: Pair, mentee: User) -> None:
    data = _form(timezone.localdate() - dt.timedelta(days=1))
    response = _client(mentee).post(reverse("meetings:schedule", args=[pair.pk]), data)
    assert response.status_code == 400
    assert "This date has passed" in response.content.decode()
    assert Meeting.objects.count() == 0


def test_an_ended_pair_gets_no_new_meetings(pair: Pair, mentee: User) -> None:
    pair.status = Pair.Status.ENDED
    pair.save(update_fields=["status"])
    client = _client(mentee)
    assert (
        "Schedule a meeting</a>"
        not in client.get(reverse("meetings:pair", args=[pair.pk])).content.decode()
    )
    response = client.post(reverse("meetings:schedule", args=[pair.pk]), _form(_future()))
    assert response.status_code == 400
    assert "This pair has ended" in response.content.decode()
    assert Meeting.objects.count() == 0


def test_a_closed_program_gets_no_new_meetings(pair: Pair, mentee: User) -> None:
    Program.objects.filter(pk=pair.program_id).update(status=Program.Status.CLOSED)
    response = _client(mentee).post(reverse("meetings:schedule", args=[pair.pk]), _form(_future()))
    assert response.status_code == 400
    assert "This program is closed" in response.content.decode()
    assert Meeting.objects.count() == 0


def test_a_series_without_an_end_asks_for_one(pair: Pair, mentee: User) -> None:
    data = _form(_future(), repeat="weekly", every_weeks="2", ends="count", count="")
    response = _client(mentee).post(reverse("meetings:schedule", args=[pair.pk]), data)
    assert response.status_code == 400
    assert "Say how many times" in response.content.decode()
    assert Meeting.objects.count() == 0


# Logging, answering, moving, cancelling ----------------------------------------------


def test_a_past_meeting_can_be_logged_but_not_a_future_one(pair: Pair, mentor: User) -> None:
    Pair.objects.filter(pk=pair.pk).update(started_at=timezone.now() - dt.timedelta(days=10))
    client, url = _client(mentor), reverse("meetings:log", args=[pair.pk])
    future = client.post(url, _form(_future()))
    assert future.status_code == 400
    assert "already happened" in future.content.decode()
    past = client.post(url, _form(timezone.localdate() - dt.timedelta(days=3)))
    assert past.status_code == 302
    assert Meeting.objects.get().logged


def test_the_invitee_accepts_and_declines(pair: Pair, mentee: User, mentor: User) -> None:
    [meeting] = meeting_schedule(pair=pair, organiser=mentee, when=when(_future()))
    client, url = _client(mentor), reverse("meetings:respond", args=[meeting.pk])
    assert client.post(url, {"accept": "yes"}).status_code == 302
    assert Attendance.objects.get(meeting=meeting, person=mentor).response == "accepted"
    client.post(url, {"accept": "no"})
    assert Attendance.objects.get(meeting=meeting, person=mentor).response == "declined"
    assert client.get(url).status_code == 405


def test_rescheduling_this_and_following(pair: Pair, mentee: User, mentor: User) -> None:
    meetings = meeting_schedule(
        pair=pair, organiser=mentee, when=when(_future(), 9), every_weeks=1, count=3
    )
    client, url = _client(mentor), reverse("meetings:reschedule", args=[meetings[1].pk])
    form = client.get(url).content.decode()
    assert 'value="09:00"' in form
    assert "This and the following ones" in form
    day = meetings[1].start.astimezone(BERLIN).date()
    response = client.post(url, _form(day, "15:00", place="Lab", scope="following"))
    assert response.status_code == 302
    hours = [m.start.astimezone(BERLIN).hour for m in Meeting.objects.order_by("start")]
    assert hours == [9, 15, 15]


def test_rescheduling_onto_a_clash_changes_nothing(
    pair: Pair, mentee: User, mentor: User, outsider: User
) -> None:
    meeting_schedule(pair=make_pair(outsider, mentor), organiser=outsider, when=when(_future(), 14))
    [meeting] = meeting_schedule(pair=pair, organiser=mentee, when=when(_future(), 9))
    url = reverse("meetings:reschedule", args=[meeting.pk])
    response = _client(mentee).post(url, _form(_future(), "14:00"))
    assert response.status_code == 400
    assert "already has a mentoring meeting" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.start.astimezone(BERLIN).hour == 9
    assert meeting.version == 0


def test_cancelling_asks_first_then_cancels_this_and_following(
    pair: Pair, mentee: User, mentor: User
) -> None:
    meetings = meeting_schedule(
        pair=pair, organiser=mentee, when=when(_future(), 9), every_weeks=1, count=3
    )
    client, url = _client(mentor), reverse("meetings:cancel", args=[meetings[1].pk])
    assert "Cancel the meeting of" in client.get(url).content.decode()
    assert Meeting.objects.filter(status="cancelled").count() == 0
    response = client.post(url, {"scope": "following"}, follow=True)
    assert "2 meetings cancelled" in response.content.decode()
    statuses = list(Meeting.objects.order_by("start").values_list("status", flat=True))
    assert statuses == ["scheduled", "cancelled", "cancelled"]


def test_a_cancelled_meeting_cannot_be_moved(pair: Pair, mentee: User) -> None:
    [meeting] = meeting_schedule(pair=pair, organiser=mentee, when=when(_future()))
    client = _client(mentee)
    client.post(reverse("meetings:cancel", args=[meeting.pk]))
    response = client.post(reverse("meetings:reschedule", args=[meeting.pk]), _form(_future(11)))
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.version == 1  # the cancellation only


def test_the_pairs_list_links_to_the_meetings(pair: Pair, mentee: User) -> None:
    html = _client(mentee).get(reverse("matching:pairs")).content.decode()
    assert reverse("meetings:pair", args=[pair.pk]) in html
