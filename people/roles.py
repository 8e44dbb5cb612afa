"""Who is what. Roles are derived, never flags: HR admin is a permission held
through a group (or directly, or as superuser), and a manager is whoever has active
direct reports."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, Permission
from django.db import connection
from django.db.models import Q
from django.http import HttpRequest

from people.mfa import SECOND_STEPS
from people.models import HR_ADMIN_PERMISSION, User

_APP_LABEL, _CODENAME = HR_ADMIN_PERMISSION.split(".")
_SECOND_STEPS = {f"second_step_{i}": str(kind) for i, kind in enumerate(SECOND_STEPS)}

# Both roles in one statement, because every page asks (the access policy, the
# navigation): written out rather than built by the ORM, whose compiling costs more than
# the database's answer, and shaped so the planner has little to do. The derived table
# gives exactly one row when the person has no reports (report columns NULL) and one
# row per active direct report otherwise. Plain SQL that PostgreSQL and SQLite share.
# The unread count of the person's notifications (the ``notifications`` app, above this
# one, owns the table; only its name is known here) rides along, for the header's badge:
# since the roles are part of every cached page's key (``lib.page_cache``), a page is
# never served with another count than the viewer's own, and the badge costs no query.
# So does whether the person takes part in a program where mentees choose their mentor
# (``programs``' tables, by name; the values are checked against its models in
# ``tests/people/test_roles.py``): the navigation then leads to the requests page, where
# a mentee asks and a mentor answers.
# And whether the person has a second sign-in step set up (allauth.mfa's authenticators,
# an app's table known here by name like the others): the access policy requires one on
# HR, operator and auditor routes, and asks this statement rather than a query of its own.
_ROLES_SQL = (
    """
SELECT hr.admin, report.id, report.full_name, report.email, report.schedule_revision,
    (
        SELECT COUNT(*) FROM notifications_notification n
        WHERE n.recipient_id = %(person)s AND n.read_at IS NULL
    ) AS unread,
    EXISTS (
        SELECT 1 FROM programs_enrolment e
        JOIN programs_program prog ON prog.id = e.program_id
        WHERE e.person_id = %(person)s AND e.status IN ('pending', 'accepted')
            AND prog.matching_mode = 'choice' AND prog.status <> 'closed'
    ) AS choosing,
    EXISTS (
        SELECT 1 FROM mfa_authenticator a
        WHERE a.user_id = %(person)s AND a.type IN (%(second_steps)s)
    ) AS mfa
FROM (
    SELECT EXISTS (
        SELECT 1 FROM auth_permission p
        JOIN django_content_type ct ON ct.id = p.content_type_id
        WHERE ct.app_label = %(app_label)s AND p.codename = %(codename)s AND (
            p.id IN (
                SELECT permission_id FROM people_user_user_permissions
                WHERE user_id = %(person)s
            )
            OR p.id IN (
                SELECT gp.permission_id FROM auth_group_permissions gp
                JOIN people_user_groups ug ON ug.group_id = gp.group_id
                WHERE ug.user_id = %(person)s
            )
        )
    ) AS admin
) AS hr
LEFT JOIN people_user report ON report.manager_id = %(person)s AND report.is_active
ORDER BY report.full_name, report.email, report.id
"""
).replace("%(second_steps)s", ", ".join(f"%({name})s" for name in _SECOND_STEPS))


@dataclass(frozen=True)
class DirectReport:
    """An active direct report as the manager's pages show them. ``schedule_revision``
    goes up with every change to their meetings (``people.models.User``)."""

    pk: int
    name: str
    schedule_revision: int


@dataclass(frozen=True)
class Roles:
    hr_admin: bool
    reports: tuple[DirectReport, ...]
    unread_notifications: int = 0
    in_choice_program: bool = False  # enrolled where mentees choose: requests to make or answer
    mfa_set_up: bool = False  # signs in with a second step (people.mfa.mfa_set_up)

    @property
    def manager(self) -> bool:
        return bool(self.reports)


NO_ROLES = Roles(hr_admin=False, reports=())


def roles_of(user: User | AnonymousUser) -> Roles:
    """The person's roles as of now, in one query; an inactive or anonymous user has none."""
    if not (user.is_authenticated and user.is_active):
        return NO_ROLES
    with connection.cursor() as cursor:
        cursor.execute(
            _ROLES_SQL,
            {"app_label": _APP_LABEL, "codename": _CODENAME, "person": user.pk, **_SECOND_STEPS},
        )
        rows = cursor.fetchall()
    return Roles(
        hr_admin=user.is_superuser or bool(rows[0][0]),
        reports=tuple(
            DirectReport(pk, full_name or email, revision)
            for _admin, pk, full_name, email, revision, _unread, _choosing, _mfa in rows
            if pk is not None
        ),
        unread_notifications=int(rows[0][5] or 0),
        in_choice_program=bool(rows[0][6]),
        mfa_set_up=bool(rows[0][7]),
    )


def is_hr_admin(user: User | AnonymousUser) -> bool:
    return roles_of(user).hr_admin


def is_manager(user: User | AnonymousUser) -> bool:
    return roles_of(user).manager


def request_roles(request: HttpRequest) -> Roles:
    """The signed-in person's roles, worked out at most once per request: the access
    policy, the navigation and the views ask the same questions. A new request asks
    again, so a role change applies on the next one."""
    known: tuple[object, Roles] | None = getattr(request, "_mentoring_roles", None)
    if known is None or known[0] is not request.user:
        known = (request.user, roles_of(request.user))
        request._mentoring_roles = known  # type: ignore[attr-defined]
    return known[1]


def hr_admins_among(person_ids: Iterable[int]) -> frozenset[int]:
    """Which of these people are HR admins now (superuser, a group or a permission of
    their own): read before and after an edit of roles, to record what changed."""
    app_label, codename = HR_ADMIN_PERMISSION.split(".")
    holds = Q(content_type__app_label=app_label, codename=codename)
    permission = Permission.objects.filter(holds)
    ids = list(person_ids)
    found = User.objects.filter(pk__in=ids).filter(
        Q(is_superuser=True)
        | Q(user_permissions__in=permission)
        | Q(groups__permissions__in=permission)
    )
    return frozenset(found.values_list("pk", flat=True).distinct())
