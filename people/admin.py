from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from people.models import Department, User


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
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
