import allauth.mfa.admin  # noqa: F401 - registers allauth's admin first, replaced below
from allauth.mfa.models import Authenticator
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from people.mfa import mfa_reset
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
    actions = ["reset_mfa"]

    @admin.action(
        description=_("Reset two-step sign-in (they set it up again at their next sign-in)"),
        permissions=["change"],
    )
    def reset_mfa(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        people = list(queryset)
        for person in people:
            mfa_reset(person=person, by=request.user, request=request)  # type: ignore[arg-type]
        self.message_user(
            request,
            ngettext(
                "Two-step sign-in reset for %(count)d person.",
                "Two-step sign-in reset for %(count)d people.",
                len(people),
            )
            % {"count": len(people)},
            messages.SUCCESS,
        )


# allauth's own admin would show an authenticator's data: the app secret and the recovery
# codes' seed. Operators see only what kind of second step someone has and when it was
# used; removing them is the audited reset above.
admin.site.unregister(Authenticator)


@admin.register(Authenticator)
class AuthenticatorAdmin(admin.ModelAdmin):
    list_display = ["user", "type", "created_at", "last_used_at"]
    list_filter = ["type"]
    list_select_related = ["user"]
    search_fields = ["user__email", "user__full_name"]
    fields = ["user", "type", "created_at", "last_used_at"]
    readonly_fields = ["user", "type", "created_at", "last_used_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
