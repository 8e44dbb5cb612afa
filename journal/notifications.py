"""The retention notice: a pair's session content will be deleted; download your copy.

Each member's e-mail is an outbox row (``RetentionMail``) planned by
``journal.retention.retention_notices_plan`` and sent by ``lib.outbox``: claimed once,
retried after an SMTP error, returned by the sweeper when a worker died with it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.mail import EmailMessage

from journal.models import PurgedPair, RetentionMail
from lib.links import absolute_url
from lib.mail import compose
from lib.outbox import Outbox
from matching.models import Pair
from matching.retention import pairs_past


def _load(ids: Sequence[int]) -> list[RetentionMail]:
    return list(
        RetentionMail.objects.select_related("recipient", "notice__pair__program")
        .filter(pk__in=ids)
        .order_by("pk")
    )


def _skip_reason(row: RetentionMail, now: dt.datetime) -> str | None:
    """Why the e-mail is no longer wanted: the content went already, HR's changed setting
    keeps it longer than the notice says (the next plan withdraws the notice), or the
    person can no longer sign in to take their export."""
    pair_id = row.notice.pair_id
    if PurgedPair.objects.filter(pair_id=pair_id).exists():
        return "content already deleted"
    if (
        not pairs_past("journal_retention_months", now=row.notice.deletes_after)
        .filter(pk=pair_id, status=Pair.Status.ENDED)
        .exists()
    ):
        return "kept by a changed setting"
    person = row.recipient
    if not person.is_active or person.is_stand_in or not person.email:
        return "inactive person"
    return None


def _message(row: RetentionMail) -> EmailMessage:
    person, notice = row.recipient, row.notice
    context = {
        "full_name": person.full_name,
        "program": notice.pair.program.name,
        "deletes_after": notice.deletes_after,
        "export_url": absolute_url("people:data_export"),
    }
    return compose("journal/email/retention_notice", to=person, context=context)


RETENTION_NOTICES = Outbox(
    model=RetentionMail,
    label="Retention notice",
    load=_load,
    skip_reason=_skip_reason,
    message=_message,
)
