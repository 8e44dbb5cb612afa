"""Calendar files for one meeting: stable UID, rising SEQUENCE, safe user text."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from meetings.calendar import calendar_text, meeting_ics
from meetings.models import Meeting
from meetings.services import meeting_cancel, meeting_reschedule, meeting_schedule
from people.models import User
from tests.meetings.factories import make_pair, when

pytestmark = pytest.mark.django_db


def _future(days: int = 10) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


def _event(ics: bytes) -> dict[str, object]:
    [event] = Calendar.from_ical(ics).walk("VEVENT")
    return event  # type: ignore[no-any-return]


def _schedule(mentee: User, mentor: User, place: str = "Room 4") -> Meeting:
    pair = make_pair(mentee, mentor)
    [meeting] = meeting_schedule(pair=pair, organiser=mentee, when=when(_future(), 10), place=place)
    return meeting


def test_invitation_names_the_counterpart_in_utc_with_the_place(mentee: User, mentor: User) -> None:
    meeting = _schedule(mentee, mentor)
    calendar = Calendar.from_ical(meeting_ics(meeting, for_person=mentor, method="REQUEST"))
    event = calendar.walk("VEVENT")[0]
    assert str(calendar["METHOD"]) == "REQUEST"
    assert str(calendar["VERSION"]) == "2.0"
    assert calendar["PRODID"]
    assert str(event["SUMMARY"]) == "Mentoring: Ezra Mentee"
    assert str(event["LOCATION"]) == "Room 4"
    assert str(event["STATUS"]) == "CONFIRMED"
    assert event.decoded("DTSTART") == meeting.start
    assert event.decoded("DTSTART").utcoffset() == dt.timedelta(0)
    assert event.decoded("DTEND") == meeting.end
    assert str(event["ORGANIZER"]) == f"mailto:{mentee.email}"
    assert {str(a) for a in event["ATTENDEE"]} == {
        f"mailto:{mentee.email}",
        f"mailto:{mentor.email}",
    }
    ics = meeting_ics(meeting, for_person=mentor, method="REQUEST").decode()
    assert re.search(r"^DTSTART:\d{8}T\d{6}Z\r$", ics, re.MULTILINE)


def test_each_person_sees_the_other_in_the_summary(mentee: User, mentor: User) -> None:
    meeting = _schedule(mentee, mentor)
    mine = _event(meeting_ics(meeting, for_person=mentee, method="REQUEST"))
    assert str(mine["SUMMARY"]) == "Mentoring: Olu Mentor"


def test_uid_stays_and_sequence_rises_across_updates_and_cancel(mentee: User, mentor: User) -> None:
    meeting = _schedule(mentee, mentor)
    first = _event(meeting_ics(meeting, for_person=mentee, method="REQUEST"))
    [moved] = meeting_reschedule(
        meeting=meeting, by=mentor, when=when(_future(11), 14), place="Room 5"
    )
    second = _event(meeting_ics(moved, for_person=mentee, method="REQUEST"))
    [cancelled] = meeting_cancel(meeting=moved, by=mentee)
    ics = meeting_ics(cancelled, for_person=mentee, method="CANCEL")
    third = _event(ics)
    assert first["UID"] == second["UID"] == third["UID"]
    assert str(first["UID"]).startswith(f"meeting-{meeting.pk}@")
    assert (first["SEQUENCE"], second["SEQUENCE"], third["SEQUENCE"]) == (0, 1, 2)
    assert str(second["LOCATION"]) == "Room 5"
    assert str(Calendar.from_ical(ics)["METHOD"]) == "CANCEL"
    assert str(third["STATUS"]) == "CANCELLED"


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    place=st.lists(
        st.one_of(
            st.sampled_from(["\r", "\n", "\r\n", ";", ",", "\\", ":", "=", '"', " "]),
            st.sampled_from(["ATTENDEE:mailto:x@evil.test", "END:VEVENT", "BEGIN:VEVENT", "会"]),
            st.characters(codec="utf-8"),
        ),
        max_size=60,
    ).map(lambda parts: "".join(parts)[:300])
)
@example(place="\ufeff")  # icalendar drops a byte order mark at the start of a value
@example(place="\ufeffRoom 4")
def test_any_place_text_stays_inside_its_location(mentee: User, mentor: User, place: str) -> None:
    meeting = Meeting.objects.filter(pair__mentee__person=mentee).first() or _schedule(
        mentee, mentor
    )
    meeting.place = place
    ics = meeting_ics(meeting, for_person=mentee, method="REQUEST")
    calendar = Calendar.from_ical(ics)
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    expected = calendar_text(place)
    assert str(events[0].get("LOCATION", "")) == expected
    assert [str(a) for a in events[0]["ATTENDEE"]] == [
        f"mailto:{mentee.email}",
        f"mailto:{mentor.email}",
    ]
    lines = ics.split(b"\r\n")
    assert all(len(line) <= 75 for line in lines)
    assert b"\r" not in b"".join(lines)
    assert b"\n" not in b"".join(lines)
    unfolded = ics.replace(b"\r\n ", b"").decode()
    names = [line.split(":", 1)[0].split(";", 1)[0] for line in unfolded.split("\r\n") if line]
    assert sorted(names) == _property_names(expected), "a property was injected or lost"


def _property_names(place: str) -> list[str]:
    """The names on each line of an invitation, as they are without any tricky text."""
    names = [
        "BEGIN", "VERSION", "PRODID", "CALSCALE", "METHOD", "BEGIN", "UID", "SEQUENCE",
        "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "LOCATION", "STATUS", "TRANSP", "ORGANIZER",
        "ATTENDEE", "ATTENDEE", "END", "END",
    ]  # fmt: skip
    return sorted(names if place else [n for n in names if n != "LOCATION"])


def test_tricky_names_stay_inside_their_parameter(mentee: User, mentor: User) -> None:
    mentor.full_name = 'Olu "The Boss"; ROLE=CHAIR:\r\nATTENDEE:mailto:x@evil.test'
    mentor.save()
    meeting = _schedule(mentee, mentor)
    ics = meeting_ics(meeting, for_person=mentee, method="REQUEST")
    event = _event(ics)
    cns = [a.params["CN"] for a in event["ATTENDEE"]]
    assert cns == ["Ezra Mentee", calendar_text(mentor.full_name)]
    assert str(event["SUMMARY"]) == f"Mentoring: {calendar_text(mentor.full_name)}"
    assert b"\r\nATTENDEE:mailto:x@evil.test" not in ics
