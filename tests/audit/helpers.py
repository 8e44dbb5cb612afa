"""Helpers for tests that need audit rows gone (the database refuses otherwise)."""

from __future__ import annotations

from django.db import connection, transaction

from audit.models import AuditEvent
from audit.services import audit_purge_permitted


def audit_rows_purge() -> None:
    """Delete every audit row, with the retention run's permit: for a transactional
    test's flush on SQLite."""
    with transaction.atomic(), audit_purge_permitted(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEvent._meta.db_table}")  # noqa: S608
