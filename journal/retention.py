"""Deleting session content after its program's retention period (a daily beat task).

A pair that ended longer ago than its program's ``journal_retention_months`` loses its
agendas, notes, goals, agreement and shared focus, with real DELETEs. First, 30 days
ahead, its members are e-mailed once (``RetentionNotice``, its ``RetentionMail`` outbox
rows sent by ``lib.outbox``) with a link to their own export; nothing is deleted until
the notice is that old, so nobody misses it, even when HR shortens a period.

Batches of pairs, each in its own transaction with its ``PurgedPair`` rows and its audit
row (``RETENTION_RUN``, counts only): a worker killed mid-run loses the batch it was in,
which the next run does in full; the batches it committed are never done again.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable

from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from audit.models import Action
from audit.services import audit_record
from journal.models import PurgedPair, RetentionMail, RetentionNotice
from journal.services import pairs_content_delete
from matching.membership import member_related, members
from matching.models import Pair
from matching.retention import pairs_past
from people.models import STAND_IN_DOMAIN

NOTICE_DAYS = 30
BATCH_PAIRS = 50


def _due_ahead(now: dt.datetime) -> QuerySet[Pair]:
    """Pairs whose content is due within ``NOTICE_DAYS`` and still there."""
    ahead = now + dt.timedelta(days=NOTICE_DAYS)
    return pairs_past("journal_retention_months", now=ahead).exclude(
        pk__in=PurgedPair.objects.values("pair_id")
    )


def _told_in_vain() -> QuerySet[RetentionMail, int]:
    """Notices with an e-mail skipped although its member can be reached: HR's setting kept
    the content longer when it was due to go out (and may have been shortened again
    since). Such a notice told nobody; it is withdrawn and planned anew, and nothing is
    deleted on its word. A member who cannot sign in (gone, a stand-in, no address) is
    not waited for."""
    return (
        RetentionMail.objects.filter(status=RetentionMail.Status.SKIPPED, recipient__is_active=True)
        .exclude(recipient__email="")
        .exclude(recipient__email__endswith=f"@{STAND_IN_DOMAIN}")
        .values_list("notice_id", flat=True)
    )


def retention_notices_plan(*, now: dt.datetime | None = None) -> list[int]:
    """In one transaction: withdraw the notices of pairs HR's changed setting keeps longer
    and those told in vain (``_told_in_vain``; their next date gets a notice of its own),
    then a notice for each pair due within
    ``NOTICE_DAYS`` and one outbox row (``RetentionMail``, due now) for each member who can
    still sign in. A notice is unique per pair and its e-mail per notice and person, so a
    second run writes nothing. Returns the ids of the new rows, which the caller sends."""
    now = now or timezone.now()
    ahead = now + dt.timedelta(days=NOTICE_DAYS)
    with transaction.atomic():
        RetentionNotice.objects.filter(
            ~Q(pair_id__in=_due_ahead(now).values("pk")) | Q(pk__in=_told_in_vain())
        ).exclude(pair_id__in=PurgedPair.objects.values("pair_id")).delete()
        due = (
            _due_ahead(now)
            .exclude(pk__in=RetentionNotice.objects.values("pair_id"))
            .select_related(*member_related())
            .order_by("pk")
        )
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True, of=("self",))
        notices = [RetentionNotice(pair=pair, noticed_at=now, deletes_after=ahead) for pair in due]
        # A run beside this one wrote the same pair's notice: its row stands, ours is not
        # written (the one-to-one key), and only rows of notices written here get e-mails.
        RetentionNotice.objects.bulk_create(notices, ignore_conflicts=True)
        written = dict(
            RetentionNotice.objects.filter(
                pair_id__in=[n.pair.pk for n in notices], noticed_at=now
            ).values_list("pair_id", "pk")
        )
        mails = [
            RetentionMail(notice_id=written[notice.pair.pk], recipient=person, due_at=now)
            for notice in notices
            if notice.pair.pk in written
            for person in members(notice.pair)
            if person.is_active and not person.is_stand_in
        ]
        RetentionMail.objects.bulk_create(mails, ignore_conflicts=True)
        return list(
            RetentionMail.objects.filter(notice_id__in=written.values()).values_list(
                "pk", flat=True
            )
        )


def pairs_content_gone() -> QuerySet[PurgedPair, int]:
    """The pairs whose session content this retention deleted: only their meeting times
    may go (``meetings.retention``, by ``MENTORING_CONTENT_GONE_PAIRS``)."""
    return PurgedPair.objects.values_list("pair_id", flat=True)


def _noticed(*, before: dt.datetime) -> QuerySet[RetentionNotice, int]:
    return (
        RetentionNotice.objects.filter(noticed_at__lte=before)
        .exclude(pk__in=_told_in_vain())
        .values_list("pair_id", flat=True)
    )


def journal_retention_run(
    *,
    now: dt.datetime | None = None,
    batch_size: int = BATCH_PAIRS,
    after_batch: Callable[[int], None] | None = None,
) -> dict[str, int]:
    """Delete the content of every pair past its period whose notice is old enough.
    ``after_batch`` is called with the batch number after each commit (the fault test
    stops a run there)."""
    now = now or timezone.now()
    noticed_before = now - dt.timedelta(days=NOTICE_DAYS)
    totals: Counter[str] = Counter()
    batch = 0
    while True:
        with transaction.atomic():
            due = Pair.objects.filter(
                pk__in=pairs_past("journal_retention_months", now=now)
                .exclude(pk__in=PurgedPair.objects.values("pair_id"))
                .filter(pk__in=_noticed(before=noticed_before))
                .values("pk")
            ).order_by("pk")
            if connection.features.has_select_for_update_skip_locked:
                due = due.select_for_update(skip_locked=True, of=("self",))
            pair_ids = list(due.values_list("pk", flat=True)[:batch_size])
            if not pair_ids:
                break
            counts = pairs_content_delete(pair_ids)
            PurgedPair.objects.bulk_create(
                [PurgedPair(pair_id=pk, purged_at=now) for pk in pair_ids]
            )
            audit_record(
                action=Action.RETENTION_RUN,
                actor_label="system",
                target_type="journal",
                details={"pairs": len(pair_ids), "deleted": counts},
            )
        totals.update(counts)
        totals["pairs"] += len(pair_ids)
        batch += 1
        if after_batch is not None:
            after_batch(batch)
    return dict(totals)
