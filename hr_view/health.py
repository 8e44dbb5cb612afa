"""A program's health as HR sees it: counts and dates from the value-only selectors of the apps
below (``programs.health``, ``matching.health``, ``meetings.health``), composed here, with
its charts drawn as SVG. Never a model with content: those modules return frozen dataclasses
of counts, dates and names, and this module imports no model at all.

The department breakdown shows a department only when it has at least the threshold of
people; the rest are merged so that none can be worked out (``lib.suppression``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.utils.formats import date_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from lib import charts
from lib.suppression import Breakdown, suppress_small_cells
from matching.health import MentorLoad, Waiting, mentees_waiting, mentor_load
from meetings.health import (
    PAIR_SORTS,
    RECENT_DAYS,
    Cadence,
    PairStages,
    ProgramComparison,
    TrendWeek,
    pairs_health,
    programs_compared,
    weekly_trend,
)
from programs.health import (
    EnrolmentStages,
    ProgramFacts,
    enrolment_stages,
    participants_by_department,
    program_facts,
)

CADENCE_LABELS = {
    "none": pgettext_lazy("meetings per month", "none"),
    "under_1": pgettext_lazy("meetings per month", "under 1"),
    "1_to_2": pgettext_lazy("meetings per month", "1 to 2"),
    "2_to_4": pgettext_lazy("meetings per month", "2 to 4"),
    "4_up": pgettext_lazy("meetings per month", "4 or more"),
}
WEEKS_LABELS = {
    "under_2": pgettext_lazy("weeks", "under 2"),
    "2_to_4": pgettext_lazy("weeks", "2 to 4"),
    "4_to_8": pgettext_lazy("weeks", "4 to 8"),
    "8_up": pgettext_lazy("weeks", "8 or more"),
}
NO_DEPARTMENT = gettext_lazy("No department")


def breakdown_threshold() -> int:
    """People a department needs to be shown on its own (never below 5)."""
    return int(getattr(settings, "MENTORING_BREAKDOWN_THRESHOLD", 5))


@dataclass(frozen=True)
class Stage:
    label: str
    count: int


@dataclass(frozen=True)
class ProgramHealth:
    program: ProgramFacts
    funnel: tuple[Stage, ...]
    enrolment: EnrolmentStages
    pairs: PairStages
    cadence: Cadence
    per_month: tuple[tuple[str, int], ...]
    weeks_since: tuple[tuple[str, int], ...]
    first_meeting_weeks: tuple[tuple[str, int], ...]
    load: MentorLoad
    waiting: Waiting
    trend: tuple[TrendWeek, ...]
    departments: Breakdown
    funnel_svg: SafeString
    cadence_svg: SafeString
    trend_svg: SafeString
    first_meeting_svg: SafeString


def _funnel(enrol: EnrolmentStages, pairs: PairStages) -> tuple[Stage, ...]:
    return (
        Stage(_("Invited"), enrol.invited),
        Stage(_("Enrolled"), enrol.enrolled),
        Stage(_("Approved"), enrol.mentees_accepted + enrol.mentors_accepted),
        Stage(_("Matched"), pairs.matched),
        Stage(_("First meeting held"), pairs.first_meeting_held),
        Stage(_("Met in the last %(days)d days") % {"days": RECENT_DAYS}, pairs.met_recently),
        Stage(_("Ended early"), pairs.ended_early),
        Stage(_("Completed"), pairs.completed),
    )


def _labelled(
    rows: tuple[tuple[str, int], ...], labels: Mapping[str, object]
) -> tuple[tuple[str, int], ...]:
    return tuple((str(labels[key]), n) for key, n in rows)


def program_health(*, program_id: int, now: dt.datetime) -> ProgramHealth:
    """Everything the health page shows, in a fixed number of queries."""
    program = program_facts(program_id=program_id)
    enrol = enrolment_stages(program_id=program_id)
    figures = pairs_health(
        program_id=program_id,
        ends_on=program.ends_on,
        stalled_after_days=program.stalled_after_days,
        now=now,
    )
    pairs, pace = figures.stages, figures.cadence
    trend = weekly_trend(
        program_id=program_id, starts_on=program.starts_on, ends_on=program.ends_on, now=now
    )
    by_department = participants_by_department(program_id=program_id)
    departments = suppress_small_cells(
        {name or str(NO_DEPARTMENT): n for name, n in by_department.items()},
        threshold=breakdown_threshold(),
    )
    funnel = _funnel(enrol, pairs)
    per_month = _labelled(pace.per_month, CADENCE_LABELS)
    first_weeks = _labelled(pace.first_meeting_weeks, WEEKS_LABELS)
    return ProgramHealth(
        program=program,
        funnel=funnel,
        enrolment=enrol,
        pairs=pairs,
        cadence=pace,
        per_month=per_month,
        weeks_since=_labelled(pace.weeks_since, WEEKS_LABELS),
        first_meeting_weeks=first_weeks,
        load=mentor_load(program_id=program_id),
        waiting=mentees_waiting(program_id=program_id),
        trend=trend,
        departments=departments,
        funnel_svg=charts.bars(
            _("The program's funnel, in people"), [(s.label, s.count) for s in funnel]
        ),
        cadence_svg=charts.columns(_("Pairs by meetings held per month"), per_month),
        first_meeting_svg=charts.columns(
            _("Pairs by weeks from enrolment to the first meeting"), first_weeks
        ),
        trend_svg=_trend_svg(trend),
    )


def _trend_svg(trend: tuple[TrendWeek, ...]) -> SafeString:
    points = [(date_format(week.week, "SHORT_DATE_FORMAT"), week.held) for week in trend]
    return charts.line(
        _("Meetings held per week"),
        points,
        first=points[0][0] if points else "",
        last=points[-1][0] if points else "",
    )


def pair_sorts() -> tuple[tuple[str, str], ...]:
    """The orders HR may list pairs in, with their labels (``meetings.health.PAIR_SORTS``)."""
    labels = {
        "stalled": _("Longest without a meeting first"),
        "held": _("Fewest meetings first"),
        "recent": _("Newest pairs first"),
    }
    return tuple((key, labels[key]) for key in PAIR_SORTS)


@dataclass(frozen=True)
class ComparedProgram:
    program: ProgramFacts
    figures: ProgramComparison


def programs_side_by_side(
    *, programs: Sequence[ProgramFacts], now: dt.datetime
) -> tuple[ComparedProgram, ...]:
    """These programs (one page of them) with their figures, in two queries."""
    figures = programs_compared(program_ids=[p.id for p in programs], now=now)
    return tuple(ComparedProgram(p, figures[p.id]) for p in programs)
