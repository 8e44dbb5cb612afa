from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from people.roles import is_hr_admin, is_manager


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url: str
    active: bool


def navigation(request: HttpRequest) -> dict[str, object]:
    """The main navigation: only what the signed-in person can use."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    match = request.resolver_match
    current = match.view_name if match else ""
    entries: list[tuple[Promise, str, bool]] = [(_("My mentoring"), "home", True)]
    entries.append((_("People"), "people:import", is_hr_admin(user)))
    entries.append((_("My team"), "people:team", is_manager(user)))
    items = [
        NavItem(label, reverse(route), current == route) for label, route, shown in entries if shown
    ]
    return {"nav_items": items}
