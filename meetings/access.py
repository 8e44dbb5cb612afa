"""Turn an id from a request into a meeting-area object, or the same 404 as a missing id.

Only the two people of a pair (its mentee and its mentor) get through: managers, HR admins
and everybody else get a 404 identical to a missing id.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from matching.models import Pair
from meetings.models import Meeting
from people.models import User


def _member_of_pair(user: User, prefix: str = "") -> Q:
    return Q(**{f"{prefix}mentee__person": user}) | Q(**{f"{prefix}mentor__person": user})


def pairs_of_member(user: User) -> QuerySet[Pair]:
    return Pair.objects.filter(_member_of_pair(user)).select_related(
        "program", "mentee__person", "mentor__person"
    )


def access_pair_for_member(user: User, pair_id: int) -> Pair:
    """A pair the user is one of the two people of."""
    return get_object_or_404(pairs_of_member(user), pk=pair_id)


def access_meeting_for_member(user: User, meeting_id: int) -> Meeting:
    """A meeting of a pair the user is one of the two people of."""
    return get_object_or_404(
        Meeting.objects.filter(_member_of_pair(user, "pair__")).select_related(
            "pair__program", "pair__mentee__person", "pair__mentor__person", "series"
        ),
        pk=meeting_id,
    )
