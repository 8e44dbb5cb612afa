"""Eight people book the same mentor at the same moment: the database lets exactly one in.

PostgreSQL only: its exclusion constraint on attendance ranges is what guarantees this.
"""

from __future__ import annotations

import datetime as dt
import threading
from typing import cast

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Exists, OuterRef
from django.utils import timezone

from matching.models import Pair
from meetings.models import Attendance, Meeting
from meetings.services import meeting_schedule
from people.models import User
from tests.factories import UserFactory
from tests.meetings.factories import make_pair, when

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]
THREADS = 8
ROUNDS = 20


def _book_all_at_once(pairs: list[Pair], day: dt.date) -> list[object]:
    """Every mentee books the shared mentor at overlapping times, released together."""
    barrier = threading.Barrier(len(pairs))
    outcomes: list[object] = [None] * len(pairs)

    def book(index: int, pair: Pair) -> None:
        try:
            barrier.wait(timeout=10)
            outcomes[index] = meeting_schedule(
                pair=pair, organiser=pair.mentee.person, when=when(day, 10, index * 5)
            )
        except ValidationError as error:
            outcomes[index] = error
        except Exception as error:  # reported by the assertions below
            outcomes[index] = error
        finally:
            connection.close()

    threads = [
        threading.Thread(target=book, args=(index, pair)) for index, pair in enumerate(pairs)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def _overlapping_attendances(person: User) -> int:
    other = Attendance.objects.filter(
        person=person,
        active=True,
        start__lt=OuterRef("end"),
        end__gt=OuterRef("start"),
    ).exclude(pk=OuterRef("pk"))
    return Attendance.objects.filter(person=person, active=True).filter(Exists(other)).count()


def test_eight_simultaneous_bookings_of_one_mentor_let_exactly_one_through(
    mentor: User,
) -> None:
    pairs = [
        make_pair(cast(User, UserFactory(full_name=f"Mentee {n}")), mentor) for n in range(THREADS)
    ]  # eight pairs sharing the mentor
    first = timezone.localdate() + dt.timedelta(days=3)
    for round_ in range(ROUNDS):
        outcomes = _book_all_at_once(pairs, first + dt.timedelta(days=round_))
        booked = [o for o in outcomes if isinstance(o, list)]
        refused = [o for o in outcomes if isinstance(o, ValidationError)]
        assert len(booked) == 1, f"round {round_}: {outcomes}"
        assert len(refused) == THREADS - 1, f"round {round_}: {outcomes}"
        assert {e.code for e in refused} == {"conflict"}
        # Bookings queue per person, so each refusal names the meeting that got in first.
        assert all("Olu Mentor already has a mentoring meeting" in e.messages[0] for e in refused)
    assert Meeting.objects.count() == ROUNDS
    assert Attendance.objects.filter(person=mentor, active=True).count() == ROUNDS
    assert _overlapping_attendances(mentor) == 0
