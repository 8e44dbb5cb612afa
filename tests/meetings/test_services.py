from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from matching.services import pair_end
from meetings.models import Attendance, Meeting
from meetings.services import (
    meeting_cancel,
    meeting_log,
    meeting_reschedule,
    meeting_respond,
    meeting_schedule,
)
from meetings.timezones import Ambiguous, to_utc
from people.models import User
from tests.meetings.factories import make_pair, when

pytestmark = pytest.mark.django_db
NEXT_YEAR = timezone.localdate().year + 1


def _future(days: int = 10) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


def test_scheduling_invites_the_other_person(mentee: User, mentor: User) -> None:
    pair = make_pair(mentee, mentor)
    [meeting] = meeting_schedule(pair=pair, organiser=mentee, when=when(_future()), place="Room 4")
    responses = dict(Attendance.objects.filter(meeting=meeting).values_list("person", "response"))
    assert responses == {mentee.pk: "accepted", mentor.pk: "needs_action"}
    assert meeting.start.tzinfo is not None
    assert meeting.end - meeting.start == dt.timedelta(hours=1)


def test_overlapping_meetings_are_refused_with_the_clashing_time(
    mentee: User, mentor: User, outsider: User
) -> None:
    pair = make_pair(mentee, mentor)
    other = make_pair(outsider, mentor)  # the mentor mentors two people
    meeting_schedule(pair=pair, organiser=mentee, when=when(_future(), 10))
    with pytest.raises(ValidationError, match="already has a mentoring meeting") as error:
        meeting_schedule(pair=other, organiser=outsider, when=when(_future(), 10, 30))
    assert "10:00" in str(error.value)
    assert Meeting.objects.count() == 1
    meeting_schedule(pair=other, organiser=outsider, when=when(_future(), 11))  # back to back


def test_a_time_in_the_spring_gap_is_refused() -> None:
    with pytest.raises(ValidationError, match="does not exist"):
        to_utc(dt.date(2026, 3, 29), dt.time(2, 30), "Europe/Berlin")


def test_a_time_in_the_autumn_overlap_asks_which_is_meant() -> None:
    with pytest.raises(Ambiguous) as asked:
        to_utc(dt.date(2026, 10, 25), dt.time(2, 30), "Europe/Berlin")
    assert asked.value.later - asked.value.earlier == dt.timedelta(hours=1)
    second = to_utc(dt.date(2026, 10, 25), dt.time(2, 30), "Europe/Berlin", fold=1)
    assert second == asked.value.later


def test_a_weekly_series_keeps_its_wall_clock_time_across_dst(mentee: User, mentor: User) -> None:
    pair = make_pair(mentee, mentor)
    start = dt.date(NEXT_YEAR, 3, 16)  # two Mondays before the spring change in Europe
    meetings = meeting_schedule(
        pair=pair, organiser=mentee, when=when(start, 9), every_weeks=1, count=4
    )
    berlin = zoneinfo.ZoneInfo("Europe/Berlin")
    assert {m.start.astimezone(berlin).time() for m in meetings} == {dt.time(9)}
    assert len({m.start.astimezone(dt.UTC).time() for m in meetings}) == 2


def test_cancelling_frees_the_time(mentee: User, mentor: User) -> None:
    pair = make_pair(mentee, mentor)
    [meeting] = meeting_schedule(pair=pair, organiser=mentee, when=when(_future()))
    meeting_cancel(meeting=meeting, by=mentor)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CANCELLED
    assert meeting.version == 1
    meeting_schedule(pair=pair, organiser=mentor, when=when(_future()))


def test_rescheduling_this_and_following_moves_the_rest_of_the_series(
    mentee: User, mentor: User
) -> None:
    pair = make_pair(mentee, mentor)
    meetings = meeting_schedule(
        pair=pair, organiser=mentee, when=when(_future(), 9), every_weeks=2, count=4
    )
    meeting_reschedule(
        meeting=meetings[1], by=mentor, when=when(_future(14), 15), place="", following=True
    )
    berlin = zoneinfo.ZoneInfo("Europe/Berlin")
    hours = [m.start.astimezone(berlin).hour for m in Meeting.objects.order_by("start")]
    assert hours == [9, 15, 15, 15]
    assert Attendance.objects.get(meeting=meetings[2], person=mentee).response == "needs_action"


def test_ending_a_pair_cancels_its_future_meetings(mentee: User, mentor: User) -> None:
    pair = make_pair(mentee, mentor)
    past = meeting_log(pair=pair, by=mentee, when=when(timezone.localdate() - dt.timedelta(days=3)))
    meeting_schedule(pair=pair, organiser=mentee, when=when(_future()))
    pair_end(pair=pair)
    statuses = dict(Meeting.objects.values_list("pk", "status"))
    assert statuses.pop(past.pk) == "scheduled"
    assert set(statuses.values()) == {"cancelled"}
    with pytest.raises(ValidationError, match="ended"):
        meeting_schedule(pair=pair, organiser=mentee, when=when(_future(20)))


def test_only_the_pair_answers_and_nobody_else_schedules(
    mentee: User, mentor: User, manager: User
) -> None:
    pair = make_pair(mentee, mentor)
    with pytest.raises(ValidationError):
        meeting_schedule(pair=pair, organiser=manager, when=when(_future()))
    [meeting] = meeting_schedule(pair=pair, organiser=mentee, when=when(_future()))
    assert meeting_respond(meeting=meeting, person=mentor, accept=True).response == "accepted"
    with pytest.raises(ValidationError):
        meeting_respond(meeting=meeting, person=manager, accept=False)


def test_past_times_cannot_be_scheduled_and_future_ones_cannot_be_logged(
    mentee: User, mentor: User
) -> None:
    pair = make_pair(mentee, mentor)
    with pytest.raises(ValidationError, match="future"):
        meeting_schedule(
            pair=pair, organiser=mentee, when=when(timezone.localdate() - dt.timedelta(days=1))
        )
    with pytest.raises(ValidationError, match="already happened"):
        meeting_log(pair=pair, by=mentee, when=when(_future()))
