from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from mentoring.health import check_broker, check_database, check_worker
from people.roles import is_hr_admin
from people.selectors import direct_reports


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    person = request.user
    hr_admin = is_hr_admin(person)
    reports_count = direct_reports(manager=person).count()  # type: ignore[arg-type]
    return render(
        request,
        "home.html",
        {
            "person": person,
            "is_hr_admin": hr_admin,
            "is_manager": reports_count > 0,
            "direct_reports_count": reports_count,
        },
    )


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {
        "database": check_database(),
        "broker": check_broker(),
        "worker": check_worker(),
    }
    healthy = all(check.ok for check in checks.values())
    body = {
        "status": "ok" if healthy else "degraded",
        "checks": {name: {"ok": c.ok, "detail": c.detail} for name, c in checks.items()},
    }
    return JsonResponse(body, status=200 if healthy else 503)
