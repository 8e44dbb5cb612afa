"""Object cases for the journal routes (see tests/privacy/objects.py).

Only the two people of the pair reach the journal; goals and shared focus are the
mentee's to add. Everyone else (both managers, HR, outsiders) gets a missing id's 404.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from journal import services
from meetings.models import Meeting
from meetings.services import meeting_schedule
from tests.meetings.factories import when
from tests.privacy.objects import ObjectCase

PAIR = frozenset({"mentee", "mentor"})
MENTEE = frozenset({"mentee"})


def _meeting(w: Any, p: Any) -> Meeting:
    day = timezone.localdate() + dt.timedelta(days=7)
    return meeting_schedule(pair=w.pair, organiser=p["mentee"], when=when(day))[0]


def _goal_id(w: Any, p: Any) -> int:
    return services.goal_add(pair=w.pair, by=p["mentee"], title="Public speaking").pk


def _item_id(w: Any, p: Any) -> int:
    item = services.agenda_item_add(meeting=_meeting(w, p), author=p["mentor"], text="Plans")
    return item.pk


CASES: dict[str, Callable[[Any, Any], ObjectCase]] = {
    "journal:pair": lambda w, p: ObjectCase({"pair_id": w.pair.pk}, PAIR),
    "journal:goal_add": lambda w, p: ObjectCase({"pair_id": w.pair.pk}, MENTEE),
    "journal:goal_update": lambda w, p: ObjectCase({"goal_id": _goal_id(w, p)}, PAIR),
    "journal:agreement": lambda w, p: ObjectCase({"pair_id": w.pair.pk}, PAIR),
    "journal:share_focus": lambda w, p: ObjectCase({"pair_id": w.pair.pk}, MENTEE),
    "journal:meeting": lambda w, p: ObjectCase({"meeting_id": _meeting(w, p).pk}, PAIR),
    "journal:agenda_add": lambda w, p: ObjectCase({"meeting_id": _meeting(w, p).pk}, PAIR),
    "journal:agenda_toggle": lambda w, p: ObjectCase({"item_id": _item_id(w, p)}, PAIR),
    "journal:notes_save": lambda w, p: ObjectCase({"meeting_id": _meeting(w, p).pk}, PAIR),
    "journal:notes_history": lambda w, p: ObjectCase({"meeting_id": _meeting(w, p).pk}, PAIR),
    "journal:notes_restore": lambda w, p: ObjectCase({"meeting_id": _meeting(w, p).pk}, PAIR),
    "journal:private_note_save": lambda w, p: ObjectCase({"meeting_id": _meeting(w, p).pk}, PAIR),
}
