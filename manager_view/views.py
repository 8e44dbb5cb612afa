"""The minimal manager view: when a manager's direct reports are in mentoring, nothing else.

The schedule comes only through ``meetings.schedule`` (frozen dataclasses of times and a
status); the reporting line through ``people.roles``, read afresh on every request: the
access policy lets only people with direct reports in, and a manager whose last report
moved away meanwhile gets the same 404.

The team page shows the two-week window either as a week grid or as a list by person,
never both: each meeting is formatted once, in Python, and the template only prints
strings. The list is paged by person so that a page renders at most
``LIST_ROW_BUDGET`` meeting rows. The whole page is kept rendered
(``lib.page_cache``) until one of the reports' schedules changes.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from lib.links import absolute_url
from lib.page_cache import cached_page
from manager_view.forms import LIST, WEEK, WindowForm
from meetings.schedule import (
    MeetingSlot,
    meeting_slots_for_manager,
    team_feed_ics,
    team_feed_reset,
    team_feed_token,
)
from people.access import signed_in_person
from people.roles import DirectReport, request_roles

WINDOW_DAYS = 14
LIST_ROW_BUDGET = 200  # meeting rows on one page of the list by person, at most
LIST_PEOPLE_PER_PAGE = 20
CALENDAR_TYPE = "text/calendar; charset=utf-8"

Reports = Sequence[DirectReport]


# ---------------------------------------------------------------- my team's mentoring time


@dataclass(frozen=True)
class SlotLine:
    """One meeting, formatted once in the viewer's language and time zone."""

    report_name: str
    day: dt.date
    date_label: str  # "Mon, 2 March"
    times: str  # "09:30-10:15" with an en dash
    start_iso: str  # for <time datetime>
    cancelled: bool
    status_label: str


@dataclass(frozen=True)
class Day:
    label: str
    today: bool
    slots: list[SlotLine]


@dataclass(frozen=True)
class Week:
    label: str
    days: list[Day]


@dataclass(frozen=True)
class ReportCard:
    """A direct report in the list by person, with their meetings in the window."""

    person_id: int
    name: str
    nominate_url: str
    suggest_url: str
    slots: list[SlotLine]
    not_shown: int  # meetings beyond the row budget of a page


@dataclass(frozen=True)
class ListPage:
    cards: list[ReportCard]
    number: int
    count: int
    first_person: int
    last_person: int
    people: int
    previous_url: str | None
    next_url: str | None


@dataclass(frozen=True)
class Choices:
    """What the address asks for, each bad value replaced by its default."""

    first: dt.date
    start: dt.date | None  # as given; links keep it
    view: str
    page: int


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _choices(request: HttpRequest) -> Choices:
    form = WindowForm(request.GET)
    form.is_valid()
    for errors in form.errors.values():
        messages.warning(request, " ".join(str(error) for error in errors))
    start: dt.date | None = form.cleaned_data.get("start")
    return Choices(
        first=start or _monday(timezone.localdate()),
        start=start,
        view=form.cleaned_data.get("view") or WEEK,
        page=form.cleaned_data.get("page") or 1,
    )


def _bounds(first: dt.date, days: int) -> tuple[dt.datetime, dt.datetime]:
    """The window from midnight of its first day to midnight after its last, in the
    viewer's time zone (activated by the middleware)."""
    zone = timezone.get_current_timezone()
    start = dt.datetime.combine(first, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(first + dt.timedelta(days=days), dt.time.min, tzinfo=zone)
    return start, end


def _team_query(*, start: dt.date | None, view: str, page: int = 1) -> str:
    query: dict[str, str | int] = {"start": start.isoformat()} if start else {}
    query["view"] = view
    if page > 1:
        query["page"] = page
    return "?" + urlencode(query)


def _slot_lines(slots: list[MeetingSlot]) -> list[SlotLine]:
    """Format each slot once, here rather than in per-slot template filters. Day labels
    are memoised: a team's meetings share few days."""
    zone = timezone.get_current_timezone()
    cancelled, scheduled = _("Cancelled"), _("Scheduled")
    day_labels: dict[dt.date, str] = {}

    lines = []
    for slot in slots:
        start = slot.start.astimezone(zone)
        day = start.date()
        label = day_labels.get(day)
        if label is None:
            label = day_labels[day] = _day_label(day)
        lines.append(
            SlotLine(
                report_name=slot.report_name,
                day=day,
                date_label=label,
                times=f"{time_format(start)}\u2013{time_format(slot.end.astimezone(zone))}",
                start_iso=start.isoformat(timespec="minutes"),
                cancelled=slot.cancelled,
                status_label=cancelled if slot.cancelled else scheduled,
            )
        )
    return lines


def _weeks(first: dt.date, slots: list[MeetingSlot]) -> list[Week]:
    by_day: dict[dt.date, list[SlotLine]] = defaultdict(list)
    for line in _slot_lines(slots):
        by_day[line.day].append(line)
    today = timezone.localdate()
    days = [first + dt.timedelta(days=n) for n in range(WINDOW_DAYS)]
    grid = [Day(_day_label(day), day == today, by_day.get(day, [])) for day in days]
    return [
        Week(date_format(days[n], "MONTH_DAY_FORMAT"), grid[n : n + 7])
        for n in range(0, WINDOW_DAYS, 7)
    ]


def _day_label(day: dt.date) -> str:
    """ "Mon, 2 March" / "Mo, 2. März": the weekday, then the language's day and month."""
    return f"{date_format(day, 'D')}, {date_format(day, 'MONTH_DAY_FORMAT')}"


def _pages_by_person(reports: Reports, counts: dict[int, int]) -> list[list[DirectReport]]:
    """Reports in order, cut into pages of at most ``LIST_PEOPLE_PER_PAGE`` people and
    ``LIST_ROW_BUDGET`` rows (a report without meetings takes one row for saying so)."""
    pages: list[list[DirectReport]] = [[]]
    rows = 0
    for report in reports:
        need = min(max(counts.get(report.pk, 0), 1), LIST_ROW_BUDGET)
        if pages[-1] and (len(pages[-1]) == LIST_PEOPLE_PER_PAGE or rows + need > LIST_ROW_BUDGET):
            pages.append([])
            rows = 0
        pages[-1].append(report)
        rows += need
    return pages


def _list_page(choices: Choices, reports: Reports, slots: list[MeetingSlot]) -> ListPage:
    by_report: dict[int, list[MeetingSlot]] = defaultdict(list)
    for slot in slots:
        by_report[slot.report_id].append(slot)
    pages = _pages_by_person(reports, {pk: len(s) for pk, s in by_report.items()})
    number = min(choices.page, len(pages))
    cards = []
    for report in pages[number - 1]:
        mine = by_report.get(report.pk, [])
        cards.append(
            ReportCard(
                person_id=report.pk,
                name=report.name,
                nominate_url=reverse("programs:nominate", args=[report.pk]),
                suggest_url=reverse("programs:suggest_focus", args=[report.pk]),
                slots=_slot_lines(mine[:LIST_ROW_BUDGET]),
                not_shown=max(len(mine) - LIST_ROW_BUDGET, 0),
            )
        )
    before = sum(len(page) for page in pages[: number - 1])
    team = reverse("manager_view:team")

    def page_url(n: int) -> str:
        return team + _team_query(start=choices.start, view=LIST, page=n)

    return ListPage(
        cards=cards,
        number=number,
        count=len(pages),
        first_person=before + 1,
        last_person=before + len(cards),
        people=len(reports),
        previous_url=page_url(number - 1) if number > 1 else None,
        next_url=page_url(number + 1) if number < len(pages) else None,
    )


def _schedule_context(
    request: HttpRequest, choices: Choices, reports: Reports, slots: list[MeetingSlot]
) -> dict[str, object]:
    """What manager_view/_schedule.html needs for the week grid or the list page."""
    if choices.view == LIST:
        page = _list_page(choices, reports, slots)
        if page.number < choices.page:
            messages.warning(
                request,
                _("There is no page %(number)s; showing the last page.") % {"number": choices.page},
            )
        return {"list_page": page}
    busy = {slot.report_id for slot in slots}
    return {
        "weeks": _weeks(choices.first, slots),
        "free_names": [r.name for r in reports if r.pk not in busy],
    }


def _team_page(request: HttpRequest, reports: Reports, extra: dict[str, object]) -> HttpResponse:
    choices = _choices(request)
    first = choices.first
    start, end = _bounds(first, WINDOW_DAYS)
    slots = meeting_slots_for_manager(manager_id=signed_in_person(request).pk, start=start, end=end)
    this_monday = _monday(timezone.localdate())
    step = dt.timedelta(days=WINDOW_DAYS)
    team_url = reverse("manager_view:team")
    context: dict[str, object] = {
        "view": choices.view,
        "week_url": team_url + _team_query(start=choices.start, view=WEEK),
        "list_url": team_url + _team_query(start=choices.start, view=LIST),
        "first_label": _day_label(first),
        "last_label": date_format(first + step - dt.timedelta(days=1), "DATE_FORMAT"),
        "previous_query": _team_query(start=first - step, view=choices.view),
        "next_query": _team_query(start=first + step, view=choices.view),
        "this_query": _team_query(start=this_monday, view=choices.view),
        "is_current": first == this_monday,
        **_schedule_context(request, choices, reports, slots),
        **extra,
    }
    return render(request, "manager_view/team.html", context)


@never_cache
@require_GET
def team(request: HttpRequest) -> HttpResponse:
    """Served from the page cache while nothing it shows changed: the key holds the
    reports with their schedule revisions (read with the roles, one query), so a page
    nothing changed on costs no more than the access check."""
    reports = request_roles(request).reports
    if not reports:  # a former manager: the same 404 as for anyone else
        raise Http404
    return cached_page(
        request, lambda extra: _team_page(request, reports, extra), roles=request_roles(request)
    )


def _feed_url(token: str) -> str:
    return absolute_url("manager_view:feed", token=token)


@never_cache
@require_GET
def feed_settings(request: HttpRequest) -> HttpResponse:
    token = team_feed_token(manager_id=signed_in_person(request).pk)
    return render(request, "manager_view/feed_settings.html", {"url": _feed_url(token)})


@require_POST
def feed_reset(request: HttpRequest) -> HttpResponse:
    team_feed_reset(manager_id=signed_in_person(request).pk)
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
