"""Every write about the schedule: scheduling, answering, moving, cancelling, logging.

No person is double-booked across all their pairs: PostgreSQL's exclusion constraint
on attendance rows guarantees it, and the same rule is checked inside the write
transaction first, so both databases answer with the same clear message.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext as _

from matching.events import PairEnded
from matching.membership import is_member, members
from matching.models import Pair
from meetings import notices, tasks
from meetings.calendar import one_line
from meetings.models import Attendance, Meeting, Series
from meetings.reminders import reminders_plan
from meetings.timezones import local, to_utc
from notifications.kinds import iso
from notifications.services import notify
from people.models import User
from programs.models import Program

MAX_OCCURRENCES = 52
MAX_DURATION = dt.timedelta(hours=8)
PLAN_AHEAD_YEARS = 2  # the first meeting of a plan; a series then runs its course


@dataclass(frozen=True)
class When:
    """A wall-clock time as a person entered it, in their own time zone."""

    day: dt.date
    time: dt.time
    duration: dt.timedelta
    time_zone: str
    fold: int | None = None  # which of two identical local times, in the autumn overlap

    def start(self, day: dt.date | None = None) -> dt.datetime:
        return to_utc(day or self.day, self.time, self.time_zone, fold=self.fold)


def _require_member(pair: Pair, person: User) -> None:
    if not is_member(pair, person):
        raise ValidationError(_("Only the two people of a pair can change its meetings."))


def _require_open(pair: Pair) -> None:
    if pair.status != Pair.Status.ACTIVE:
        raise ValidationError(_("This pair has ended, so no new meetings can be planned."))
    if pair.program.status == Program.Status.CLOSED:
        raise ValidationError(_("This program is closed, so no new meetings can be planned."))


def _check_duration(duration: dt.timedelta) -> None:
    if not dt.timedelta(minutes=5) <= duration <= MAX_DURATION:
        raise ValidationError(_("A meeting lasts between 5 minutes and 8 hours."))


def plan_horizon(today: dt.date) -> dt.date:
    """The last day a meeting can be planned for: two years after ``today``."""
    try:
        return today.replace(year=today.year + PLAN_AHEAD_YEARS)
    except ValueError:  # 29 February
        return today.replace(year=today.year + PLAN_AHEAD_YEARS, day=28)


def series_last_day(first: dt.date, every_weeks: int) -> dt.date:
    """The day of a series' last possible meeting (its ``MAX_OCCURRENCES``-th)."""
    return first + dt.timedelta(weeks=every_weeks * (MAX_OCCURRENCES - 1))


def _series_too_long(first: dt.date, every_weeks: int) -> ValidationError:
    return ValidationError(
        _(
            "A series has at most %(max)d meetings: every %(weeks)d weeks from %(first)s, "
            "the last one can be on %(last)s at the latest."
        )
        % {
            "max": MAX_OCCURRENCES,
            "weeks": every_weeks,
            "first": date_format(first),
            "last": date_format(series_last_day(first, every_weeks)),
        },
        code="series_too_long",
    )


def occurrences(
    when: When, *, every_weeks: int, count: int | None, until: dt.date | None
) -> list[dt.datetime]:
    """Start times of a series: the same wall-clock time every N weeks, across DST changes.

    A series longer than ``MAX_OCCURRENCES`` is refused with a message, never cut short.
    """
    if count is None and until is None:
        raise ValidationError(_("Say how many times the meeting repeats, or until when."))
    if not 1 <= every_weeks <= 52:
        raise ValidationError(_("A series repeats every 1 to 52 weeks."))
    if (count is not None and count > MAX_OCCURRENCES) or (
        until is not None and until > series_last_day(when.day, every_weeks)
    ):
        raise _series_too_long(when.day, every_weeks)
    days: list[dt.date] = []
    day = when.day
    while (count is None or len(days) < count) and (until is None or day <= until):
        days.append(day)
        day += dt.timedelta(weeks=every_weeks)
    return [when.start(d) for d in days]


def _check_plan_day(day: dt.date, time_zone: str) -> None:
    """Not beyond the planning horizon: two years from today on the person's clock."""
    today = local(timezone.now(), time_zone).date()
    if day > plan_horizon(today):
        raise ValidationError(
            _("Meetings can be planned up to two years ahead, until %(last)s.")
            % {"last": date_format(plan_horizon(today))},
            code="out_of_range",
        )


def _clash_message(person: User, clash: Attendance, viewer_zone: str) -> str:
    start = local(clash.start, viewer_zone)
    return _(
        "%(name)s already has a mentoring meeting on %(date)s at %(time)s (%(zone)s). "
        "Choose another time."
    ) % {
        "name": person.full_name,
        "date": date_format(start.date()),
        "time": time_format(start.time()),
        "zone": viewer_zone,
    }


def _check_free(
    people: Sequence[User], slots: Sequence[tuple[dt.datetime, dt.datetime]], *,
    ignore: Sequence[int] = (), viewer_zone: str,
) -> None:  # fmt: skip
    # One booking per person at a time: lock the people's rows in a fixed order first, so
    # concurrent bookings queue here and see each other's committed meetings, instead of
    # waiting on each other inside the exclusion constraint (which PostgreSQL can only
    # resolve as a deadlock). A no-op on SQLite, whose write transactions are serialised.
    list(
        User.objects.select_for_update()
        .filter(pk__in=[person.pk for person in people])
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for person in people:
        for start, end in slots:
            clash = (
                Attendance.objects.filter(person=person, active=True, start__lt=end, end__gt=start)
                .exclude(meeting_id__in=ignore)
                .order_by("start")
                .first()
            )
            if clash is not None:
                raise ValidationError(_clash_message(person, clash, viewer_zone), code="conflict")


def _write_attendances(meeting: Meeting, organiser: User | None) -> None:
    for person in members(meeting.pair):
        response = (
            Attendance.Response.ACCEPTED
            if (organiser and person.pk == organiser.pk) or meeting.logged
            else Attendance.Response.NEEDS_ACTION
        )
        Attendance.objects.update_or_create(
            meeting=meeting,
            person=person,
            defaults={
                "start": meeting.start,
                "end": meeting.end,
                "active": meeting.status == Meeting.Status.SCHEDULED,
                "response": response,
            },
        )


def _schedule_changed(pair: Pair, meetings: Sequence[Meeting], by: User | None = None) -> None:
    """Inside the write's transaction: the pair's two people get a new schedule revision
    (what the manager's page keys its cache on); each meeting's invitation, update or
    cancellation is e-mailed once the change commits, and its reminder rows are re-planned
    in this transaction. The same change is a notification for the pair's people other
    than ``by``, who made it."""
    User.objects.filter(pk__in=[pair.mentee.person_id, pair.mentor.person_id]).update(
        schedule_revision=F("schedule_revision") + 1
    )
    series: dict[int, list[list[int]]] = {}
    for meeting in meetings:
        if meeting.series_id is not None:  # one e-mail per person for the series' change
            series.setdefault(meeting.series_id, []).append([meeting.pk, meeting.version])
        elif not meeting.logged:  # a meeting logged afterwards already happened: no invitation
            tasks.send_meeting_update.delay_on_commit(meeting.pk, meeting.version)
            _notify_change(pair, [meeting], by)
        reminders_plan(meeting)
    for series_id, changes in series.items():
        tasks.send_series_update.delay_on_commit(series_id, changes)
        _notify_change(pair, [m for m in meetings if m.series_id == series_id], by)


def _notify_change(pair: Pair, changed: Sequence[Meeting], by: User | None) -> None:
    """One notification per person told (as one e-mail): for a single meeting or for the
    meetings of one series changed together. Times only: no place, no title."""
    first = min(changed, key=lambda meeting: meeting.start)
    if all(meeting.is_cancelled for meeting in changed):
        kinds = (notices.MEETING_CANCELLED, notices.SERIES_CANCELLED)
    elif all(meeting.version == 0 for meeting in changed):
        kinds = (notices.MEETING_PLANNED, notices.SERIES_PLANNED)
    else:
        kinds = (notices.MEETING_MOVED, notices.SERIES_MOVED)
    kind = kinds[1] if first.series_id is not None else kinds[0]
    people = (pair.mentee.person_id, pair.mentor.person_id)
    for person, other in (people, people[::-1]):
        if by is None or person != by.pk:
            notify(
                kind=kind,
                recipient_ids=[person],
                params={
                    "pair": pair.pk,
                    "person": other,
                    "start": iso(first.start),
                    "count": len(changed),
                },
            )


def _saved(
    pair: Pair, save: Callable[[], list[Meeting]], viewer_zone: str, by: User
) -> list[Meeting]:
    """Run the writes; a concurrent booking caught by the database is the same clear refusal."""
    try:
        with transaction.atomic():
            meetings = save()
            _schedule_changed(pair, meetings, by)
            return meetings
    except IntegrityError:
        raise ValidationError(
            _("Someone in this pair was booked at that time a moment ago. Choose another time."),
            code="conflict",
        ) from None


def meeting_schedule(
    *,
    pair: Pair,
    organiser: User,
    when: When,
    place: str = "",
    every_weeks: int | None = None,
    count: int | None = None,
    until: dt.date | None = None,
) -> list[Meeting]:
    """Plan one meeting, or a series every N weeks; the other person is invited."""
    _require_member(pair, organiser)
    _require_open(pair)
    _check_duration(when.duration)
    place = one_line(place)
    _check_plan_day(when.day, when.time_zone)
    starts = (
        occurrences(when, every_weeks=every_weeks, count=count, until=until)
        if every_weeks
        else [when.start()]
    )
    if starts[0] <= timezone.now():
        raise ValidationError(_("Choose a time in the future, or log a past meeting instead."))
    slots = [(start, start + when.duration) for start in starts]

    def save() -> list[Meeting]:
        _check_free(members(pair), slots, viewer_zone=when.time_zone)
        series = (
            Series.objects.create(
                pair=pair, organiser=organiser, time_zone=when.time_zone, interval_weeks=every_weeks
            )
            if every_weeks
            else None
        )
        meetings = [
            Meeting.objects.create(
                pair=pair, series=series, organiser=organiser, start=start, end=end, place=place
            )
            for start, end in slots
        ]
        for meeting in meetings:
            _write_attendances(meeting, organiser)
        return meetings

    return _saved(pair, save, when.time_zone, organiser)


def meeting_log(*, pair: Pair, by: User, when: When) -> Meeting:
    """Record a meeting that already happened elsewhere."""
    _require_member(pair, by)
    _check_duration(when.duration)
    start = when.start()
    if start + when.duration > timezone.now():
        raise ValidationError(_("Only meetings that already happened can be logged."))

    def save() -> list[Meeting]:
        _check_free(members(pair), [(start, start + when.duration)], viewer_zone=when.time_zone)
        meeting = Meeting.objects.create(
            pair=pair, organiser=by, start=start, end=start + when.duration, logged=True
        )
        _write_attendances(meeting, by)
        return [meeting]

    return _saved(pair, save, when.time_zone, by)[0]


def meeting_respond(*, meeting: Meeting, person: User, accept: bool) -> Attendance:
    _require_member(meeting.pair, person)
    if meeting.is_cancelled:
        raise ValidationError(_("This meeting was cancelled."))
    with transaction.atomic():
        attendance = Attendance.objects.select_for_update().get(meeting=meeting, person=person)
        attendance.response = (
            Attendance.Response.ACCEPTED if accept else Attendance.Response.DECLINED
        )
        attendance.save(update_fields=["response"])
    return attendance


def _this_and_following(meeting: Meeting, following: bool) -> list[Meeting]:
    if not following or meeting.series_id is None:
        return [meeting]
    return list(
        Meeting.objects.filter(
            series_id=meeting.series_id, start__gte=meeting.start, status=Meeting.Status.SCHEDULED
        ).order_by("start")
    )


def meeting_reschedule(
    *, meeting: Meeting, by: User, when: When, place: str, following: bool = False
) -> list[Meeting]:
    """Move one meeting, or this and the following ones of its series, to a new wall-clock
    time; each keeps its own date shifted by the same number of days."""
    _require_member(meeting.pair, by)
    _require_open(meeting.pair)
    _check_duration(when.duration)
    if meeting.is_cancelled:
        raise ValidationError(_("This meeting was cancelled."))
    place = one_line(place)
    _check_plan_day(when.day, when.time_zone)
    meetings = _this_and_following(meeting, following)
    shift = when.day - local(meeting.start, when.time_zone).date()
    try:
        starts = [when.start(local(m.start, when.time_zone).date() + shift) for m in meetings]
    except OverflowError:  # a stored meeting near the calendar's end, moved later still
        raise ValidationError(
            _("The following meetings cannot be moved that far. Move this meeting only."),
            code="out_of_range",
        ) from None
    if starts[0] <= timezone.now():
        raise ValidationError(_("Choose a time in the future."))
    slots = [(start, start + when.duration) for start in starts]

    def save() -> list[Meeting]:
        _check_free(
            members(meeting.pair), slots, ignore=[m.pk for m in meetings],
            viewer_zone=when.time_zone,
        )  # fmt: skip
        for moved, (start, end) in zip(meetings, slots, strict=True):
            moved.start, moved.end, moved.place = start, end, place
            moved.organiser = by
            moved.version += 1
            moved.save(
                update_fields=["start", "end", "place", "organiser", "version", "updated_at"]
            )
            _write_attendances(moved, by)
        return meetings

    return _saved(meeting.pair, save, when.time_zone, by)


def meeting_cancel(*, meeting: Meeting, by: User, following: bool = False) -> list[Meeting]:
    _require_member(meeting.pair, by)
    meetings = [m for m in _this_and_following(meeting, following) if not m.is_cancelled]
    if not meetings:
        raise ValidationError(_("This meeting was already cancelled."))

    def save() -> list[Meeting]:
        for cancelled in meetings:
            cancelled.status = Meeting.Status.CANCELLED
            cancelled.version += 1
            cancelled.save(update_fields=["status", "version", "updated_at"])
            Attendance.objects.filter(meeting=cancelled).update(active=False)
        return meetings

    return _saved(meeting.pair, save, by.time_zone, by)


def meetings_cancel_for_ended_pair(event: PairEnded) -> None:
    """A pair ended (a receiver of ``pair_ended``): its future meetings are cancelled, past
    ones stay as history."""
    pair = event.pair
    future = list(
        Meeting.objects.filter(pair=pair, status=Meeting.Status.SCHEDULED, start__gt=timezone.now())
    )
    for meeting in future:
        meeting.status = Meeting.Status.CANCELLED
        meeting.version += 1
        meeting.save(update_fields=["status", "version", "updated_at"])
        Attendance.objects.filter(meeting=meeting).update(active=False)
    if future:
        _schedule_changed(pair, future)


# ---------------------------------------------------------------- calendar feeds
