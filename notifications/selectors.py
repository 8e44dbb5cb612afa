"""Reads of a person's own notifications, rendered in their language and time zone."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from notifications.kinds import Names, kind_named, names_for
from notifications.models import Notification
from people.models import User

PAGE_SIZE = 50


@dataclass(frozen=True)
class Shown:
    """One notification as its recipient reads it."""

    pk: int
    text: str
    created_at: dt.datetime
    unread: bool
    url: str  # opens it: marks it read and leads to its page


def notifications_of(*, person: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=person).order_by("-created_at", "-pk")


def _text(notification: Notification, names: Names) -> str:
    kind = kind_named(notification.kind)
    if kind is None:  # a kind no longer made: say nothing wrong
        return _("An update about your mentoring.")
    return kind.text(notification.params, names)


def shown(notifications: Sequence[Notification]) -> list[Shown]:
    """The notifications as their recipient reads them: names read once for all of them."""
    names = names_for([n.params for n in notifications])
    return [
        Shown(
            pk=n.pk,
            text=_text(n, names),
            created_at=n.created_at,
            unread=n.read_at is None,
            url=reverse("notifications:open", args=[n.pk]),
        )
        for n in notifications
    ]


def notification_target(*, notification: Notification, person: User) -> str:
    """Where opening the notification leads, as of now: its page if the person may still
    see it, else the page its kind names instead; the list for an unknown kind."""
    kind = kind_named(notification.kind)
    if kind is None:
        return reverse("notifications:list")
    return kind.target(notification.params, person)
