"""Recording a privileged action (the one write every app calls), and the log's own
retention."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any, Protocol

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone

from audit.models import Action, AuditEvent, PurgePermit


class _Identified(Protocol):
    pk: Any


def audit_record(
    *,
    action: Action,
    actor: _Identified | None = None,
    actor_label: str = "",
    target: _Identified | None = None,
    target_type: str = "",
    target_id: int | None = None,
    details: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> AuditEvent:
    """Append one row, inside the caller's transaction (it commits or rolls back with the
    action it records).

    ``target`` gives the target's id and, unless ``target_type`` says otherwise, its model
    name; ``target_type`` with ``target_id`` name a target without loading it. ``details``
    holds counts, statuses and field names, never text a person wrote.
    ``request`` gives the address the action came from, read the way sign-in rate limits
    read it (allauth's adapter, which trusts ``DJANGO_TRUSTED_PROXY_COUNT`` proxies).
    """
    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user
    return AuditEvent.objects.create(
        action=action,
        actor_id=actor.pk if actor is not None else None,
        actor_label=actor_label,
        target_type=target_type or (target._meta.model_name if target is not None else ""),  # type: ignore[attr-defined]
        target_id=target.pk if target is not None else target_id,
        details=details or {},
        ip=_client_ip(request),
    )


def _client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    try:
        return get_adapter(request).get_client_ip(request) or None
    except ImproperlyConfigured:  # fewer forwarding hops than trusted: say nothing, act anyway
        return None


def audit_retention_run(*, now: datetime | None = None) -> int:
    """Delete the rows older than ``MENTORING_AUDIT_RETENTION_DAYS`` and record the run
    (with how many went) as a row of its own, in one transaction. The database refuses
    any other DELETE of audit rows; this run permits its own for the length of its
    transaction only. Running it twice deletes nothing the second time."""
    days = settings.MENTORING_AUDIT_RETENTION_DAYS
    cutoff = (now or timezone.now()) - timedelta(days=days)
    table, at = AuditEvent._meta.db_table, AuditEvent._meta.get_field("at")
    with transaction.atomic():
        with audit_purge_permitted(), connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {table} WHERE at < %s",  # noqa: S608 - the model's table
                [at.get_db_prep_value(cutoff, connection)],
            )
            deleted = cursor.rowcount
        audit_record(
            action=Action.RETENTION_RUN,
            actor_label="system",
            target_type="audit_log",
            details={"deleted": deleted, "retention_days": days},
        )
    return deleted


@contextmanager
def audit_purge_permitted() -> Iterator[None]:
    """Within a transaction: the database lets audit rows be deleted until the block ends
    (PostgreSQL: a transaction-local setting; SQLite: a permit row, see ``PurgePermit``)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL mentoring.audit_purge = 'on'")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL mentoring.audit_purge = 'off'")
        return
    permit = PurgePermit.objects.create()
    try:
        yield
    finally:
        PurgePermit.objects.filter(pk=permit.pk).delete()


def audit_export_record(*, rows: int, filters: list[str], request: HttpRequest) -> AuditEvent:
    """An operator exported the audit log: who, when, how many rows, which filters (names
    of the filters, not what was typed). The export is itself on record."""
    with transaction.atomic():
        return audit_record(
            action=Action.AUDIT_EXPORT,
            target_type="audit_log",
            details={"rows": rows, "filters": sorted(filters)},
            request=request,
        )
