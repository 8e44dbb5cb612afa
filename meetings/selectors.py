"""Reads about the schedule, with a fixed number of queries whatever the number of meetings."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.db.models import Min, Prefetch, Q, QuerySet

from matching.models import Pair
from meetings.feeds import Kind, feed_owner
from meetings.models import Attendance, Meeting
from people.models import User


def pair_meetings(pair: Pair) -> QuerySet[Meeting]:
    """All meetings of a pair, oldest first, with each attendee's answer."""
    return (
        Meeting.objects.filter(pair=pair)
        .select_related("series")
        .prefetch_related(
            Prefetch(
                "attendances",
                queryset=Attendance.objects.select_related("person").order_by("person__full_name"),
            )
        )
        .order_by("start", "pk")
    )


def _upcoming(now: dt.datetime) -> Q:
    """Still ahead (not over yet) and planned: a logged meeting is history even if it
    was logged for a time still running."""
    return Q(end__gt=now, logged=False)


def pair_meetings_upcoming(pair: Pair, *, now: dt.datetime) -> QuerySet[Meeting]:
    """The pair's meetings still ahead, soonest first (to be shown a page at a time)."""
    return pair_meetings(pair).filter(_upcoming(now))


def pair_meetings_past(pair: Pair, *, now: dt.datetime) -> QuerySet[Meeting]:
    """The pair's history, most recent first (to be shown a page at a time)."""
    return pair_meetings(pair).exclude(_upcoming(now)).order_by("-start", "-pk")


def pair_schedule_turns_at(pair: Pair, *, now: dt.datetime) -> dt.datetime | None:
    """When the next upcoming meeting ends, and so moves to the history: the moment the
    pair's page drawn now stops being true although nothing was changed."""
    found: dt.datetime | None = Meeting.objects.filter(_upcoming(now), pair=pair).aggregate(
        turn=Min("end")
    )["turn"]
    return found


# Written out, since the pair's page asks on every request (its cache key): the ORM's
# compiling would cost more than the answer. Plain SQL that PostgreSQL and SQLite share.
_ANSWERS_SQL = """
SELECT a.id, a.response, a.active FROM meetings_attendance a
JOIN meetings_meeting m ON m.id = a.meeting_id
WHERE m.pair_id = %s ORDER BY a.id
"""


def pair_answers(pair: Pair) -> tuple[tuple[int, str, bool], ...]:
    """Every answer to the pair's meetings, as plain values: an answer changes no
    schedule revision (nothing a manager sees), but the pair's page shows it."""
    with connection.cursor() as cursor:
        cursor.execute(_ANSWERS_SQL, [pair.pk])
        return tuple((pk, response, bool(active)) for pk, response, active in cursor.fetchall())


def calendar_feed_owner(token: str) -> User | None:
    """Whoever holds this token's own feed, or nobody."""
    owner = feed_owner(token=token, kind=Kind.OWN)
    return None if owner is None else User.objects.filter(pk=owner.person_id).first()
