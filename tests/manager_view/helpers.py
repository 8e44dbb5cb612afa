"""Meetings of direct reports, planted with canary strings the manager must never see."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.test import Client
from django.utils import timezone

from meetings.models import Meeting
from meetings.services import meeting_schedule
from people.models import User
from tests.factories import UserFactory
from tests.meetings.factories import make_pair, when


@dataclass(frozen=True)
class Canaries:
    place: str
    name: str
    program: str

    def all(self) -> tuple[str, str, str]:
        return (self.place, self.name, self.program)


def canaries() -> Canaries:
    tag = uuid.uuid4().hex
    return Canaries(f"CANARY-PLACE-{tag}", f"CANARY-NAME-{tag}", f"CANARY-PROGRAM-{tag}")


def window_monday() -> dt.date:
    today = timezone.localdate()
    return today - dt.timedelta(days=today.weekday())


def meet(
    report: User,
    *,
    days: int = 2,
    hour: int = 10,
    planted: Canaries | None = None,
    counterpart: User | None = None,
) -> Meeting:
    """One future meeting of the report with a mentor (the canary-named one if planted)."""
    mentor = counterpart or UserFactory(full_name=planted.name if planted else "Some Mentor")
    pair = make_pair(report, mentor)
    if planted:
        pair.program.name = planted.program
        pair.program.save(update_fields=["name"])
    day = timezone.localdate() + dt.timedelta(days=days)
    [meeting] = meeting_schedule(
        pair=pair,
        organiser=report,
        when=when(day, hour),
        place=planted.place if planted else "Room 1",
    )
    return meeting


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client
