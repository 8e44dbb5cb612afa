from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from audit.admin import AuditedAdmin
from people.models import Department, User
from people.roles import hr_admins_among
from people.services import hr_admin_changes_record

_ROLES_BEFORE = "_people_hr_admins_before"


@admin.register(Department)
class DepartmentAdmin(AuditedAdmin):
    search_fields = ["name"]


@admin.register(User)
class UserAdmin(AuditedAdmin, DjangoUserAdmin):
    ordering = ["full_name"]
    list_display = ["full_name", "email", "employee_id", "department", "manager", "is_active"]
    list_filter = ["is_active", "is_staff", "department", "groups"]
    search_fields = ["full_name", "email", "employee_id"]
    list_select_related = ["department", "manager"]
    autocomplete_fields = ["department", "manager"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (
            _("Profile"),
            {
                "fields": (
                    "full_name",
                    "employee_id",
                    "department",
                    "title",
                    "manager",
                    "time_zone",
                    "language",
                )
            },
        ),
        (_("Access"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        (_("Dates"), {"fields": ("date_joined", "last_login", "invited_at")}),
    )
    add_fieldsets = ((None, {"fields": ("email", "full_name", "password1", "password2")}),)

    def save_model(self, request: HttpRequest, obj: User, form: ModelForm, change: bool) -> None:
        # The role as stored before this save: the superuser flag is saved here, the
        # groups and permissions in ``save_related``; the role change is recorded after both.
        before = hr_admins_among([obj.pk]) if change else frozenset()
        setattr(request, _ROLES_BEFORE, before)
        super().save_model(request, obj, form, change)

    def save_related(
        self, request: HttpRequest, form: ModelForm, formsets: Any, change: bool
    ) -> None:
        super().save_related(request, form, formsets, change)
        before: frozenset[int] = getattr(request, _ROLES_BEFORE, frozenset())
        hr_admin_changes_record(before=before, person_ids=[form.instance.pk], request=request)

    def delete_model(self, request: HttpRequest, obj: User) -> None:
        before = hr_admins_among([obj.pk])
        person_id = obj.pk
        super().delete_model(request, obj)
        hr_admin_changes_record(before=before, person_ids=[person_id], request=request)
