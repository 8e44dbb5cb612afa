"""Turn an id from a request into journal content, or the same 404 as a missing id.

Only the two people of the pair get through. Private notes have no id route at all:
they are only ever looked up by (meeting, author=the person asking).
"""

from __future__ import annotations

from django.db.models import Q
from django.shortcuts import get_object_or_404

from journal.models import AgendaItem, Goal, SharedNoteVersion
from meetings.models import Meeting
from people.models import User


def _member(user: User, prefix: str) -> Q:
    return Q(**{f"{prefix}mentee__person": user}) | Q(**{f"{prefix}mentor__person": user})


def access_goal_for_member(user: User, goal_id: int) -> Goal:
    return get_object_or_404(
        Goal.objects.filter(_member(user, "pair__")).select_related("pair__mentee", "pair__mentor"),
        pk=goal_id,
    )


def access_agenda_item_for_member(user: User, item_id: int) -> AgendaItem:
    return get_object_or_404(
        AgendaItem.objects.filter(_member(user, "meeting__pair__")).select_related(
            "meeting__pair__mentee", "meeting__pair__mentor"
        ),
        pk=item_id,
    )


def access_note_version(meeting: Meeting, version_id: int) -> SharedNoteVersion:
    """A version of the meeting's shared notes; the meeting was reached by a member."""
    return get_object_or_404(SharedNoteVersion.objects.filter(meeting=meeting), pk=version_id)
