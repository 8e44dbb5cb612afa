"""Background work for people: thin tasks that call services by id."""

from __future__ import annotations

from people import services
from people.mail import email_task


@email_task("people.send_invitation")
def send_invitation(user_id: int) -> None:  # a failed send gives the claim back first
    services.person_send_invitation(user_id=user_id)
