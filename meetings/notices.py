"""The in-app notifications about meetings and nudges (``notifications.kinds``).
Parameters are the pair, the other person, times and counts: never a place or anything
said in mentoring."""

from __future__ import annotations

from django.urls import reverse
from django.utils.dateparse import parse_date
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from matching.membership import pairs_of
from matching.models import Pair
from notifications.kinds import Kind, Names, Params, moment
from people.models import User
from people.roles import is_hr_admin


def _pair_page(params: Params, person: User) -> str:
    """The pair's meetings while the person is one of its two, else their pairs."""
    pair_id = params.get("pair")
    if isinstance(pair_id, int) and pairs_of(person).filter(pk=pair_id).exists():
        return reverse("meetings:pair", args=[pair_id])
    return reverse("matching:pairs")


def _schedule_page(params: Params, person: User) -> str:
    """Planning the next meeting while the pair is still active, else as ``_pair_page``."""
    pair_id = params.get("pair")
    if (
        isinstance(pair_id, int)
        and pairs_of(person).filter(pk=pair_id, status=Pair.Status.ACTIVE).exists()
    ):
        return reverse("meetings:schedule", args=[pair_id])
    return _pair_page(params, person)


def _values(params: Params, names: Names) -> dict[str, object]:
    count = params.get("count")
    return {
        "person": names.person(params),
        "when": moment(params),
        "count": count if isinstance(count, int) else 0,
    }


def _planned(params: Params, names: Names) -> str:
    return _("%(person)s invited you to a meeting on %(when)s.") % _values(params, names)


def _moved(params: Params, names: Names) -> str:
    return _("%(person)s moved your meeting to %(when)s.") % _values(params, names)


def _cancelled(params: Params, names: Names) -> str:
    return _("Your meeting with %(person)s on %(when)s was cancelled.") % _values(params, names)


def _series_planned(params: Params, names: Names) -> str:
    values = _values(params, names)
    return (
        ngettext(
            "%(person)s invited you to a series of %(count)d meeting from %(when)s.",
            "%(person)s invited you to a series of %(count)d meetings from %(when)s.",
            values["count"],  # type: ignore[arg-type]
        )
        % values
    )


def _series_moved(params: Params, names: Names) -> str:
    values = _values(params, names)
    return (
        ngettext(
            "%(person)s moved %(count)d meeting of your series, from %(when)s.",
            "%(person)s moved %(count)d meetings of your series, from %(when)s.",
            values["count"],  # type: ignore[arg-type]
        )
        % values
    )


def _series_cancelled(params: Params, names: Names) -> str:
    values = _values(params, names)
    return (
        ngettext(
            "%(count)d meeting with %(person)s, from %(when)s, was cancelled.",
            "%(count)d meetings with %(person)s, from %(when)s, were cancelled.",
            values["count"],  # type: ignore[arg-type]
        )
        % values
    )


def _nudge(params: Params, names: Names) -> str:
    return _("No meeting with %(person)s is booked. Plan the next one?") % _values(params, names)


def _programs_for_hr(params: Params, person: User) -> str:
    """The programs HR runs while the person is still an HR admin, else their home."""
    return reverse("programs:hr_list") if is_hr_admin(person) else reverse("home")


def _digest(params: Params, names: Names) -> str:
    week = parse_date(str(params.get("week", "")))
    return _("Your weekly summary of the programs, week of %(week)s: see which need you.") % {
        "week": date_format(week) if week is not None else ""
    }


MEETING_PLANNED = Kind("meeting_planned", text=_planned, target=_pair_page)
MEETING_MOVED = Kind("meeting_moved", text=_moved, target=_pair_page)
MEETING_CANCELLED = Kind("meeting_cancelled", text=_cancelled, target=_pair_page)
SERIES_PLANNED = Kind("series_planned", text=_series_planned, target=_pair_page)
SERIES_MOVED = Kind("series_moved", text=_series_moved, target=_pair_page)
SERIES_CANCELLED = Kind("series_cancelled", text=_series_cancelled, target=_pair_page)
NUDGE = Kind("nudge", text=_nudge, target=_schedule_page)
HR_DIGEST = Kind("hr_digest", text=_digest, target=_programs_for_hr)

KINDS = (
    MEETING_PLANNED,
    MEETING_MOVED,
    MEETING_CANCELLED,
    SERIES_PLANNED,
    SERIES_MOVED,
    SERIES_CANCELLED,
    NUDGE,
    HR_DIGEST,
)
