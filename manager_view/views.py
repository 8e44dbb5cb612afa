"""The minimal manager view: when a manager's direct reports are in mentoring, nothing else.

The schedule comes only through ``meetings.schedule`` (frozen dataclasses of times and a
status); the reporting line through ``people.selectors``. Roles apply on every request:
the access policy lets only people with direct reports in, and a manager whose last
report moved away meanwhile gets the same 404.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from manager_view.forms import WindowForm
from manager_view.privacy_table import COLUMNS, ROWS
from meetings.schedule import (
    MeetingSlot,
    meeting_slots_for_manager,
    team_feed_ics,
    team_feed_reset,
    team_feed_token,
)
from mentoring.access_policy import AUDIENCE_LABELS, POLICIES, Audience, Policy
from people.models import User
from people.selectors import direct_reports

WINDOW_DAYS = 14
CALENDAR_TYPE = "text/calendar; charset=utf-8"


def _person(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]  # the policy row requires a manager


@dataclass(frozen=True)
class Day:
    date: dt.date
    slots: list[MeetingSlot]
    today: bool


@dataclass(frozen=True)
class ReportRow:
    report: User
    slots: list[MeetingSlot]


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _window_start(request: HttpRequest) -> dt.date:
    form = WindowForm(request.GET)
    if form.is_valid():
        chosen: dt.date | None = form.cleaned_data["start"]
        if chosen is not None:
            return chosen
    else:
        messages.warning(request, " ".join(str(error) for error in form.errors["start"]))
    return _monday(timezone.localdate())


def _bounds(first: dt.date, days: int) -> tuple[dt.datetime, dt.datetime]:
    """The window from midnight of its first day to midnight after its last, in the
    viewer's time zone (activated by the middleware)."""
    zone = timezone.get_current_timezone()
    start = dt.datetime.combine(first, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(first + dt.timedelta(days=days), dt.time.min, tzinfo=zone)
    return start, end


@never_cache
@require_GET
def team(request: HttpRequest) -> HttpResponse:
    manager = _person(request)
    reports = list(direct_reports(manager=manager).order_by("full_name", "email", "pk"))
    if not reports:  # a former manager: the same 404 as for anyone else
        raise Http404
    first = _window_start(request)
    start, end = _bounds(first, WINDOW_DAYS)
    slots = meeting_slots_for_manager(manager_id=manager.pk, start=start, end=end)

    by_day: dict[dt.date, list[MeetingSlot]] = defaultdict(list)
    by_report: dict[int, list[MeetingSlot]] = defaultdict(list)
    for slot in slots:
        by_day[timezone.localtime(slot.start).date()].append(slot)
        by_report[slot.report_id].append(slot)
    today = timezone.localdate()
    days = [
        Day(day, by_day.get(day, []), day == today)
        for day in (first + dt.timedelta(days=n) for n in range(WINDOW_DAYS))
    ]
    weeks = [days[n : n + 7] for n in range(0, WINDOW_DAYS, 7)]
    rows = [ReportRow(report, by_report.get(report.pk, [])) for report in reports]
    step = dt.timedelta(days=WINDOW_DAYS)
    return render(
        request,
        "manager_view/team.html",
        {
            "weeks": weeks,
            "rows": rows,
            "first": first,
            "last": first + dt.timedelta(days=WINDOW_DAYS - 1),
            "previous_start": (first - step).isoformat(),
            "next_start": (first + step).isoformat(),
            "this_start": _monday(today).isoformat(),
            "is_current": first == _monday(today),
        },
    )


def _feed_url(token: str) -> str:
    return settings.BASE_URL + reverse("manager_view:feed", kwargs={"token": token})


@never_cache
@require_GET
def feed_settings(request: HttpRequest) -> HttpResponse:
    token = team_feed_token(manager_id=_person(request).pk)
    return render(request, "manager_view/feed_settings.html", {"url": _feed_url(token)})


@require_POST
def feed_reset(request: HttpRequest) -> HttpResponse:
    team_feed_reset(manager_id=_person(request).pk)
    messages.success(
        request,
        _("Your team feed has a new address. The old one no longer works: "
          "add the new one to your calendar app."),
    )  # fmt: skip
    return redirect("manager_view:feed_settings")


@require_GET
def feed(request: HttpRequest, token: str) -> HttpResponse:
    body = team_feed_ics(token=token)
    if body is None:
        raise Http404
    response = HttpResponse(body, content_type=CALENDAR_TYPE)
    response["Content-Disposition"] = 'inline; filename="team-mentoring.ics"'
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    return response


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
    return render(
        request,
        "manager_view/who_sees_what.html",
        {"columns": COLUMNS, "rows": ROWS, "groups": policy_groups()},
    )
