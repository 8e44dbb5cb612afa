"""A pair's meetings: the schedule page, planning, logging, answering, moving, cancelling.

Only the two people of the pair reach any of these pages (meetings/access.py); everyone
else gets the 404 of a missing id. Times are entered and shown in the viewer's own zone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from lib.page_cache import cached_page
from matching.membership import counterpart, enrolment_of, is_mentee
from matching.models import Pair
from meetings import selectors, services
from meetings.access import access_meeting_for_member, access_pair_for_member
from meetings.forms import DURATIONS, CancelForm, LogForm, RescheduleForm, RespondForm, ScheduleForm
from meetings.models import Attendance, Meeting
from meetings.slots import Availability, shared_slots
from meetings.timezones import Ambiguous, local, local_span, shown, to_utc, zone_name
from people.access import signed_in_person
from people.models import User
from people.paging import window
from people.roles import request_roles
from programs.models import Program

T = TypeVar("T")

UPCOMING_PER_PAGE = 20  # meetings ahead shown at a time, soonest first
PAST_PER_PAGE = 20  # meetings in the history shown at a time, most recent first


def _can_plan(pair: Pair) -> bool:
    return pair.status == Pair.Status.ACTIVE and pair.program.status != Program.Status.CLOSED


@dataclass(frozen=True)
class MeetingRow:
    meeting: Meeting
    start: dt.datetime  # in the viewer's zone (in UTC if it has no date there), see local_span
    end: dt.datetime
    minutes: int
    attendances: list[Attendance]
    mine: Attendance | None
    place_is_link: bool

    @property
    def can_answer(self) -> bool:
        return (
            self.mine is not None
            and not self.meeting.is_cancelled
            and self.meeting.organiser_id != self.mine.person_id
        )


def _rows(meetings: list[Meeting], person: User) -> list[MeetingRow]:
    rows = []
    for meeting in meetings:
        attendances = list(meeting.attendances.all())
        start, end = local_span(meeting.start, meeting.end, person.time_zone)
        rows.append(
            MeetingRow(
                meeting=meeting,
                start=shown(start),
                end=shown(end),
                minutes=int((meeting.end - meeting.start).total_seconds() // 60),
                attendances=attendances,
                mine=next((a for a in attendances if a.person_id == person.pk), None),
                place_is_link=meeting.place.startswith("https://"),
            )
        )
    return rows


@require_http_methods(["GET", "HEAD"])
def pair_page(request: HttpRequest, pair_id: int) -> HttpResponse:
    """The pair's meetings: the next ones and the most recent first, each list a page at
    a time. Kept rendered (lib.page_cache) until a meeting of the pair changes (every
    change raises both people's schedule revision), the pair or its program does, an
    invitation is answered (these, read in one statement on every request, are the key),
    or the next upcoming meeting ends and so moves to the history. The access check and
    the reads into models run only when the page is drawn."""
    person = signed_in_person(request)

    def key() -> tuple[object, ...]:
        values = selectors.pair_page_key(pair_id=pair_id, viewer=person)
        if values is None:  # not one of the pair: the access check's own 404
            access_pair_for_member(person, pair_id)
        return ("meetings:pair", values)

    now = timezone.now()
    return cached_page(
        request,
        lambda extra: _pair_page(
            request, access_pair_for_member(person, pair_id), person, now, extra
        ),
        key=key(),
        expires=lambda: selectors.pair_schedule_turns_at(pair_id, now=now),
        reread_key=key,
        roles=request_roles(request),
    )


def _pair_page(
    request: HttpRequest, pair: Pair, person: User, now: dt.datetime, extra: dict[str, object]
) -> HttpResponse:
    keep = ("upcoming", "page")
    upcoming = window(
        request, selectors.pair_meetings_upcoming(pair, now=now),
        per_page=UPCOMING_PER_PAGE, param="upcoming", keep=keep,
    )  # fmt: skip
    past = window(
        request, selectors.pair_meetings_past(pair, now=now),
        per_page=PAST_PER_PAGE, param="page", keep=keep,
    )  # fmt: skip
    return render(
        request,
        "meetings/schedule/pair.html",
        {
            "pair": pair,
            "counterpart": counterpart(pair, person),
            "i_am_mentee": is_mentee(pair, person),
            "upcoming": _rows(list(upcoming.rows), person),
            "upcoming_window": upcoming,
            "past": _rows(list(past.rows), person),
            "past_window": past,
            "can_plan": _can_plan(pair),
            "time_zone": person.time_zone,
            **extra,
        },
    )


def _zone_label(moment: dt.datetime, time_zone: str) -> str:
    shown_at = local(moment, time_zone)
    return f"{time_format(shown_at.time())} {shown_at.tzname()}"


def _ask_which(form: ScheduleForm | LogForm | RescheduleForm, asked: Ambiguous) -> None:
    form.ask_fold(
        _("%(time)s (first)") % {"time": _zone_label(asked.earlier, form.time_zone)},
        _("%(time)s (second)") % {"time": _zone_label(asked.later, form.time_zone)},
    )


def _when_text(meeting: Meeting, time_zone: str) -> str:
    start = local(meeting.start, time_zone)
    time = time_format(start.time())
    if zone_name(start, time_zone) != time_zone:
        time = f"{time} UTC"
    return _("%(date)s at %(time)s") % {
        "date": date_format(start.date(), "DATE_FORMAT"),
        "time": time,
    }


def _attempt(
    request: HttpRequest,
    form: ScheduleForm | LogForm | RescheduleForm,
    act: Callable[[], T],
    done: Callable[[T], str],
    pair_id: int,
) -> HttpResponse | int:
    """The one shape of the schedule's forms. On a valid POST, ``act`` calls the service:
    on success the person is told ``done(result)`` and sent back to the pair's page (the
    response is returned). Otherwise the status to draw the form again with: 200 for a
    GET, or when only the choice between two identical autumn times is missing (the form
    now asks it); 400 when the form or the service refused, the reason on the form."""
    if request.method != "POST":
        return 200
    if form.is_valid():
        try:
            result = act()
        except Ambiguous as asked:
            _ask_which(form, asked)
            return 200
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, done(result))
            return redirect("meetings:pair", pair_id=pair_id)
    return 400


def _planned_text(planned: list[Meeting], person: User, other: User) -> str:
    if len(planned) == 1:
        return _("Meeting planned for %(when)s. We have invited %(name)s.") % {
            "when": _when_text(planned[0], person.time_zone),
            "name": other.full_name,
        }
    return _("%(count)d meetings planned, the first on %(when)s. We have invited %(name)s.") % {
        "count": len(planned),
        "when": _when_text(planned[0], person.time_zone),
        "name": other.full_name,
    }


def _moved_text(moved: list[Meeting], person: User, other: User) -> str:
    if len(moved) == 1:
        return _("Meeting moved to %(when)s. We have let %(name)s know.") % {
            "when": _when_text(moved[0], person.time_zone),
            "name": other.full_name,
        }
    return _("%(count)d meetings moved, the first to %(when)s.") % {
        "count": len(moved),
        "when": _when_text(moved[0], person.time_zone),
    }


@dataclass(frozen=True)
class TwoClocks:
    """One moment on the viewer's clock and on the counterpart's (both already shown)."""

    mine: dt.datetime
    theirs: dt.datetime

    @property
    def day(self) -> str:  # for the link that fills in the form
        return self.mine.date().isoformat()

    @property
    def time(self) -> str:
        return self.mine.strftime("%H:%M")  # the form's own input format, not display


def _two_clocks(moment: dt.datetime, person: User, other: User) -> TwoClocks:
    return TwoClocks(
        mine=shown(local(moment, person.time_zone)),
        theirs=shown(local(moment, other.time_zone)),
    )


def _chosen_moment(day: object, time: object, time_zone: str) -> dt.datetime | None:
    """The UTC moment of a chosen date and time, or None while there is none yet (or it
    does not exist, or happens twice: the form says so itself)."""
    if not isinstance(day, dt.date) or not isinstance(time, dt.time):
        return None
    try:
        return to_utc(day, time, time_zone)
    except (ValidationError, Ambiguous):
        return None


def _suggested(request: HttpRequest) -> dict[str, object]:
    """The date and time of a suggestion link (``?day=2026-12-09&time=09:00``), if any."""
    try:
        return {
            "day": dt.date.fromisoformat(request.GET["day"]),
            "time": dt.time.fromisoformat(request.GET["time"]),
        }
    except (KeyError, ValueError):
        return {}


def _shared_slots(pair: Pair, person: User, other: User, now: dt.datetime) -> list[TwoClocks]:
    """The next times in both people's stated availability, on both clocks."""
    people = [enrolment_of(pair, p) for p in (person, other)]
    starts = shared_slots(
        [Availability(slots=e.availability, time_zone=e.time_zone) for e in people],
        after=now + dt.timedelta(hours=1),
    )
    return [_two_clocks(start, person, other) for start in starts]


@require_http_methods(["GET", "HEAD", "POST"])
def schedule(request: HttpRequest, pair_id: int) -> HttpResponse:
    """Plan a meeting. The page shows the chosen time on the counterpart's clock too, and
    suggests times in both people's stated availability: each suggestion is a link that
    fills in the form; "Show their time" sends the form without planning anything."""
    person = signed_in_person(request)
    pair = access_pair_for_member(person, pair_id)
    form = ScheduleForm(
        request.POST or None, time_zone=person.time_zone, initial=_suggested(request)
    )
    other = counterpart(pair, person)

    def plan() -> list[Meeting]:
        data = form.cleaned_data
        return services.meeting_schedule(
            pair=pair,
            organiser=person,
            when=form.when(),
            place=data["place"],
            every_weeks=data["every_weeks"],
            count=data["count"],
            until=data["until"],
        )

    if request.method == "POST" and "preview" in request.POST:
        status: HttpResponse | int = 200 if form.is_valid() else 400
    else:
        status = _attempt(
            request, form, plan, lambda planned: _planned_text(planned, person, other), pair.pk
        )
    if isinstance(status, HttpResponse):
        return status
    values = form.cleaned_data if form.is_bound else form.initial
    chosen = _chosen_moment(values.get("day"), values.get("time"), person.time_zone)
    return render(
        request,
        "meetings/schedule/schedule.html",
        {
            "pair": pair,
            "counterpart": other,
            "form": form,
            "can_plan": _can_plan(pair),
            "chosen": _two_clocks(chosen, person, other) if chosen else None,
            "suggestions": _shared_slots(pair, person, other, timezone.now()),
        },
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def log(request: HttpRequest, pair_id: int) -> HttpResponse:
    person = signed_in_person(request)
    pair = access_pair_for_member(person, pair_id)
    form = LogForm(
        request.POST or None,
        time_zone=person.time_zone,
        began=local(pair.started_at, person.time_zone).date(),
    )
    status = _attempt(
        request,
        form,
        lambda: services.meeting_log(pair=pair, by=person, when=form.when()),
        lambda logged: (
            _("Logged your meeting of %(when)s.") % {"when": _when_text(logged, person.time_zone)}
        ),
        pair.pk,
    )
    if isinstance(status, HttpResponse):
        return status
    return render(
        request,
        "meetings/schedule/log.html",
        {"pair": pair, "counterpart": counterpart(pair, person), "form": form},
        status=status,
    )


@require_POST
def respond(request: HttpRequest, meeting_id: int) -> HttpResponse:
    person = signed_in_person(request)
    meeting = access_meeting_for_member(person, meeting_id)
    form = RespondForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to accept or decline the meeting."))
        return redirect("meetings:pair", pair_id=meeting.pair_id)
    accept = form.cleaned_data["accept"] == "yes"
    try:
        services.meeting_respond(meeting=meeting, person=person, accept=accept)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        when = _when_text(meeting, person.time_zone)
        messages.success(
            request,
            (_("You accepted the meeting of %(when)s.") if accept else
             _("You declined the meeting of %(when)s.")) % {"when": when},
        )  # fmt: skip
    return redirect("meetings:pair", pair_id=meeting.pair_id)


def _initial(meeting: Meeting, time_zone: str) -> dict[str, object]:
    start = local(meeting.start, time_zone)
    minutes = int((meeting.end - meeting.start).total_seconds() // 60)
    return {
        "day": start.date(),
        "time": start.time().replace(tzinfo=None, fold=0),
        "duration": minutes if minutes in dict(DURATIONS) else 60,
        "place": meeting.place,
    }


def _gone(request: HttpRequest, meeting: Meeting) -> HttpResponse | None:
    """A cancelled or logged meeting cannot be moved or cancelled: back to the pair page."""
    if meeting.is_cancelled:
        messages.error(request, _("This meeting was cancelled."))
    elif meeting.logged or meeting.end <= timezone.now():
        messages.error(request, _("This meeting is in the past."))
    else:
        return None
    return redirect("meetings:pair", pair_id=meeting.pair_id)


@require_http_methods(["GET", "HEAD", "POST"])
def reschedule(request: HttpRequest, meeting_id: int) -> HttpResponse:
    person = signed_in_person(request)
    meeting = access_meeting_for_member(person, meeting_id)
    if (gone := _gone(request, meeting)) is not None:
        return gone
    form = RescheduleForm(
        request.POST or None,
        initial=_initial(meeting, person.time_zone),
        time_zone=person.time_zone,
        in_series=meeting.series_id is not None,
    )
    other = counterpart(meeting.pair, person)
    status = _attempt(
        request,
        form,
        lambda: services.meeting_reschedule(
            meeting=meeting,
            by=person,
            when=form.when(),
            place=form.cleaned_data["place"],
            following=form.following,
        ),
        lambda moved: _moved_text(moved, person, other),
        meeting.pair_id,
    )
    if isinstance(status, HttpResponse):
        return status
    return render(
        request,
        "meetings/schedule/reschedule.html",
        {
            "pair": meeting.pair,
            "meeting": meeting,
            "when": _when_text(meeting, person.time_zone),
            "counterpart": other,
            "form": form,
        },
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def cancel(request: HttpRequest, meeting_id: int) -> HttpResponse:
    person = signed_in_person(request)
    meeting = access_meeting_for_member(person, meeting_id)
    if (gone := _gone(request, meeting)) is not None:
        return gone
    form = CancelForm(request.POST or None, in_series=meeting.series_id is not None)
    if request.method == "POST" and form.is_valid():
        try:
            cancelled = services.meeting_cancel(
                meeting=meeting, by=person, following=form.following
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("Meeting of %(when)s cancelled. We have let %(name)s know.")
                % {
                    "when": _when_text(meeting, person.time_zone),
                    "name": counterpart(meeting.pair, person).full_name,
                }
                if len(cancelled) == 1
                else _("%(count)d meetings cancelled.") % {"count": len(cancelled)},
            )
        return redirect("meetings:pair", pair_id=meeting.pair_id)
    return render(
        request,
        "meetings/schedule/cancel.html",
        {
            "pair": meeting.pair,
            "meeting": meeting,
            "when": _when_text(meeting, person.time_zone),
            "counterpart": counterpart(meeting.pair, person),
            "form": form,
        },
    )
