"""Turn an id from a request into a notification, or the same 404 as a missing id."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from notifications.models import Notification
from people.models import User


def access_own_notification(user: User, notification_id: int) -> Notification:
    """Only the recipient gets through: anyone else's id is a 404, as for a missing one."""
    return get_object_or_404(Notification, pk=notification_id, recipient=user)
