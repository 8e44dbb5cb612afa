"""Secret calendar feed addresses: a person's own meetings, or a manager's team.

Both kinds are one concept: a token made on first use, a reset that stops the old address
at once, an owner looked up by token (active people only), and a subscription calendar of
one shape. What each feed holds is built elsewhere: ``meetings.calendar.feed_ics`` (own
meetings, for their two people) and ``meetings.schedule.team_feed_ics`` (the team's busy
time, values only)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from icalendar import Calendar

from meetings.models import CalendarFeed, new_feed_token

Kind = CalendarFeed.Kind
PRODID = "-//Mentoring//Meetings//EN"


@dataclass(frozen=True)
class FeedOwner:
    person_id: int
    language: str


def feed_token(*, person_id: int, kind: Kind) -> str:
    """The person's feed token of this kind, made on first use."""
    feed, _created = CalendarFeed.objects.get_or_create(person_id=person_id, kind=kind)
    return feed.token


def feed_reset(*, person_id: int, kind: Kind) -> str:
    """A new secret token; the old one stops working at once."""
    with transaction.atomic():
        feed, _created = CalendarFeed.objects.select_for_update().get_or_create(
            person_id=person_id, kind=kind
        )
        feed.token = new_feed_token()
        feed.save(update_fields=["token", "created_at"])
    return feed.token


def feed_owner(*, token: str, kind: Kind) -> FeedOwner | None:
    """Who holds this token for a feed of this kind: an active person, or nobody."""
    row = (
        CalendarFeed.objects.filter(token=token, kind=kind, person__is_active=True)
        .values_list("person_id", "person__language")
        .first()
    )
    return None if row is None else FeedOwner(person_id=row[0], language=row[1] or "")


def subscription_calendar(name: str) -> Calendar:
    """An empty calendar to subscribe to (method PUBLISH), named for the calendar app."""
    calendar = new_calendar("PUBLISH")
    calendar.add("x-wr-calname", name)
    return calendar


def new_calendar(method: str | None) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    return calendar
