"""Every change to a meeting raises both people's schedule revision, in the same
transaction, and nobody else's: the manager's team page keys its cache on it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.utils import timezone

from matching.models import Pair
from matching.services import pair_end
from meetings.models import Meeting
from meetings.services import (
    meeting_cancel,
    meeting_log,
    meeting_reschedule,
    meeting_respond,
    meeting_schedule,
)
from people.models import User
from tests.factories import UserFactory
from tests.meetings.factories import make_pair, when

pytestmark = pytest.mark.django_db


def _revisions(*people: User) -> list[int]:
    return [User.objects.get(pk=person.pk).schedule_revision for person in people]


def _plan(pair: Pair, days: int = 2) -> Meeting:
    [meeting] = meeting_schedule(
        pair=pair,
        organiser=pair.mentee.person,
        when=when(timezone.localdate() + dt.timedelta(days=days)),
    )
    return meeting


CHANGES: dict[str, Callable[[Pair, Meeting], object]] = {
    "plan": lambda pair, _meeting: _plan(pair, days=3),
    "log": lambda pair, _meeting: meeting_log(
        pair=pair, by=pair.mentor.person, when=when(timezone.localdate() - dt.timedelta(days=2))
    ),
    "move": lambda pair, meeting: meeting_reschedule(
        meeting=meeting,
        by=pair.mentor.person,
        when=when(timezone.localdate() + dt.timedelta(days=4), 15),
        place="",
    ),
    "cancel": lambda pair, meeting: meeting_cancel(meeting=meeting, by=pair.mentee.person),
    "end the pair": lambda pair, _meeting: pair_end(pair=pair),
}


@pytest.mark.parametrize("change", CHANGES)
def test_a_change_raises_the_revision_of_both_people_and_nobody_else(change: str) -> None:
    mentee, mentor, bystander = UserFactory(), UserFactory(), UserFactory()
    pair = make_pair(mentee, mentor)
    meeting = _plan(pair)
    before = _revisions(mentee, mentor, bystander)
    CHANGES[change](pair, meeting)
    after = _revisions(mentee, mentor, bystander)
    assert after[0] > before[0]
    assert after[1] > before[1]
    assert after[2] == before[2]


def test_an_answer_to_an_invitation_changes_nothing_a_manager_sees() -> None:
    mentee, mentor = UserFactory(), UserFactory()
    pair = make_pair(mentee, mentor)
    meeting = _plan(pair)
    before = _revisions(mentee, mentor)
    meeting_respond(meeting=meeting, person=mentor, accept=False)
    assert _revisions(mentee, mentor) == before


def test_a_refused_booking_leaves_the_revisions_as_they_were() -> None:
    from django.core.exceptions import ValidationError

    mentee, mentor = UserFactory(), UserFactory()
    pair = make_pair(mentee, mentor)
    _plan(pair)
    before = _revisions(mentee, mentor)
    with pytest.raises(ValidationError):
        _plan(pair)  # the same time again: both are busy
    assert _revisions(mentee, mentor) == before
