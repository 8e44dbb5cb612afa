"""Object cases for the meetings routes (see tests/privacy/objects.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from meetings.models import Meeting
from meetings.services import meeting_schedule
from tests.meetings.factories import when
from tests.privacy.objects import ObjectCase

PAIR = frozenset({"mentee", "mentor"})


def _meeting(w: Any, p: Any) -> Meeting:
    """A meeting of the world's pair, planned by the mentee through the real service."""
    day = timezone.localdate() + dt.timedelta(days=14)
    [meeting] = meeting_schedule(pair=w.pair, organiser=p["mentee"], when=when(day, 10))
    return meeting


CASES: dict[str, Callable[[Any, Any], Any]] = {
    **{
        f"meetings:{name}": (lambda w, p: ObjectCase({"pair_id": w.pair.pk}, PAIR))
        for name in ("pair", "schedule", "log")
    },
    **{
        f"meetings:{name}": (lambda w, p: ObjectCase({"meeting_id": _meeting(w, p).pk}, PAIR))
        for name in ("respond", "reschedule", "cancel")
    },
    "meetings:ics": lambda w, p: ObjectCase({"meeting_id": _meeting(w, p).pk}, PAIR),
}
