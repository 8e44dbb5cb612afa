"""Reading a person's notifications as they would, in a language and a time zone."""

from __future__ import annotations

from django.utils import timezone, translation

from notifications.models import Notification
from notifications.selectors import notification_target, notifications_of, shown
from people.models import User


def texts(person: User, language: str = "en", zone: str = "UTC") -> list[str]:
    """The person's notifications, newest first, as their list shows them."""
    with translation.override(language), timezone.override(zone):
        return [item.text for item in shown(list(notifications_of(person=person)))]


def newest(person: User) -> Notification:
    notification = notifications_of(person=person).first()
    assert notification is not None, f"{person} has no notification"
    return notification


def target(person: User) -> str:
    return notification_target(notification=newest(person), person=person)
