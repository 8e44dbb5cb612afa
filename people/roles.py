"""Who is what. Roles are derived, never flags: HR admin is a permission held
through a group, and a manager is whoever has active direct reports."""

from __future__ import annotations

from functools import cached_property

from django.contrib.auth.models import AnonymousUser, Permission
from django.db.models import Q
from django.http import HttpRequest

from people.models import HR_ADMIN_PERMISSION, User

_APP_LABEL, _CODENAME = HR_ADMIN_PERMISSION.split(".")


def is_hr_admin(user: User | AnonymousUser) -> bool:
    """``user.has_perm(HR_ADMIN_PERMISSION)`` in one query instead of two (the model
    backend loads every permission of the user and of their groups)."""
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    return Permission.objects.filter(
        Q(user=user) | Q(group__user=user),
        content_type__app_label=_APP_LABEL,
        codename=_CODENAME,
    ).exists()


def is_manager(user: User | AnonymousUser) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    return User.objects.filter(manager_id=user.pk, is_active=True).exists()


class RequestRoles:
    """The signed-in person's roles, each worked out at most once per request: the access
    policy, the navigation and the view ask the same questions. A new request asks again,
    so a role change applies on the next one."""

    def __init__(self, user: User | AnonymousUser) -> None:
        self.user = user

    @cached_property
    def hr_admin(self) -> bool:
        return is_hr_admin(self.user)

    @cached_property
    def manager(self) -> bool:
        return is_manager(self.user)


def request_roles(request: HttpRequest) -> RequestRoles:
    roles: RequestRoles | None = getattr(request, "_mentoring_roles", None)
    if roles is None or roles.user is not request.user:
        roles = RequestRoles(request.user)
        request._mentoring_roles = roles  # type: ignore[attr-defined]
    return roles
