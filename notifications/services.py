"""Every write about notifications: creating them (called by the services of the apps
above, inside their own transaction), marking them read, and forgetting old ones."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from django.db import transaction
from django.utils import timezone

from notifications.kinds import Kind
from notifications.models import Notification

KEEP_READ_DAYS = 180  # read notifications older than this are deleted daily by beat


def _checked(params: Mapping[str, object]) -> dict[str, object]:
    """Ids, counts, flags and ISO times only: a kind's parameters never carry prose."""
    for key, value in params.items():
        if isinstance(value, str) and (len(value) > 40 or " " in value.strip()):
            raise ValueError(f"Notification parameter {key!r} looks like text, not a value.")
    return dict(params)


def notify(*, kind: Kind, recipient_ids: Iterable[int], params: Mapping[str, object]) -> int:
    """One notification of ``kind`` for each recipient (a person once, whatever the order);
    returns how many were written. Call it where the matching e-mail is enqueued: it joins
    the caller's transaction, so it exists exactly when what it tells of happened."""
    values = _checked(params)
    rows = [
        Notification(recipient_id=pk, kind=kind.name, params=values)
        for pk in dict.fromkeys(recipient_ids)
    ]
    Notification.objects.bulk_create(rows)
    return len(rows)


def notify_each(*, kind: Kind, rows: Iterable[tuple[int, Mapping[str, object]]]) -> int:
    """``notify`` for many recipients, each with parameters of their own (a published run's
    pairs): written in batches. Returns how many were written."""
    made = [
        Notification(recipient_id=pk, kind=kind.name, params=_checked(params))
        for pk, params in rows
    ]
    Notification.objects.bulk_create(made, batch_size=1000)
    return len(made)


def notification_mark_read(*, notification: Notification) -> Notification:
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=timezone.now()
        )
        notification.refresh_from_db(fields=["read_at"])
    return notification


def notifications_mark_all_read(*, recipient_id: int) -> int:
    with transaction.atomic():
        return Notification.objects.filter(recipient_id=recipient_id, read_at__isnull=True).update(
            read_at=timezone.now()
        )


def notifications_forget_old(*, now: dt.datetime | None = None) -> int:
    """Delete read notifications older than ``KEEP_READ_DAYS`` (beat, daily); unread ones
    stay until they are read."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=KEEP_READ_DAYS)
    deleted, _by_model = Notification.objects.filter(
        read_at__isnull=False, created_at__lt=cutoff
    ).delete()
    return deleted
