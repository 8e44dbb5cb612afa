"""The audit log's core: one row per recorded action, and rows that cannot change."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from audit.models import Action, AppendOnly, AuditEvent
from audit.services import audit_record
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_record_names_the_actor_the_target_and_the_address() -> None:
    hr, person = UserFactory(), UserFactory()
    request = RequestFactory().post("/", REMOTE_ADDR="192.0.2.7")
    request.user = hr

    event = audit_record(
        action=Action.PERSON_DEACTIVATED, target=person, details={"pairs_ended": 2}, request=request
    )

    event.refresh_from_db()
    assert (event.actor_id, event.target_type, event.target_id) == (hr.pk, "user", person.pk)
    assert event.details == {"pairs_ended": 2}
    assert event.ip == "192.0.2.7"


def test_a_system_action_has_a_label_and_no_actor() -> None:
    event = audit_record(action=Action.RETENTION_RUN, actor_label="system", details={"deleted": 0})

    assert event.actor_id is None
    assert event.actor_label == "system"
    assert event.ip is None


def test_rows_cannot_be_changed_or_deleted_through_the_orm() -> None:
    event = audit_record(action=Action.RETENTION_RUN, actor_label="system")

    event.action = Action.PERSON_ERASED
    with pytest.raises(AppendOnly):
        event.save()
    with pytest.raises(AppendOnly):
        event.delete()
    with pytest.raises(AppendOnly):
        AuditEvent.objects.filter(pk=event.pk).update(action=Action.PERSON_ERASED)
    with pytest.raises(AppendOnly):
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).action == Action.RETENTION_RUN
