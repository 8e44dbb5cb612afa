"""Reads about people and the reporting line."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import Permission
from django.db.models import Count, Q, QuerySet

from people.models import HR_ADMIN_PERMISSION, STAND_IN_DOMAIN, Department, User


def direct_reports(*, manager: User) -> QuerySet[User]:
    return User.objects.filter(manager=manager, is_active=True).select_related("department")


def manager_map() -> dict[int, int | None]:
    """Every person's manager id, in one query: the whole reporting tree."""
    return dict(User.objects.values_list("id", "manager_id"))


def chain_up(person_id: int, managers: dict[int, int | None]) -> list[int]:
    """Ids of the person's manager, skip-level and so on up to the top."""
    chain: list[int] = []
    current = managers.get(person_id)
    while current is not None and current not in chain and current != person_id:
        chain.append(current)
        current = managers.get(current)
    return chain


def chain_down(person_id: int, managers: dict[int, int | None]) -> set[int]:
    """Ids of everyone who reports to the person, directly or indirectly."""
    reports_of: dict[int, list[int]] = {}
    for person, manager in managers.items():
        if manager is not None:
            reports_of.setdefault(manager, []).append(person)
    below: set[int] = set()
    frontier: Iterable[int] = reports_of.get(person_id, [])
    while frontier:
        fresh = [p for p in frontier if p not in below and p != person_id]
        below.update(fresh)
        frontier = [r for p in fresh for r in reports_of.get(p, [])]
    return below


def reporting_line(*, person: User) -> set[int]:
    """Everyone above and below the person in the reporting tree (matching excludes them)."""
    managers = manager_map()
    return set(chain_up(person.pk, managers)) | chain_down(person.pk, managers)


def people_directory(*, search: str = "") -> QuerySet[User]:
    """Everyone, people who left included, for HR's directory; ``search`` is found anywhere
    in the name, the e-mail address or the department's name, whatever the case. Erased
    people's stand-ins are nobody to look up."""
    people = (
        User.objects.select_related("department", "manager")
        .exclude(email__endswith=f"@{STAND_IN_DOMAIN}")
        .order_by("full_name", "email", "pk")
    )
    if search:
        people = people.filter(
            Q(full_name__icontains=search)
            | Q(email__icontains=search)
            | Q(department__name__icontains=search)
        )
    return people


def reports_of(*, person: User) -> QuerySet[User]:
    """The person's direct reports as HR's records have them, people who left included."""
    return User.objects.filter(manager=person).order_by("-is_active", "full_name", "email")


def departments_with_headcount() -> QuerySet[Department]:
    """Every department with how many active people it has (``headcount``), in one query."""
    return Department.objects.annotate(
        headcount=Count("members", filter=Q(members__is_active=True))
    ).order_by("name")


def hr_admins() -> list[User]:
    """Active HR admins with an e-mail address (the permission held through a group or
    directly), for e-mails meant for HR."""
    app_label, codename = HR_ADMIN_PERMISSION.split(".")
    permission = Permission.objects.filter(
        content_type__app_label=app_label, codename=codename
    ).first()
    if permission is None:
        return []
    return list(
        User.objects.filter(is_active=True)
        .filter(Q(groups__permissions=permission) | Q(user_permissions=permission))
        .exclude(email="")
        .distinct()
    )
