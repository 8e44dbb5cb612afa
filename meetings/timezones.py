"""Local wall-clock times to UTC, refusing times that do not exist and asking about
times that exist twice, instead of shifting them silently."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.formats import date_format
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
    first = naive.replace(tzinfo=zone, fold=0).astimezone(dt.UTC)
    second = naive.replace(tzinfo=zone, fold=1).astimezone(dt.UTC)
    if first.astimezone(zone).replace(tzinfo=None) != naive:
        raise ValidationError(
            _(
                "%(time)s on %(date)s does not exist in %(zone)s: the clocks skip that hour. "
                "Choose another time."
            )
            % {"time": time.strftime("%H:%M"), "date": date_format(day), "zone": time_zone},
            code="nonexistent_time",
        )
    if first == second:
        return first
    if fold is None:
        raise Ambiguous(first, second)
    return second if fold else first


def local(moment: dt.datetime, time_zone: str) -> dt.datetime:
    return moment.astimezone(zoneinfo.ZoneInfo(time_zone))
