from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_safe

from lib.page_cache import cached_page
from mentoring.access_policy import AUDIENCE_LABELS, POLICIES, Audience, Policy
from mentoring.health import (
    check_broker,
    check_database,
    check_outbox,
    check_reminders,
    check_worker,
)
from mentoring.home import HomeData, home_data
from mentoring.privacy_table import COLUMNS, ROWS
from people.access import signed_in_person
from people.models import User
from people.roles import request_roles


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """My mentoring home: my programs with their next step, and what my manager suggested.

    Drawn from plain values (mentoring.home) read on every request, and kept rendered
    under those values: a change to anything it shows makes a new key."""
    person = signed_in_person(request)
    data = home_data(person=person)
    return cached_page(
        request,
        lambda extra: _home_page(request, person, data, extra),
        key=(data, person.title),
        roles=request_roles(request),
    )


def _home_page(
    request: HttpRequest, person: User, data: HomeData, extra: dict[str, object]
) -> HttpResponse:
    roles = request_roles(request)
    return render(
        request,
        "home.html",
        {
            "person": person,
            "is_hr_admin": roles.hr_admin,
            "is_manager": roles.manager,
            "direct_reports_count": len(roles.reports),
            "home": data,
            **extra,
        },
    )


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {
        "database": check_database(),
        "broker": check_broker(),
        "worker": check_worker(),
        "reminders": check_reminders(),
        "outbox": check_outbox(),
    }
    healthy = all(check.ok for check in checks.values())
    body = {
        "status": "ok" if healthy else "degraded",
        "checks": {name: {"ok": c.ok, "detail": c.detail} for name, c in checks.items()},
    }
    return JsonResponse(body, status=200 if healthy else 503)


@dataclass(frozen=True)
class AudienceGroup:
    audience: Audience
    label: str
    policies: list[Policy]


def policy_groups() -> list[AudienceGroup]:
    """The access policy table grouped by audience, in the order of ``Audience``."""
    grouped: dict[Audience, list[Policy]] = defaultdict(list)
    for policy in POLICIES:
        grouped[policy.audience].append(policy)
    return [
        AudienceGroup(audience, str(AUDIENCE_LABELS[audience]), grouped[audience])
        for audience in Audience
        if grouped[audience]
    ]


@require_GET
def who_sees_what(request: HttpRequest) -> HttpResponse:
    """The product's promise as tables: who sees which data, and who may open which page."""
    return render(
        request,
        "mentoring/who_sees_what.html",
        {"columns": COLUMNS, "rows": ROWS, "groups": policy_groups()},
    )
