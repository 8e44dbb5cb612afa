"""The one table of cross-app reactions: which app's events each app's services hear.

An app declares the events it sends in its own ``events.py`` and never learns who reacts;
the project package is the only place allowed to know every app, so the whole cascade is
read here, top to bottom, in the order it runs. ``MentoringConfig.ready()`` connects it
once at start-up (connecting again changes nothing).

Receivers run inside the sender's transaction, in the order listed, so a withdrawal and
everything it causes commit or roll back together; e-mails leave after the commit.
``tests/mentoring/test_wiring.py`` checks that no receiver is connected anywhere else.
"""

from __future__ import annotations

from typing import Any

from lib.events import Event, Payload, Receiver
from matching import notices as matching_notices
from matching.events import pair_ended
from matching.services import pairs_end_for_withdrawal
from meetings import notices as meetings_notices
from meetings.services import meetings_cancel_for_ended_pair
from notifications.kinds import Kind, NameLookup, register
from people.events import person_deactivated
from programs import notices as programs_notices
from programs.events import enrolment_withdrawn
from programs.selectors import program_names
from programs.services import enrolments_withdraw_for_deactivation

Row = tuple[Event[Any], tuple[Receiver[Any], ...]]


def _row(event: Event[Payload], *receivers: Receiver[Payload]) -> Row:
    """One event and its receivers, checked against the event's payload type."""
    return event, receivers


WIRING: tuple[Row, ...] = (
    # HR deactivated someone who left: each of their live enrolments is withdrawn.
    _row(person_deactivated, enrolments_withdraw_for_deactivation),
    # Someone withdrew from a program: their pairs end, their open requests are withdrawn.
    _row(enrolment_withdrawn, pairs_end_for_withdrawal),
    # A pair ended: its future meetings are cancelled (each cancellation re-plans the
    # meeting's reminders as skipped and e-mails both people after the commit).
    _row(pair_ended, meetings_cancel_for_ended_pair),
)


# The kinds of in-app notification each app makes, and how the names they refer to are
# read: ``notifications`` knows only people, so what the apps above declare is handed to
# it here (``notifications.kinds``).
NOTIFICATION_KINDS: tuple[Kind, ...] = (
    *programs_notices.KINDS,
    *matching_notices.KINDS,
    *meetings_notices.KINDS,
)
NOTIFICATION_NAMES: dict[str, NameLookup] = {"program": program_names}


def wire() -> None:
    for event, receivers in WIRING:
        for receiver in receivers:
            event.connect(receiver)
    register(kinds=NOTIFICATION_KINDS, lookups=NOTIFICATION_NAMES)
