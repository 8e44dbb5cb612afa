"""Reads about the schedule, with a fixed number of queries whatever the number of meetings."""

from __future__ import annotations

import datetime as dt

from django.db.models import Min, Prefetch, Q, QuerySet

from lib.page_cache import key_statement, read_key
from matching.membership import MEMBER_COLUMNS, member_columns
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


def pair_schedule_turns_at(pair_id: int, *, now: dt.datetime) -> dt.datetime | None:
    """When the next upcoming meeting ends, and so moves to the history: the moment the
    pair's page drawn now stops being true although nothing was changed."""
    found: dt.datetime | None = Meeting.objects.filter(_upcoming(now), pair_id=pair_id).aggregate(
        turn=Min("end")
    )["turn"]
    return found


# The pair, if the viewer is one of its two people (as meetings.access decides): every
# part of the key read below finds its rows through it.
_ALLOWED_PAIR = """
WITH allowed AS (
    SELECT p.id, {members} FROM matching_pair p
    WHERE p.id = %(pair)s AND EXISTS (
        SELECT 1 FROM programs_enrolment e
        WHERE e.id IN ({members}) AND e.person_id = %(viewer)s
    )
)""".replace("{members}", member_columns("p"))

# Column names from matching.membership only: no value is formatted into the statement.
_ALLOWED_MEMBERS = " UNION ALL ".join(f"SELECT {c} FROM allowed" for c in MEMBER_COLUMNS)  # noqa: S608

# What the pair's page shows besides its meetings, and the answers to their invitations:
# an answer changes no schedule revision (nothing a manager sees), but the page shows it.
# Every other change to a meeting raises both people's schedule revision.
_PAIR_PAGE_KEY = key_statement(
    [
        (
            [
                "p.id",
                "p.status",
                "p.started_at",
                *(f"p.{column}" for column in MEMBER_COLUMNS),
                "pr.name",
                "pr.status",
            ],
            "FROM matching_pair p JOIN programs_program pr ON pr.id = p.program_id"
            " WHERE p.id = (SELECT id FROM allowed)",
        ),
        (
            ["e.id", "u.id", "u.full_name", "u.schedule_revision"],
            "FROM programs_enrolment e JOIN people_user u ON u.id = e.person_id"
            f" WHERE e.id IN ({_ALLOWED_MEMBERS})",
        ),
        (
            ["a.id", "a.response", "a.active"],
            "FROM meetings_attendance a JOIN meetings_meeting m ON m.id = a.meeting_id"
            " WHERE m.pair_id = (SELECT id FROM allowed)",
        ),
    ],
    with_=_ALLOWED_PAIR,
)


def pair_page_key(*, pair_id: int, viewer: User) -> tuple[object, ...] | None:
    """What the pair's meetings page is kept under (lib.page_cache), in one read on
    every request: the pair, its program, both people with their schedule revisions, and
    every answer to the pair's meetings. None when the viewer is not one of the pair, or
    there is no such pair."""
    rows = read_key(_PAIR_PAGE_KEY, {"pair": pair_id, "viewer": viewer.pk})
    if not rows or rows[0][0] != 0:
        return None
    return rows


def calendar_feed_owner(token: str) -> User | None:
    """Whoever holds this token's own feed, or nobody."""
    owner = feed_owner(token=token, kind=Kind.OWN)
    return None if owner is None else User.objects.filter(pk=owner.person_id).first()
