from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_safe

from lib.home_notices import OwnPair, home_notices
from lib.page_cache import cached_page
from mentoring.health import (
    check_broker,
    check_database,
    check_outbox,
    check_reminders,
    check_worker,
)
from mentoring.home import HomeData, home_data, team_next
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
    roles = request_roles(request)
    data = home_data(person=person, hr_admin=roles.hr_admin)
    team = team_next(manager=person) if roles.manager else ()
    notices = home_notices(pairs=tuple(OwnPair(p.pk, p.counterpart_name) for p in data.pairs))
    return cached_page(
        request,
        lambda extra: _home_page(
            request, person, data, {**extra, "team_next": team, "notices": notices}
        ),
        key=(data, person.title, team, notices),
        roles=roles,
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


@require_GET
def who_sees_what(request: HttpRequest) -> HttpResponse:
    """The product's promise as a table: who sees which data, in plain words. (Every route
    and its audience is operators' documentation: docs/who-sees-what.md.)"""
    return render(request, "mentoring/who_sees_what.html", {"columns": COLUMNS, "rows": ROWS})
