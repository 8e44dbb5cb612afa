"""Turn an id from a request into a meeting-area object, or the same 404 as a missing id.

Only the two people of a pair (its mentee and its mentor) get through: managers, HR admins
and everybody else get a 404 identical to a missing id.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from matching.membership import member_q, member_related, pairs_of
from matching.models import Pair
from meetings.models import Meeting
from people.models import User


def pairs_of_member(user: User) -> QuerySet[Pair]:
    return pairs_of(user).select_related("program", *member_related())


def access_pair_for_member(user: User, pair_id: int) -> Pair:
    """A pair the user is one of the two people of."""
    return get_object_or_404(pairs_of_member(user), pk=pair_id)


def access_meeting_for_member(user: User, meeting_id: int) -> Meeting:
    """A meeting of a pair the user is one of the two people of."""
    return get_object_or_404(
        Meeting.objects.filter(member_q(user, "pair__")).select_related(
            "pair__program", *member_related("pair__"), "series"
        ),
        pk=meeting_id,
    )
