"""Local wall-clock times to UTC, refusing times that do not exist and asking about
times that exist twice, instead of shifting them silently."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Ambiguous(Exception):
    """The local time happens twice (autumn overlap): the person must choose."""

    earlier: dt.datetime  # fold=0, in UTC
    later: dt.datetime  # fold=1, in UTC


def to_utc(day: dt.date, time: dt.time, time_zone: str, *, fold: int | None = None) -> dt.datetime:
    """The UTC moment of a local date and time in ``time_zone``.

    Raises ValidationError for a time in the spring gap, and ``Ambiguous`` for a
    time in the autumn overlap unless ``fold`` (0 = the first, 1 = the second) says.
    """
    zone = zoneinfo.ZoneInfo(time_zone)
    naive = dt.datetime.combine(day, time.replace(tzinfo=None, fold=0))
    try:
        first = naive.replace(tzinfo=zone, fold=0).astimezone(dt.UTC)
        second = naive.replace(tzinfo=zone, fold=1).astimezone(dt.UTC)
        round_trip = first.astimezone(zone).replace(tzinfo=None)
    except OverflowError:  # within a day of the calendar's ends: no UTC moment to store
        raise ValidationError(
            _("%(date)s is too far from today. Choose another date.") % {"date": date_format(day)},
            code="out_of_range",
        ) from None
    if round_trip != naive:
        raise ValidationError(
            _(
                "%(time)s on %(date)s does not exist in %(zone)s: the clocks skip that hour. "
                "Choose another time."
            )
            % {"time": time_format(time), "date": date_format(day), "zone": time_zone},
            code="nonexistent_time",
        )
    if first == second:
        return first
    if fold is None:
        raise Ambiguous(first, second)
    return second if fold else first


def local(moment: dt.datetime, time_zone: str) -> dt.datetime:
    """The moment on the clock of ``time_zone``; in UTC when it has no date there.

    A stored moment within hours of the calendar's ends (year 9999 seen east of UTC,
    year 1 seen west of it) cannot be shown in the zone: it is shown in UTC, whose name
    its ``tzinfo`` carries, so what reads it says "UTC" (see ``zone_name``).
    """
    try:
        return moment.astimezone(zoneinfo.ZoneInfo(time_zone))
    except OverflowError:
        return moment.astimezone(dt.UTC)


def local_span(
    start: dt.datetime, end: dt.datetime, time_zone: str
) -> tuple[dt.datetime, dt.datetime]:
    """Start and end on one clock: both in ``time_zone``, or both in UTC if either has
    no date there."""
    first, last = local(start, time_zone), local(end, time_zone)
    if first.tzinfo is dt.UTC or last.tzinfo is dt.UTC:
        return start.astimezone(dt.UTC), end.astimezone(dt.UTC)
    return first, last


class _Shown(dt.datetime):
    """A moment already on the viewer's clock: Django's templates leave it as it is
    instead of converting it to the active zone again (which may overflow)."""

    convert_to_local_time = False


def shown(moment: dt.datetime) -> dt.datetime:
    """``moment`` (from ``local`` or ``local_span``) marked as already converted, for templates."""
    return _Shown.combine(moment.date(), moment.timetz())


def zone_name(shown: dt.datetime, time_zone: str) -> str:
    """The name of the zone a moment from ``local`` is shown in."""
    return "UTC" if shown.tzinfo is dt.UTC else time_zone
