"""Background work for people: thin tasks that call services by id."""

from __future__ import annotations

from lib.mail import email_task
from people import notifications


@email_task("people.send_invitation")
def send_invitation(user_id: int) -> None:  # a failed send gives the claim back first
    notifications.person_send_invitation(user_id=user_id)
