"""The admin: the audit log is read-only there for everyone, and every edit an operator
makes in the admin (roles included) is recorded, by field names only."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.forms import BaseForm, MultiWidget
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.admin import AuditedAdmin, AuditEventAdmin
from audit.models import Action, AuditEvent
from audit.services import audit_record
from meetings.models import Reminder
from meetings.services import meeting_schedule
from people.models import HR_ADMIN_GROUP, HR_ADMIN_PERMISSION, Department, User
from tests.factories import DepartmentFactory, UserFactory, make_hr_admin, with_totp
from tests.meetings.factories import make_pair, when

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser() -> User:
    return with_totp(UserFactory(full_name="Sam Super", is_staff=True, is_superuser=True))


@pytest.fixture
def ops(superuser: User) -> Client:
    client = Client(REMOTE_ADDR="203.0.113.9")
    client.force_login(superuser)
    return client


def _url(name: str, *args: object) -> str:
    return reverse(f"admin:{name}", args=args)


def test_every_admin_but_the_audit_logs_own_records_its_edits() -> None:
    unaudited = [
        type(model_admin).__name__
        for model_admin in admin.site._registry.values()
        if not isinstance(model_admin, AuditedAdmin | AuditEventAdmin)
    ]
    assert unaudited == []


def test_even_a_superuser_can_only_read_the_audit_log(ops: Client) -> None:
    event = audit_record(action=Action.PEOPLE_IMPORT, details={"created": 1})

    assert ops.get(_url("audit_auditevent_changelist")).status_code == 200
    assert ops.get(_url("audit_auditevent_change", event.pk)).status_code == 200
    assert ops.get(_url("audit_auditevent_add")).status_code == 403
    assert ops.post(_url("audit_auditevent_add"), {"action": "admin_edit"}).status_code == 403
    changed = ops.post(_url("audit_auditevent_change", event.pk), {"action": "admin_edit"})
    assert changed.status_code == 403
    assert ops.get(_url("audit_auditevent_delete", event.pk)).status_code == 403
    assert ops.post(_url("audit_auditevent_delete", event.pk), {"post": "yes"}).status_code == 403
    bulk = ops.post(
        _url("audit_auditevent_changelist"),
        {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"},
    )
    assert bulk.status_code in (200, 302, 403)
    assert AuditEvent.objects.get(pk=event.pk).action == Action.PEOPLE_IMPORT
    assert AuditEvent.objects.count() == 1  # reading it recorded nothing, deleting nothing


def test_an_operator_without_the_permission_does_not_see_it(operator: User) -> None:
    client = Client()
    client.force_login(operator)
    assert client.get(_url("audit_auditevent_changelist")).status_code == 403


def _form_data(form: BaseForm, **changes: Any) -> dict[str, Any]:
    """What the admin's form would post back unchanged, with ``changes``."""
    data: dict[str, Any] = {}
    for field in form:
        value = changes.get(field.name, field.value())
        widget = field.field.widget
        if isinstance(widget, MultiWidget):
            for index, part in enumerate(widget.decompress(value)):
                data[f"{field.html_name}_{index}"] = "" if part is None else str(part)
        elif isinstance(value, bool):
            if value:
                data[field.html_name] = "on"
        elif isinstance(value, list | tuple):
            data[field.html_name] = [str(v) for v in value]
        elif value is not None:
            data[field.html_name] = str(value)
    return data


def _change_user(ops: Client, person: User, **changes: Any) -> None:
    url = _url("people_user_change", person.pk)
    form = ops.get(url).context["adminform"].form
    response = ops.post(url, _form_data(form, **changes))
    assert response.status_code == 302, response.context["adminform"].form.errors


def test_an_operators_edit_is_recorded_with_field_names_not_values(
    ops: Client, superuser: User
) -> None:
    ops.post(_url("people_department_add"), {"name": "Quality CANARY"})
    department = Department.objects.get(name="Quality CANARY")
    ops.post(_url("people_department_change", department.pk), {"name": "Quality X"})
    ops.post(_url("people_department_delete", department.pk), {"post": "yes"})

    events = AuditEvent.objects.filter(action=Action.ADMIN_EDIT).order_by("id")
    assert [(e.details["action"], e.details["fields"]) for e in events] == [
        ("add", ["name"]),
        ("change", ["name"]),
        ("delete", []),
    ]
    assert {(e.actor_id, e.target_type, e.target_id, e.ip) for e in events} == {
        (superuser.pk, "department", department.pk, "203.0.113.9")
    }
    assert all(e.details["model"] == "people.department" for e in events)
    assert not AuditEvent.objects.filter(details__icontains="Quality").exists()


def test_granting_and_removing_hr_admin_in_the_admin_is_recorded(
    ops: Client, superuser: User, outsider: User
) -> None:
    group = make_hr_admin(UserFactory()).groups.get(name=HR_ADMIN_GROUP)

    _change_user(ops, outsider, groups=[group.pk])
    _change_user(ops, outsider, groups=[], title="Auditor")

    roles = AuditEvent.objects.filter(action__in=[Action.ROLE_GRANTED, Action.ROLE_REMOVED])
    assert [(e.action, e.target_id, e.actor_id) for e in roles.order_by("id")] == [
        (Action.ROLE_GRANTED, outsider.pk, superuser.pk),
        (Action.ROLE_REMOVED, outsider.pk, superuser.pk),
    ]
    edits = AuditEvent.objects.filter(action=Action.ADMIN_EDIT).order_by("id")
    granted, removed = (set(e.details["fields"]) for e in edits)
    assert "groups" in granted
    assert {"groups", "title"} <= removed


def test_making_someone_superuser_grants_the_role(ops: Client, outsider: User) -> None:
    _change_user(ops, outsider, is_superuser=True)
    assert _only_role_event().target_id == outsider.pk


def test_giving_a_group_the_permission_grants_its_members_the_role(
    ops: Client, outsider: User, mentee: User
) -> None:
    group = Group.objects.create(name="Programme office")
    outsider.groups.add(group)
    app_label, codename = HR_ADMIN_PERMISSION.split(".")
    permission = Permission.objects.get(content_type__app_label=app_label, codename=codename)

    ops.post(
        _url("auth_group_change", group.pk), {"name": group.name, "permissions": [permission.pk]}
    )

    assert _only_role_event().target_id == outsider.pk  # a member; nobody else
    assert mentee.pk not in AuditEvent.objects.values_list("target_id", flat=True)


def _only_role_event() -> AuditEvent:
    return AuditEvent.objects.filter(action=Action.ROLE_GRANTED).get()


def test_trying_a_failed_email_again_is_an_edit_on_record(ops: Client) -> None:
    mentee, mentor = UserFactory(), UserFactory(department=DepartmentFactory(name="Elsewhere"))
    day = timezone.localdate() + dt.timedelta(days=3)
    [meeting] = meeting_schedule(pair=make_pair(mentee, mentor), organiser=mentee, when=when(day))
    reminder = Reminder.objects.filter(meeting=meeting).first()
    assert reminder is not None
    Reminder.objects.filter(pk=reminder.pk).update(status=Reminder.Status.FAILED)

    ops.post(
        _url("meetings_reminder_changelist"),
        {"action": "retry", "_selected_action": [reminder.pk]},
    )

    event = AuditEvent.objects.filter(action=Action.ADMIN_EDIT).get()
    assert (event.target_type, event.target_id) == ("reminder", reminder.pk)
    assert event.details["fields"] == ["attempts", "claimed_at", "status"]
