"""The narrow, value-only read API of the schedule for line managers.

``manager_view`` may import this module and nothing else from ``meetings`` (an
import-linter contract). It hands out frozen dataclasses of times and a status, never
model instances, so no template can walk from a meeting to its pair, its place, the
counterpart or anything the pair wrote.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Event

from lib.links import site_host
from meetings.calendar import calendar_text
from meetings.feeds import Kind, feed_owner, feed_reset, feed_token, subscription_calendar
from meetings.models import Attendance
from people.models import User

TEAM_FEED_HISTORY = dt.timedelta(days=90)
TEAM_FEED_AHEAD = dt.timedelta(days=366)


@dataclass(frozen=True)
class MeetingSlot:
    """When one direct report is in a mentoring meeting: nothing else."""

    report_id: int
    report_name: str
    start: dt.datetime
    end: dt.datetime
    status: str

    @property
    def cancelled(self) -> bool:
        return self.status == "cancelled"


def _window(*, manager_id: int, start: dt.datetime, end: dt.datetime) -> QuerySet[Attendance]:
    """Attendance rows of the manager's active direct reports overlapping [start, end)."""
    return Attendance.objects.filter(
        person__manager_id=manager_id,
        person__is_active=True,
        start__lt=end,
        end__gt=start,
    ).order_by("start", "person_id")


def meeting_slots_for_manager(
    *, manager_id: int, start: dt.datetime, end: dt.datetime
) -> list[MeetingSlot]:
    """The meetings of the manager's active direct reports overlapping [start, end), in one
    query over the attendance rows (index on person, start), ordered by start."""
    rows = _window(manager_id=manager_id, start=start, end=end).values_list(
        "person_id", "person__full_name", "person__email", "start", "end", "meeting__status"
    )
    return [
        MeetingSlot(
            report_id=person_id,
            report_name=full_name or email,
            start=slot_start,
            end=slot_end,
            status=status,
        )
        for person_id, full_name, email, slot_start, slot_end, status in rows
    ]


# ---------------------------------------------------------------- the team's busy-time feed


def team_feed_token(*, manager_id: int) -> str:
    """The manager's team feed token, made on first use (``meetings.feeds``)."""
    return feed_token(person_id=manager_id, kind=Kind.TEAM)


def team_feed_reset(*, manager_id: int) -> str:
    """A new secret token; the old one stops working at once."""
    return feed_reset(person_id=manager_id, kind=Kind.TEAM)


def _calendar_text(text: str) -> str:
    """No control characters in calendar text (RFC 5545); icalendar escapes the rest."""
    return calendar_text(text).replace("\n", " ")


def _uid(slot: MeetingSlot) -> str:
    host = site_host()
    stamp = slot.start.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"team-{slot.report_id}-{stamp}@{host}"  # a report is in one meeting at a time


def team_feed_ics(*, token: str) -> bytes | None:
    """The busy time of the token owner's direct reports: one event per scheduled meeting,
    "Mentoring: <report name>" with start and end; cancelled meetings are left out.

    ``None`` for an unknown token, a feed that is not a team feed, or an owner who no
    longer has direct reports (roles apply at once, here too).
    """
    owner = feed_owner(token=token, kind=Kind.TEAM)
    if owner is None:
        return None
    manager_id, language = owner.person_id, owner.language
    if not User.objects.filter(manager_id=manager_id, is_active=True).exists():
        return None
    now = timezone.now()
    slots = meeting_slots_for_manager(
        manager_id=manager_id, start=now - TEAM_FEED_HISTORY, end=now + TEAM_FEED_AHEAD
    )
    with translation.override(language or None):
        calendar = subscription_calendar(_("My team's mentoring time"))
        for slot in slots:
            if slot.cancelled:
                continue
            event = Event()
            event.add("uid", _uid(slot))
            event.add("dtstamp", now.astimezone(dt.UTC))
            event.add("dtstart", slot.start.astimezone(dt.UTC))
            event.add("dtend", slot.end.astimezone(dt.UTC))
            event.add(
                "summary", _("Mentoring: %(name)s") % {"name": _calendar_text(slot.report_name)}
            )
            calendar.add_component(event)
        return bytes(calendar.to_ical())
