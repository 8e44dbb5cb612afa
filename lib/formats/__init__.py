"""One way of writing dates and times, per language (``FORMAT_MODULE_PATH``).

Each language's ``formats.py`` below holds the formats Django's ``|date``, ``|time``,
``date_format`` and ``time_format`` use when given a format name (``"DATETIME_FORMAT"``)
or none: pages, e-mails and calendar text all go through these, never through a
hand-written pattern, so a person reads one style in their own language (a 24-hour
clock where the language uses it).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.formats import date_format, time_format


def moment_text(moment: dt.datetime) -> str:
    """Date and time of a stored moment on the active zone's clock, in the active
    language ("3. Dezember 2026, 18:31"), for deadlines and other moments."""
    try:
        shown = timezone.localtime(moment)
    except OverflowError:  # no date in the active zone at the calendar's ends: say UTC
        return f"{date_format(moment.astimezone(dt.UTC), 'DATETIME_FORMAT')} UTC"
    return date_format(shown, "DATETIME_FORMAT")


def clock_text(moment: dt.datetime | dt.time) -> str:
    """A wall-clock time in the active language's style: "18:31" (a 24-hour clock in
    every language this app speaks)."""
    return time_format(moment, "TIME_FORMAT")
