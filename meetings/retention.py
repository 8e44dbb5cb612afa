"""Deleting meeting times after their program's retention period (a daily beat task).

Meetings of a pair that ended longer ago than its program's ``meeting_retention_months``
are deleted with their attendance and reminder rows. HR's form keeps this period at least
as long as the journal's, and only pairs whose session content the journal's own
retention deleted (after its notice) lose their meetings: a meeting's deletion would take
its agenda and notes with it (``MENTORING_CONTENT_GONE_PAIRS``, a dotted path, since the
journal lies above). Batches of meetings, each
in its own transaction with its audit row (``RETENTION_RUN``, counts only): a rerun finds
exactly the meetings a killed run left.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.module_loading import import_string

from audit.models import Action
from audit.services import audit_record
from matching.retention import pairs_past
from meetings.models import Meeting

BATCH_MEETINGS = 500


def _content_gone() -> QuerySet[Any, int]:
    pairs: Callable[[], QuerySet[Any, int]] = import_string(settings.MENTORING_CONTENT_GONE_PAIRS)
    return pairs()


def meeting_retention_run(
    *,
    now: dt.datetime | None = None,
    batch_size: int = BATCH_MEETINGS,
    after_batch: Callable[[int], None] | None = None,
) -> int:
    now = now or timezone.now()
    deleted_total, batch = 0, 0
    while True:
        with transaction.atomic():
            due = (
                pairs_past("meeting_retention_months", now=now)
                .filter(pk__in=_content_gone())
                .values("pk")
            )
            ids = list(
                Meeting.objects.filter(pair_id__in=due)
                .order_by("pk")
                .values_list("pk", flat=True)[:batch_size]
            )
            if not ids:
                break
            deleted = Meeting.objects.filter(pk__in=ids).delete()[1].get("meetings.Meeting", 0)
            audit_record(
                action=Action.RETENTION_RUN,
                actor_label="system",
                target_type="meetings",
                details={"meetings": deleted},
            )
        deleted_total += deleted
        batch += 1
        if after_batch is not None:
            after_batch(batch)
    return deleted_total
