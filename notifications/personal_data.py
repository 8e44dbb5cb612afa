"""Notifications' part of a person's own data: the notifications they received, worded
as they read them in the app. Found by ``lib/personal_data.py``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from lib.personal_data import ModelFields, Registration, Section, register, render_section
from notifications.models import Notification
from notifications.selectors import notifications_of, shown
from people.models import User


def export(person: User) -> Section:
    notifications = list(notifications_of(person=person))
    return render_section(
        {
            "notifications": [
                {"text": item.text, "created": item.created_at, "read": not item.unread}
                for item in shown(notifications)
            ]
        }
    )


def erase(*, person: User, replacement: User) -> dict[str, int]:
    return {"notifications": Notification.objects.filter(recipient=person).delete()[0]}


register(
    Registration(
        key="notifications",
        title=_("Notifications"),
        export=export,
        erase=erase,
        fields=(
            ModelFields(
                "notifications.Notification",
                ("recipient", "kind", "params", "created_at", "read_at"),
                _("What the app told you in its notification list (a kind and ids, no text)"),
            ),
        ),
    )
)
