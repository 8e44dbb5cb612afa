"""Who is what. Roles are derived, never flags: HR admin is a permission held
through a group, and a manager is whoever has active direct reports."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from people.models import HR_ADMIN_PERMISSION, User


def is_hr_admin(user: User | AnonymousUser) -> bool:
    return bool(user.is_authenticated and user.is_active and user.has_perm(HR_ADMIN_PERMISSION))


def is_manager(user: User | AnonymousUser) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    return User.objects.filter(manager_id=user.pk, is_active=True).exists()
