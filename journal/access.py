"""Turn an id from a request into journal content, or the same 404 as a missing id.

Only the two people of the pair get through. Private notes have no id route at all:
they are only ever looked up by (meeting, author=the person asking).
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from journal.models import AgendaItem, Goal, SharedNoteVersion
from matching.membership import member_q, member_related
from meetings.models import Meeting
from people.models import User


def access_goal_for_member(user: User, goal_id: int) -> Goal:
    return get_object_or_404(
        Goal.objects.filter(member_q(user, "pair__")).select_related(*member_related("pair__")),
        pk=goal_id,
    )


def access_agenda_item_for_member(user: User, item_id: int) -> AgendaItem:
    return get_object_or_404(
        AgendaItem.objects.filter(member_q(user, "meeting__pair__")).select_related(
            *member_related("meeting__pair__")
        ),
        pk=item_id,
    )


def access_note_version(meeting: Meeting, version_id: int) -> SharedNoteVersion:
    """A version of the meeting's shared notes; the meeting was reached by a member."""
    return get_object_or_404(SharedNoteVersion.objects.filter(meeting=meeting), pk=version_id)
