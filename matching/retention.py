"""Which ended pairs are past one of their program's retention periods.

The journal (session content) and the meetings (meeting times) each delete their own
rows with their own task; both ask here which pairs are due, by the program's setting
(``journal_retention_months`` or ``meeting_retention_months``; 0 keeps until HR chooses a
period).
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Literal

from django.db.models import Q, QuerySet

from matching.models import Pair
from programs.models import KEEP_UNTIL_HR_DELETES, Program

Period = Literal["journal_retention_months", "meeting_retention_months"]


def months_before(moment: dt.datetime, months: int) -> dt.datetime:
    """The same day and time ``months`` calendar months earlier (the month's last day
    when it is shorter: 31 March less one month is 28 or 29 February)."""
    month_index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(month_index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def pairs_past(period: Period, *, now: dt.datetime) -> QuerySet[Pair]:
    """Ended pairs whose end lies further back than their program's ``period`` at ``now``."""
    by_months: dict[int, list[int]] = {}
    kept: dict[str, int] = {period: KEEP_UNTIL_HR_DELETES}
    for program_id, months in Program.objects.exclude(**kept).values_list("pk", period):
        by_months.setdefault(months, []).append(program_id)
    due = Q(pk__in=[])
    for months, program_ids in by_months.items():
        due |= Q(program_id__in=program_ids, ended_at__lt=months_before(now, months))
    return Pair.objects.filter(due, status=Pair.Status.ENDED, ended_at__isnull=False)
