from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from mentoring.health import check_broker, check_database, check_reminders, check_worker
from mentoring.home import HomeData, home_data
from people.models import User
from people.page_cache import cached_page
from people.roles import request_roles


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """My mentoring home: my programs with their next step, and what my manager suggested.

    Drawn from plain values (mentoring.home) read on every request, and kept rendered
    under those values: a change to anything it shows makes a new key."""
    person: User = request.user  # type: ignore[assignment]  # the route is for people signed in
    data = home_data(person=person)
    return cached_page(
        request, lambda extra: _home_page(request, person, data, extra), key=(data, person.title)
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
    }
    healthy = all(check.ok for check in checks.values())
    body = {
        "status": "ok" if healthy else "degraded",
        "checks": {name: {"ok": c.ok, "detail": c.detail} for name, c in checks.items()},
    }
    return JsonResponse(body, status=200 if healthy else 503)
