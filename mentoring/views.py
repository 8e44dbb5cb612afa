from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from matching.models import MentorshipRequest, Pair
from matching.selectors import pairs_of, requests_received
from mentoring.health import check_broker, check_database, check_reminders, check_worker
from people.models import User
from people.roles import request_roles
from programs.models import Enrolment
from programs.selectors import (
    enrolments_of,
    focus_suggestions_for,
    nominations_for_report,
    programs_open_to,
)

HOME_OPEN_PROGRAMS = 3


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """My mentoring home: my programs with their next step, and what my manager suggested."""
    person: User = request.user  # type: ignore[assignment]  # the route is for people signed in
    roles = request_roles(request)
    reports_count = len(roles.reports)
    enrolments = list(enrolments_of(person=person).exclude(status=Enrolment.Status.WITHDRAWN))
    live_program_ids = Enrolment.objects.filter(
        person=person, status__in=[Enrolment.Status.PENDING, Enrolment.Status.ACCEPTED]
    ).values("program_id")
    open_to_join = programs_open_to(person=person).exclude(pk__in=live_program_ids)
    return render(
        request,
        "home.html",
        {
            "person": person,
            "is_hr_admin": roles.hr_admin,
            "is_manager": reports_count > 0,
            "direct_reports_count": reports_count,
            "enrolments": enrolments,
            "nominations": list(nominations_for_report(report=person)),
            "focus_suggestions": list(focus_suggestions_for(report=person)),
            "pairs": list(pairs_of(person=person).filter(status=Pair.Status.ACTIVE)),
            "requests_waiting": requests_received(person=person)
            .filter(status=MentorshipRequest.Status.OPEN)
            .count(),
            "open_programs": list(
                open_to_join.order_by("enrolment_closes", "name")[:HOME_OPEN_PROGRAMS]
            ),
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
