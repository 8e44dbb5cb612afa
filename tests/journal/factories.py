"""A pair with a future meeting, built through the real services."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from matching.models import Pair
from meetings.models import Meeting
from meetings.services import meeting_schedule
from people.models import User
from tests.meetings.factories import make_pair, when


def pair_with_meeting(mentee: User, mentor: User, *, days: int = 7) -> tuple[Pair, Meeting]:
    pair = make_pair(mentee, mentor)
    day = timezone.localdate() + dt.timedelta(days=days)
    return pair, meeting_schedule(pair=pair, organiser=mentee, when=when(day))[0]
