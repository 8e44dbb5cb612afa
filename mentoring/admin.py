"""The roof's own admin, and the admins of Django's and allauth's models made audited:
every operator edit in the admin is recorded (``audit.admin.AuditedAdmin``)."""

from __future__ import annotations

from typing import Any

from allauth.account.admin import EmailAddressAdmin
from allauth.account.models import EmailAddress
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin
from django.contrib.auth.models import Group
from django.forms import ModelForm
from django.http import HttpRequest

from audit.admin import AuditedAdmin
from mentoring.models import WorkerHeartbeat
from people.roles import hr_admins_among
from people.services import hr_admin_changes_record

_ROLES_BEFORE = "_mentoring_hr_admins_before"


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(AuditedAdmin):
    list_display = ["worker", "beat_at"]
    readonly_fields = ["worker", "beat_at"]


admin.site.unregister(Group)


@admin.register(Group)
class AuditedGroupAdmin(AuditedAdmin, GroupAdmin):
    """A group's permissions decide who is an HR admin: granting or taking the permission
    from a group (or deleting the group) changes the role of each of its members."""

    def save_model(self, request: HttpRequest, obj: Group, form: ModelForm, change: bool) -> None:
        members = list(obj.user_set.values_list("pk", flat=True)) if change else []
        setattr(request, _ROLES_BEFORE, (members, hr_admins_among(members)))
        super().save_model(request, obj, form, change)

    def save_related(
        self, request: HttpRequest, form: ModelForm, formsets: Any, change: bool
    ) -> None:
        super().save_related(request, form, formsets, change)
        members, before = getattr(request, _ROLES_BEFORE, ([], frozenset()))
        hr_admin_changes_record(before=before, person_ids=members, request=request)

    def delete_model(self, request: HttpRequest, obj: Group) -> None:
        members = list(obj.user_set.values_list("pk", flat=True))
        before = hr_admins_among(members)
        super().delete_model(request, obj)
        hr_admin_changes_record(before=before, person_ids=members, request=request)


admin.site.unregister(EmailAddress)


@admin.register(EmailAddress)
class AuditedEmailAddressAdmin(AuditedAdmin, EmailAddressAdmin):
    pass
