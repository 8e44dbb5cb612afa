"""What people tells the apps above it. Receivers are wired in ``mentoring/wiring.py``."""

from __future__ import annotations

from dataclasses import dataclass

from lib.events import Event
from people.models import User


@dataclass(frozen=True)
class PersonDeactivated:
    """HR deactivated someone who left (``person_deactivate``). Sent inside that
    transaction, once the person can no longer sign in."""

    person: User


person_deactivated: Event[PersonDeactivated] = Event("people.person_deactivated")
