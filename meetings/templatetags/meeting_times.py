"""Template filters that show stored times without ever failing on one."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone

from meetings.timezones import shown

register = template.Library()


@register.filter
def on_my_clock(value: object) -> object:
    """An aware datetime on the active zone's clock, or in UTC when it has no date there
    (year 9999 east of UTC, year 1 west of it), where ``|date`` would raise instead.

    Use it before ``|date`` or ``|time`` for any stored moment: ``{{ m.start|on_my_clock|date }}``.
    """
    if not isinstance(value, dt.datetime) or timezone.is_naive(value):
        return value
    try:
        return shown(value.astimezone(timezone.get_current_timezone()))
    except OverflowError:
        return shown(value.astimezone(dt.UTC))


@register.filter
def clock_span(meeting: object) -> tuple[object, object]:
    """A meeting's start and end on one clock (``on_my_clock``): both in the active zone,
    or both in UTC if either has no date there. ``{% with span=meeting|clock_span %}``."""
    start, end = (
        on_my_clock(getattr(meeting, "start", None)),
        on_my_clock(getattr(meeting, "end", None)),
    )
    if not (isinstance(start, dt.datetime) and isinstance(end, dt.datetime)):
        return start, end
    if (start.tzinfo is dt.UTC) != (end.tzinfo is dt.UTC):
        return shown(start.astimezone(dt.UTC)), shown(end.astimezone(dt.UTC))
    return start, end
