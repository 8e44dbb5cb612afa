from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from mentoring.access_policy import is_auditor
from people.roles import request_roles


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url: str
    active: bool


def navigation(request: HttpRequest) -> dict[str, object]:
    """The main navigation: only what the signed-in person can use."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "unread_notifications": 0}
    match = request.resolver_match
    current = match.view_name if match else ""
    roles = request_roles(request)
    hr_admin = roles.hr_admin
    entries: list[tuple[Promise, str, bool]] = [
        (_("My mentoring"), "home", True),
        # Mentees ask and mentors answer there, in programs where mentees choose.
        (_("Requests"), "matching:requests", roles.in_choice_program),
        (_("Check-ins"), "checkins:mine", True),
        (_("Programs"), "programs:list", True),
        (_("Manage programs"), "programs:hr_list", hr_admin),
        (_("People"), "people:directory", hr_admin),
        (_("My team"), "manager_view:team", roles.manager),
        # Staff only are asked about the permission (a query), everyone else never.
        (_("Audit log"), "audit_log", bool(user.is_staff) and is_auditor(user)),
    ]
    # Routes that light up an item besides its own.
    sections = {
        "home": ("matching:pairs", "matching:pair_end"),
        "checkins:mine": ("checkins:pulse", "checkins:survey"),
        "programs:list": ("programs:detail", "programs:enrol", "matching:shortlist"),
        "programs:hr_list": (
            "programs:hr_",
            "programs:skill",
            "programs:participant",
            "hr_view:participants",
            "hr_view:survey_results",
            "checkins:hr_surveys",
            "programs:invite",
            "matching:run",
            "matching:proposal",
            "matching:program_start",
        ),
        "people:directory": (
            "hr_view:person",
            "hr_view:deactivate",
            "people:reactivate",
            "people:import",
        ),
        "manager_view:team": (
            "manager_view:feed",
            "people:team",
            "programs:nominate",
            "programs:suggest_focus",
        ),
        "audit_log": ("audit_log_export",),
    }
    items = [
        NavItem(
            label, reverse(route), current == route or current.startswith(sections.get(route, ()))
        )
        for label, route, shown in entries
        if shown
    ]
    # The badge's count came with the roles (one query for both): it is in every cached
    # page's key, so a page never shows another person's count or a stale one.
    return {"nav_items": items, "unread_notifications": roles.unread_notifications}


def sign_in(request: HttpRequest) -> dict[str, object]:
    """Whether passwords are for operators only (SSO-only mode): the sign-in page folds its
    password form away then."""
    return {"SSO_ONLY": settings.MENTORING_SSO_ONLY}
