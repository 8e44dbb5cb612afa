"""The database itself keeps the audit log append-only; only its retention run deletes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from audit.models import Action, AuditEvent, PurgePermit
from audit.services import audit_record, audit_retention_run
from audit.tasks import audit_retention

pytestmark = pytest.mark.django_db

TABLE = AuditEvent._meta.db_table


def _raw(sql: str, params: list[object]) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def _old_row(days: int) -> AuditEvent:
    return AuditEvent.objects.create(
        action=Action.HR_EXPORT, at=timezone.now() - dt.timedelta(days=days)
    )


def test_raw_sql_cannot_change_a_row() -> None:
    event = audit_record(action=Action.PEOPLE_IMPORT, details={"created": 3})

    with pytest.raises(DatabaseError, match="append-only"):
        _raw(f"UPDATE {TABLE} SET action = %s WHERE id = %s", ["admin_edit", event.pk])  # noqa: S608
    with pytest.raises(DatabaseError, match="append-only"):
        _raw(f"UPDATE {TABLE} SET details = %s", ['{"created": 0}'])  # noqa: S608

    assert AuditEvent.objects.get(pk=event.pk).action == Action.PEOPLE_IMPORT


def test_raw_sql_cannot_delete_a_row_young_or_old() -> None:
    young, old = audit_record(action=Action.PEOPLE_IMPORT), _old_row(days=5000)

    for event in (young, old):
        with pytest.raises(DatabaseError, match="append-only"):
            _raw(f"DELETE FROM {TABLE} WHERE id = %s", [event.pk])  # noqa: S608

    assert AuditEvent.objects.filter(pk__in=[young.pk, old.pk]).count() == 2


def test_the_triggers_outlive_every_migration() -> None:
    """A later migration that rebuilds the table (SQLite does for most changes) would drop
    its triggers: the test database is built by every migration, so this notices."""
    if connection.vendor == "postgresql":
        sql = "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal"
    else:
        sql = "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s"
    with connection.cursor() as cursor:
        cursor.execute(sql, [TABLE])
        names = {row[0] for row in cursor.fetchall()}
    expected = {
        "postgresql": {"audit_event_append_only"},
        "sqlite": {"audit_event_no_update", "audit_event_no_delete"},
    }
    assert names == expected[connection.vendor]


def test_retention_deletes_only_rows_past_the_period_and_records_the_run(
    settings: object,
) -> None:
    settings.MENTORING_AUDIT_RETENTION_DAYS = 30  # type: ignore[attr-defined]
    gone = [_old_row(days=31), _old_row(days=400)]
    kept = [_old_row(days=29), audit_record(action=Action.PEOPLE_IMPORT)]

    deleted = audit_retention_run()

    assert deleted == 2
    assert not AuditEvent.objects.filter(pk__in=[e.pk for e in gone]).exists()
    assert AuditEvent.objects.filter(pk__in=[e.pk for e in kept]).count() == 2
    run = AuditEvent.objects.filter(action=Action.RETENTION_RUN).get()
    assert run.actor_id is None
    assert run.actor_label == "system"
    assert run.details == {"deleted": 2, "retention_days": 30}
    assert not PurgePermit.objects.exists()  # the permission ended with the run


def test_the_permit_ends_with_the_run() -> None:
    """After the run, in the same connection, a DELETE is refused again."""
    event = _old_row(days=10)  # younger than the default 730 days: kept
    with transaction.atomic():
        audit_retention_run()
        with pytest.raises(DatabaseError, match="append-only"):
            _raw(f"DELETE FROM {TABLE} WHERE id = %s", [event.pk])  # noqa: S608
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_a_second_run_deletes_nothing(settings: object) -> None:
    settings.MENTORING_AUDIT_RETENTION_DAYS = 30  # type: ignore[attr-defined]
    _old_row(days=60)

    assert audit_retention() == 1  # the beat task
    assert audit_retention() == 0
    runs = AuditEvent.objects.filter(action=Action.RETENTION_RUN).order_by("id")
    assert [r.details["deleted"] for r in runs] == [1, 0]


def test_the_daily_run_is_on_beats_schedule(settings: object) -> None:
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}  # type: ignore[attr-defined]
    assert "audit.retention" in tasks


@pytest.mark.parametrize(("raw", "error"), [("29", "at least 30"), ("a year", "whole number")])
def test_the_retention_setting_refuses_a_bad_value(
    monkeypatch: pytest.MonkeyPatch, raw: str, error: str
) -> None:
    from django.core.exceptions import ImproperlyConfigured

    from lib.env import env_int

    monkeypatch.setenv("MENTORING_AUDIT_RETENTION_DAYS", raw)
    with pytest.raises(ImproperlyConfigured, match=error):
        env_int("MENTORING_AUDIT_RETENTION_DAYS", 730, minimum=30)
