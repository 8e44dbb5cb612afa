"""Reads about the schedule, with a fixed number of queries whatever the number of meetings."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from matching.models import Pair
from meetings.models import Attendance, CalendarFeed, Meeting
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
        .order_by("start")
    )


def calendar_feed_owner(token: str) -> User | None:
    """Whoever holds this token's own feed, or nobody."""
    feed = (
        CalendarFeed.objects.select_related("person")
        .filter(token=token, kind=CalendarFeed.Kind.OWN, person__is_active=True)
        .first()
    )
    return feed.person if feed else None
