"""Meetings' part of a person's own data: the meetings of their pairs (with an ICS file),
their answers to invitations and their calendar feeds.

Found and registered by ``lib/personal_data.py`` (the registry looks for a ``personal_data``
module in every app).
"""

from __future__ import annotations

from django.db.models import F
from django.utils.translation import gettext_lazy as _

from lib.personal_data import ModelFields, Registration, Section, register, render_section
from matching.membership import member_q
from meetings.calendar import archive_ics
from meetings.models import Attendance, CalendarFeed, Meeting
from people.models import User


def export(person: User) -> Section:
    responses = dict(Attendance.objects.filter(person=person).values_list("meeting_id", "response"))
    meetings = [
        {
            "program": meeting.pair.program.name,
            "start": meeting.start,
            "end": meeting.end,
            "status": meeting.get_status_display(),
            "place": meeting.place,
            "your_answer": responses.get(meeting.pk, ""),
        }
        for meeting in Meeting.objects.filter(member_q(person, "pair__"))
        .select_related("pair__program")
        .order_by("start", "pk")
    ]
    feeds = list(CalendarFeed.objects.filter(person=person).values("kind", created=F("created_at")))
    return render_section(
        {"meetings": meetings, "calendar_feeds": feeds}, **{"meetings.ics": archive_ics(person)}
    )


def erase(*, person: User, replacement: User) -> dict[str, int]:
    """Meeting times stay with the pair (HR's counts, the other member's calendar); the
    person's own answers and feeds go."""
    attendances = Attendance.objects.filter(person=person).delete()[0]
    feeds = CalendarFeed.objects.filter(person=person).delete()[0]
    organised = Meeting.objects.filter(organiser=person).update(organiser=None)
    return {"attendances": attendances, "calendar_feeds": feeds, "meetings_organised": organised}


REGISTRATION = Registration(
    key="meetings",
    title=_("Meetings"),
    export=export,
    erase=erase,
    fields=(
        ModelFields(
            "meetings.Meeting",
            ("pair", "organiser", "start", "end", "status", "place"),
            _("When a pair meets; managers see start, end and status of their reports'"),
        ),
        ModelFields(
            "meetings.Attendance", ("person", "start", "end", "response"), _("Your calendar")
        ),
        ModelFields("meetings.CalendarFeed", ("person", "token"), _("Your calendar feed")),
        ModelFields("meetings.Reminder", ("recipient", "due_at", "status"), _("Reminder e-mails")),
    ),
)


register(REGISTRATION)
