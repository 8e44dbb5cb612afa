"""The weekly HR digest's outbox rows, for ``hr_view.digest``, which chooses the recipients
and writes the e-mail. The rows stay in meetings, where their tables have always been; this
module is the only way HR's read side touches them, so it never needs ``meetings.models``
(where meetings, with their places, live).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.db import transaction

from meetings import notices
from meetings.models import DigestMail, DigestWeek
from notifications.services import notify
from people.models import User

__all__ = ["DigestMail", "digest_rows_load", "digest_week_plan"]


def digest_week_plan(
    *, monday: dt.date, recipients: Iterable[User], due_at: dt.datetime
) -> list[int]:
    """One row per recipient for the week starting ``monday``, once per week: a second call
    for the same week writes nothing. Returns the ids of the new rows."""
    with transaction.atomic():
        week, is_new = DigestWeek.objects.get_or_create(week=monday)
        if not is_new:
            return []
        people = list(recipients)
        notify(  # in-app too: the counts themselves stay in the e-mail and HR's pages
            kind=notices.HR_DIGEST,
            recipient_ids=[person.pk for person in people],
            params={"week": week.week.isoformat()},
        )
        return [
            DigestMail.objects.create(week=week, recipient=person, due_at=due_at).pk
            for person in people
        ]


def digest_rows_load(ids: Sequence[int]) -> list[DigestMail]:
    return list(
        DigestMail.objects.select_related("week", "recipient").filter(pk__in=ids).order_by("pk")
    )
