"""A notification is a kind and its parameters (ids and times), nothing else.

No text is stored: the words are written when the notification is read, in the reader's
language and time zone, from its kind (``notifications.kinds``). So nothing a person
wrote (a message, a note, a reason) can end up here, and a language change re-renders
every notification.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=40)
    # Ids ("program", "pair", "person", ...), counts and ISO times: never free text.
    params = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            models.Index(fields=["recipient", "-created_at", "-id"], name="notification_newest"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
