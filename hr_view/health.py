"""A program's health as HR sees it: counts and dates from the value-only selectors of the apps
below (``programs.health``, ``matching.health``, ``meetings.health``), composed here, with
its charts drawn as SVG. Never a model with content: those modules return frozen dataclasses
of counts, dates and names, and this module imports no model at all.

The department breakdown shows a department only when it has at least the threshold of
people; the rest are merged so that none can be worked out (``lib.suppression``).

At size (10,000 pairs, 200,000 meetings) counting takes longer than a page may, so the
counted figures (``HealthFigures``: numbers, dates and keys, no label, no HTML, so every
language draws its own page from them) and each order of the pair list (the pairs' ids) are
kept in Django's cache per program for ``MENTORING_HEALTH_FRESH_SECONDS``. When they are
older, one request counts again while the others serve the previous figures
(``_fresh_or_previous``); the page says when they were counted. docs/architecture.md says why.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.core.cache import cache
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
    PairRow,
    PairRows,
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
CACHE_PREFIX = "hr_view:health:v1"
KEEP_SECONDS = 24 * 3600  # a previous value outlives its freshness, to be served meanwhile
COUNTING_SECONDS = 120  # the longest one request may hold the right to count again
WAIT_SECONDS = 10  # how long a request waits for a first count under way elsewhere

logger = logging.getLogger(__name__)
T = TypeVar("T")


def fresh_seconds() -> int:
    """How long counted health figures are served before a request counts again."""
    return int(getattr(settings, "MENTORING_HEALTH_FRESH_SECONDS", 300))


@dataclass(frozen=True)
class Counted(Generic[T]):
    value: T
    counted_at: dt.datetime


def _fresh_or_previous(key: str, count: Callable[[], T], *, now: dt.datetime) -> Counted[T]:
    """The value under ``key`` while it is fresh; else counted again by the one request that
    wins ``cache.add`` on the key's lock, while every other request serves the previous value
    (no stampede: 8 requests at once run one count, not 8). With no previous value at all,
    a request waits up to ``WAIT_SECONDS`` for the count under way, then counts itself. A
    cache that fails only costs speed: the figures are counted."""
    try:
        found = cache.get(key)
    except Exception:
        logger.warning("health cache unreadable; counting", exc_info=True)
        return Counted(count(), now)
    if isinstance(found, Counted):
        age = (now - found.counted_at).total_seconds()
        if 0 <= age < fresh_seconds():
            return found
    lock = f"{key}:counting"
    try:
        mine = cache.add(lock, now.isoformat(), timeout=COUNTING_SECONDS)
    except Exception:
        mine = False
    if isinstance(found, Counted) and not mine:
        return found  # another request is counting: the previous figures meanwhile
    if not mine:  # the first count ever is under way elsewhere: wait for it a while
        waited = _counted_elsewhere(key)
        if waited is not None:
            return waited
    try:
        counted = Counted(count(), now)
        try:
            cache.set(key, counted, timeout=KEEP_SECONDS)
        except Exception:
            logger.warning("health cache unwritable", exc_info=True)
        return counted
    finally:
        if mine:
            cache.delete(lock)


def _counted_elsewhere(key: str) -> Counted[Any] | None:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        time.sleep(0.05)
        try:
            found = cache.get(key)
        except Exception:
            return None
        if isinstance(found, Counted):
            return found
    return None


def _key(program: ProgramFacts, *parts: object) -> str:
    """Per program, and per the settings the figures depend on: changing the program's
    dates or its stalled-after days counts again at once."""
    bits = (program.id, program.starts_on, program.ends_on, program.stalled_after_days, *parts)
    return ":".join([CACHE_PREFIX, *map(str, bits)])


def breakdown_threshold() -> int:
    """People a department needs to be shown on its own (never below 5)."""
    return int(getattr(settings, "MENTORING_BREAKDOWN_THRESHOLD", 5))


@dataclass(frozen=True)
class Stage:
    label: str
    count: int


@dataclass(frozen=True)
class HealthFigures:
    """What the database counted for a program's health page: numbers, dates and keys only
    (no label, no HTML), so that it can be kept and drawn in any language."""

    enrolment: EnrolmentStages
    pairs: PairStages
    cadence: Cadence
    load: MentorLoad
    waiting: Waiting
    trend: tuple[TrendWeek, ...]
    by_department: tuple[tuple[str, int], ...]  # "" for people without a department


def count_health(*, program: ProgramFacts, now: dt.datetime) -> HealthFigures:
    """Count a program's health figures, in a fixed number of queries whatever its size."""
    figures = pairs_health(
        program_id=program.id,
        ends_on=program.ends_on,
        stalled_after_days=program.stalled_after_days,
        now=now,
    )
    return HealthFigures(
        enrolment=enrolment_stages(program_id=program.id),
        pairs=figures.stages,
        cadence=figures.cadence,
        load=mentor_load(program_id=program.id),
        waiting=mentees_waiting(program_id=program.id),
        trend=weekly_trend(
            program_id=program.id, starts_on=program.starts_on, ends_on=program.ends_on, now=now
        ),
        by_department=tuple(sorted(participants_by_department(program_id=program.id).items())),
    )


@dataclass(frozen=True)
class ProgramHealth:
    program: ProgramFacts
    counted_at: dt.datetime  # when the figures were counted
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


def counted_health(*, program: ProgramFacts, now: dt.datetime) -> Counted[HealthFigures]:
    """The program's figures as counted at most ``fresh_seconds()`` ago (``_fresh_or_previous``)."""
    return _fresh_or_previous(
        _key(program, "figures"), lambda: count_health(program=program, now=now), now=now
    )


def program_health(*, program_id: int, now: dt.datetime) -> ProgramHealth:
    """Everything the health page shows: the program's facts read now, its figures as counted
    at most ``fresh_seconds()`` ago, drawn in the active language."""
    program = program_facts(program_id=program_id)
    counted = counted_health(program=program, now=now)
    return drawn(program, counted.value, counted_at=counted.counted_at)


def drawn(
    program: ProgramFacts, figures: HealthFigures, *, counted_at: dt.datetime
) -> ProgramHealth:
    """The page's labels, tables and charts from counted figures, in the active language."""
    enrol, pairs, pace, trend = figures.enrolment, figures.pairs, figures.cadence, figures.trend
    departments = suppress_small_cells(
        {name or str(NO_DEPARTMENT): n for name, n in figures.by_department},
        threshold=breakdown_threshold(),
    )
    funnel = _funnel(enrol, pairs)
    per_month = _labelled(pace.per_month, CADENCE_LABELS)
    first_weeks = _labelled(pace.first_meeting_weeks, WEEKS_LABELS)
    return ProgramHealth(
        program=program,
        counted_at=counted_at,
        funnel=funnel,
        enrolment=enrol,
        pairs=pairs,
        cadence=pace,
        per_month=per_month,
        weeks_since=_labelled(pace.weeks_since, WEEKS_LABELS),
        first_meeting_weeks=first_weeks,
        load=figures.load,
        waiting=figures.waiting,
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


class KeptPairRows:
    """A program's pairs in one order, as kept: the order (every pair's id) counted at most
    ``fresh_seconds()`` ago, and each page's rows read once for that order and kept with it,
    so that the list, its figures and its order agree, and a page served again reads no row.
    ``people.paging.window`` pages through it."""

    def __init__(self, *, program: ProgramFacts, sort: str, now: dt.datetime) -> None:
        self._program, self._now = program, now
        self._sort = sort if sort in PAIR_SORTS else "stalled"
        kept = _fresh_or_previous(
            _key(program, "order", self._sort), lambda: self._rows(now).ids(), now=now
        )
        self._ids, self.counted_at = kept.value, kept.counted_at

    def _rows(self, at: dt.datetime) -> PairRows:
        return PairRows(
            program_id=self._program.id,
            stalled_after_days=self._program.stalled_after_days,
            now=at,
            sort=self._sort,
        )

    def count(self) -> int:
        return len(self._ids)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> tuple[PairRow, ...]:
        start, stop, _step = index.indices(len(self._ids))
        page = (self._sort, self.counted_at.isoformat(), start, stop)
        return _fresh_or_previous(
            _key(self._program, "rows", *page),
            lambda: self._rows(self.counted_at).in_order(self._ids)[start:stop],
            now=self._now,
        ).value


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
