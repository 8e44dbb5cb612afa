from typing import Any

import allauth.mfa.admin  # noqa: F401 - registers allauth's admin first, replaced below
import allauth.socialaccount.admin as socialaccount_admin
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from audit.admin import AuditedAdmin
from people.mfa import mfa_reset
from people.models import Department, ScimToken, User
from people.roles import hr_admins_among
from people.scim.services import scim_token_create, scim_token_revoke
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


@admin.register(ScimToken)
class ScimTokenAdmin(AuditedAdmin):
    """The operator creates a token here (its secret is shown once, on the next page) and
    revokes it with the action; the secret itself is never stored."""

    list_display = ["name", "created_at", "revoked_at"]
    readonly_fields = ["created_at", "revoked_at"]
    actions = ["revoke"]

    def get_fields(self, request: HttpRequest, obj: ScimToken | None = None) -> Any:
        return ["name"] if obj is None else ["name", "created_at", "revoked_at"]

    def get_readonly_fields(self, request: HttpRequest, obj: ScimToken | None = None) -> list[str]:
        return ["created_at", "revoked_at"] if obj is None else ["name", "created_at", "revoked_at"]

    def has_delete_permission(self, request: HttpRequest, obj: ScimToken | None = None) -> bool:
        return False  # revoke instead: the audit log names tokens

    def save_model(self, request: HttpRequest, obj: ScimToken, form: Any, change: bool) -> None:
        if change:
            return
        token, secret = scim_token_create(name=obj.name)
        obj.pk, obj.token_hash, obj.created_at = token.pk, token.token_hash, token.created_at
        messages.warning(
            request,
            _(
                "Copy this token for your identity provider now; "
                "it will not be shown again: %(secret)s"
            )
            % {"secret": secret},
        )

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ScimToken]) -> None:
        for token in queryset.filter(revoked_at__isnull=True):
            scim_token_revoke(token=token)
        messages.success(request, _("The selected tokens are revoked."))


# allauth's own admin would show an authenticator's data: the app secret and the recovery
# codes' seed. Operators see only what kind of second step someone has and when it was
# used; removing them is the audited reset above.
admin.site.unregister(Authenticator)


@admin.register(Authenticator)
class AuthenticatorAdmin(AuditedAdmin):
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


# Single sign-on is configured from the environment and stores no tokens, so the admin
# has no use for allauth's app and token pages; the accounts (a person's link to the
# identity provider) stay, and an operator's edit there is recorded like any other.
admin.site.unregister(SocialApp)
admin.site.unregister(SocialToken)
admin.site.unregister(SocialAccount)


@admin.register(SocialAccount)
class SocialAccountAdmin(AuditedAdmin, socialaccount_admin.SocialAccountAdmin):
    pass
