"""Whom each enrolment is paired with now, for HR's participant list.

Programs lists enrolments but may not know pairs (matching is above it), so HR's read side reads
this for the enrolments on one page of the list: names only, through
``matching.membership``, in two queries whatever the page holds.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q

from matching.membership import MEMBER_COLUMNS, MEMBER_ROLES, counterparts, load_members
from matching.models import Pair


def partners_by_enrolment(enrolment_ids: Iterable[int]) -> dict[int, tuple[str, ...]]:
    """For each of these enrolments in an active pair, the names of the others in it."""
    ids = sorted(set(enrolment_ids))
    if not ids:
        return {}
    on_page = Q()
    for column in MEMBER_COLUMNS:
        on_page |= Q(**{f"{column}__in": ids})
    wanted = set(ids)
    pairs = list(Pair.objects.filter(on_page, status=Pair.Status.ACTIVE).order_by("started_at"))
    load_members(pairs)
    partners: dict[int, list[str]] = {}
    for pair in pairs:
        for role in MEMBER_ROLES:
            enrolment = getattr(pair, role)
            if enrolment.pk in wanted:
                partners.setdefault(enrolment.pk, []).extend(
                    other.full_name or other.email
                    for other in counterparts(pair, enrolment.person_id)
                )
    return {pk: tuple(names) for pk, names in partners.items()}
