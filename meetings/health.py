"""Value-only reads of a program's pairs and meetings for HR's health page (``hr_view``).

Counts and dates only, as frozen dataclasses: never a model instance, a meeting's place, or
anything a pair wrote (the journal is not imported). A meeting is *held* when it was not
cancelled and has ended. The database does the counting: per pair (``GROUP BY``) and per
week (``TruncWeek``); the summaries below go once over one row per pair, never per meeting.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, overload

from django.db.models import (
    Count,
    DateTimeField,
    Exists,
    F,
    FloatField,
    Func,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce, TruncWeek
from django.utils import timezone

from matching.membership import MEMBER_COLUMNS, MEMBER_ROLES, member_related, members
from matching.models import Pair
from meetings.models import Meeting
from programs.models import Program

DAYS_PER_MONTH = 30.44
DAY = 86400.0  # seconds
RECENT_DAYS = 30  # "met in the last 30 days"
TREND_WEEKS = 104  # the weekly trend shows at most the last two years of a program

# Meetings held per pair per month: the bars of the cadence histogram, as (lower bound, key).
CADENCE_BUCKETS = (
    (0.0, "none"),
    (0.01, "under_1"),
    (1.0, "1_to_2"),
    (2.0, "2_to_4"),
    (4.0, "4_up"),
)
# Weeks from a mentee's enrolment to the pair's first meeting.
FIRST_MEETING_BUCKETS = ((0, "under_2"), (2, "2_to_4"), (4, "4_to_8"), (8, "8_up"))
# Weeks since an active pair last met (or since it started, if it never met).
SINCE_BUCKETS = ((0, "under_2"), (2, "2_to_4"), (4, "4_to_8"), (8, "8_up"))


def _held(prefix: str = "", *, now: dt.datetime) -> Q:
    return Q(
        **{f"{prefix}status": Meeting.Status.SCHEDULED, f"{prefix}end__lte": now},
    )


def program_end_moment(program: Program | dt.date) -> dt.datetime:
    """The first moment after the program's last day, in the server's zone."""
    ends_on = program if isinstance(program, dt.date) else program.ends_on
    return timezone.make_aware(dt.datetime.combine(ends_on + dt.timedelta(days=1), dt.time.min))


@dataclass(frozen=True)
class PairStages:
    """The later stages of the funnel, in enrolments (people taking part)."""

    matched: int
    first_meeting_held: int
    met_recently: int  # a held meeting in the last RECENT_DAYS days
    ended_early: int  # every pair of theirs ended before the program's end
    completed: int  # in a pair that lasted to the program's end


@dataclass(frozen=True)
class Cadence:
    """How often pairs meet."""

    pairs: int
    active_pairs: int
    per_month: tuple[tuple[str, int], ...]  # CADENCE_BUCKETS key -> pairs
    stalled: int  # active pairs without a held meeting for the program's N days
    stalled_after_days: int
    weeks_since: tuple[tuple[str, int], ...]  # SINCE_BUCKETS key -> active pairs
    first_meeting_weeks: tuple[tuple[str, int], ...]  # FIRST_MEETING_BUCKETS key -> pairs
    waiting_for_first: int  # pairs that have not met yet
    median_days_to_first: float | None  # from the mentee's enrolment to the first meeting
    held: int


class _Epoch(Func):
    """A moment as seconds since 1970 (a float), so that thousands of rows arrive as numbers
    rather than as datetimes for Python to parse one by one."""

    output_field = FloatField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler, connection, template="EXTRACT(EPOCH FROM %(expressions)s)::float8"
        )

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler, connection, template="CAST(strftime('%%%%s', %(expressions)s) AS REAL)"
        )


@dataclass(frozen=True)
class _PairFigures:
    """One pair's figures; moments as seconds since 1970."""

    mentee_id: int
    mentor_id: int
    active: bool
    started_at: float
    ended_at: float | None
    enrolled_at: float  # the mentee's enrolment
    held: int
    first_met: float | None
    last_met: float | None
    last_end: float | None


def _pair_figures(program_id: int, now: dt.datetime) -> list[_PairFigures]:
    """One row per pair of the program, in two queries: the held meetings counted per pair
    by the database (``GROUP BY``), and the pairs themselves."""
    held = {
        pair_id: (n, first, last, last_end)
        for pair_id, n, first, last, last_end in Meeting.objects.filter(
            _held(now=now), pair__program_id=program_id
        )
        .order_by()
        .values("pair_id")
        .annotate(
            n=Count("pk"),
            first=Min(_Epoch("start")),
            last=Max(_Epoch("start")),
            last_end=Max(_Epoch("end")),
        )
        .values_list("pair_id", "n", "first", "last", "last_end")
    }
    pairs = (
        Pair.objects.filter(program_id=program_id)
        .order_by()
        .annotate(
            started=_Epoch("started_at"),
            ended=_Epoch("ended_at"),
            enrolled=_Epoch("mentee__created_at"),
        )
        .values_list("pk", *MEMBER_COLUMNS, "status", "started", "ended", "enrolled")
    )
    return [
        _PairFigures(
            mentee_id=mentee_id,
            mentor_id=mentor_id,
            active=status == Pair.Status.ACTIVE,
            started_at=started_at,
            ended_at=ended_at,
            enrolled_at=enrolled_at,
            held=held.get(pk, (0,))[0],
            first_met=held[pk][1] if pk in held else None,
            last_met=held[pk][2] if pk in held else None,
            last_end=held[pk][3] if pk in held else None,
        )
        for pk, mentee_id, mentor_id, status, started_at, ended_at, enrolled_at in pairs
    ]


def _bucket(value: float, buckets: Sequence[tuple[float, str]]) -> str:
    key = buckets[0][1]
    for lower, name in buckets:
        if value >= lower:
            key = name
    return key


@dataclass(frozen=True)
class PairsHealth:
    stages: PairStages
    cadence: Cadence


def pairs_health(
    *, program_id: int, ends_on: dt.date, stalled_after_days: int, now: dt.datetime
) -> PairsHealth:
    """The funnel's later stages and the cadence, in two queries (``_pair_figures``) and one
    pass over the program's pairs, never over its meetings."""
    rows = _pair_figures(program_id, now)
    return PairsHealth(
        stages=_stages(rows, ends_on=ends_on, now=now),
        cadence=_cadence(rows, stalled_after_days=stalled_after_days, now=now),
    )


def _stages(rows: list[_PairFigures], *, ends_on: dt.date, now: dt.datetime) -> PairStages:
    end = program_end_moment(ends_on).timestamp()
    now_s = now.timestamp()
    recent = now_s - RECENT_DAYS * DAY
    matched: set[int] = set()
    met: set[int] = set()
    met_recently: set[int] = set()
    still_in: set[int] = set()  # in an active pair, or one that lasted
    lasted: set[int] = set()
    for row in rows:
        people = {row.mentee_id, row.mentor_id}
        matched |= people
        if row.held:
            met |= people
        if row.last_end is not None and row.last_end > recent:
            met_recently |= people
        reached_end = now_s >= end if row.active else (row.ended_at or now_s) >= end
        if reached_end:
            lasted |= people
        if row.active or reached_end:
            still_in |= people
    return PairStages(
        matched=len(matched),
        first_meeting_held=len(met),
        met_recently=len(met_recently),
        ended_early=len(matched - still_in),
        completed=len(lasted),
    )


def _cadence(rows: list[_PairFigures], *, stalled_after_days: int, now: dt.datetime) -> Cadence:
    per_month = dict.fromkeys((k for _, k in CADENCE_BUCKETS), 0)
    since = dict.fromkeys((k for _, k in SINCE_BUCKETS), 0)
    first_weeks = dict.fromkeys((k for _, k in FIRST_MEETING_BUCKETS), 0)
    to_first: list[float] = []
    active = stalled = waiting = 0
    now_s = now.timestamp()
    stalled_before = now_s - stalled_after_days * DAY
    for row in rows:
        until = min(row.ended_at or now_s, now_s)
        months = max((until - row.started_at) / DAY / DAYS_PER_MONTH, 1.0)
        per_month[_bucket(row.held / months, CADENCE_BUCKETS)] += 1
        if row.first_met is None:
            waiting += 1
        else:
            days = max((row.first_met - row.enrolled_at) / DAY, 0.0)
            to_first.append(days)
            first_weeks[_bucket(days / 7, FIRST_MEETING_BUCKETS)] += 1
        if not row.active:
            continue
        active += 1
        quiet_since = row.last_met or row.started_at
        if quiet_since < stalled_before:
            stalled += 1
        since[_bucket((now_s - quiet_since) // DAY / 7, SINCE_BUCKETS)] += 1
    return Cadence(
        pairs=len(rows),
        active_pairs=active,
        per_month=tuple(per_month.items()),
        stalled=stalled,
        stalled_after_days=stalled_after_days,
        weeks_since=tuple(since.items()),
        first_meeting_weeks=tuple(first_weeks.items()),
        waiting_for_first=waiting,
        median_days_to_first=statistics.median(to_first) if to_first else None,
        held=sum(row.held for row in rows),
    )


@dataclass(frozen=True)
class PairRow:
    """One pair as HR sees it: who with whom, how many meetings held, when they last met."""

    people: tuple[tuple[str, str], ...]  # (role, name), mentee first
    active: bool
    started_at: dt.datetime
    held: int
    last_met: dt.datetime | None
    weeks_since: int  # since the last held meeting, or since the pair started
    stalled: bool


PAIR_SORTS = ("stalled", "held", "recent")


class PairRows:
    """A program's pairs as rows, in a fixed number of queries per page: a paginator (``people.
    paging.window``) counts them once and fetches one slice. ``sort``: "stalled" (longest
    without a meeting first, active pairs before ended ones), "held" (fewest meetings first)
    or "recent" (newest pairs first). Each pair's count and last meeting are subqueries on
    the meetings' (pair, start) index."""

    def __init__(
        self, *, program_id: int, stalled_after_days: int, now: dt.datetime, sort: str
    ) -> None:
        self._now = now
        self._order: tuple[int, ...] | None = None
        self._stalled_before = now - dt.timedelta(days=stalled_after_days)
        self._program_id = program_id
        held = Meeting.objects.filter(_held(now=now), pair=OuterRef("pk")).order_by()
        quiet_since = Coalesce("last_met", "started_at", output_field=DateTimeField())
        order = {
            "stalled": ("status", quiet_since.asc(), "pk"),
            "held": ("status", "held", quiet_since.asc(), "pk"),
            "recent": ("-started_at", "-pk"),
        }[sort if sort in PAIR_SORTS else "stalled"]
        self._pairs = (
            Pair.objects.filter(program_id=program_id)
            .annotate(
                held=Coalesce(Subquery(held.values("pair").annotate(n=Count("pk")).values("n")), 0),
                last_met=Subquery(held.order_by("-start").values("start")[:1]),
            )
            .order_by(*order)
        )

    def ids(self) -> tuple[int, ...]:
        """Every pair's id in this order: one query, for ``in_order`` to page through later."""
        return tuple(self._pairs.values_list("pk", flat=True))

    def in_order(self, ids: Sequence[int]) -> PairRows:
        """These rows in the order of ``ids`` (from ``ids()``, kept a while): a page then
        reads its own pairs by id, and the count is the number of ids."""
        self._order = tuple(ids)
        return self

    def count(self) -> int:
        if self._order is not None:
            return len(self._order)
        return Pair.objects.filter(program_id=self._program_id).count()

    def __len__(self) -> int:
        return self.count()

    @overload
    def __getitem__(self, index: int) -> PairRow: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[PairRow, ...]: ...

    def __getitem__(self, index: int | slice) -> PairRow | tuple[PairRow, ...]:
        if isinstance(index, int):
            return self[index : index + 1][0]
        if self._order is not None:
            wanted = self._order[index]
            found = {
                pair.pk: pair
                for pair in self._pairs.filter(pk__in=wanted).select_related(*member_related())
            }
            return tuple(self._row(found[pk]) for pk in wanted if pk in found)
        page = list(self._pairs.select_related(*member_related())[index])
        return tuple(self._row(pair) for pair in page)

    def _row(self, pair: Any) -> PairRow:
        quiet_since = pair.last_met or pair.started_at
        active = pair.status == Pair.Status.ACTIVE
        return PairRow(
            people=tuple(
                (role, person.full_name or person.email)
                for role, person in zip(MEMBER_ROLES, members(pair), strict=True)
            ),
            active=active,
            started_at=pair.started_at,
            held=pair.held,
            last_met=pair.last_met,
            weeks_since=max((self._now - quiet_since).days // 7, 0),
            stalled=active and quiet_since < self._stalled_before,
        )


@dataclass(frozen=True)
class TrendWeek:
    week: dt.date  # its Monday
    held: int  # meetings held that week
    active_pairs: int  # pairs active at the end of the week


def _per_week(rows: QuerySet[Any], field: str) -> dict[dt.date, int]:
    counted = (
        rows.order_by()
        .annotate(week=TruncWeek(field))
        .values("week")
        .annotate(n=Count("pk"))
        .values_list("week", "n")
    )
    return {_as_date(week): n for week, n in counted if week is not None}


def _as_date(value: dt.datetime | dt.date) -> dt.date:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def weekly_trend(
    *, program_id: int, starts_on: dt.date, ends_on: dt.date, now: dt.datetime
) -> tuple[TrendWeek, ...]:
    """Week by week over the program's life (the last TREND_WEEKS weeks at most), in three
    queries: meetings held, pairs started and pairs ended, each counted per week."""
    pairs = Pair.objects.filter(program_id=program_id)
    held = _per_week(Meeting.objects.filter(_held(now=now), pair__program_id=program_id), "start")
    started = _per_week(pairs, "started_at")
    ended = _per_week(pairs.filter(ended_at__isnull=False), "ended_at")
    today = timezone.localdate(now)
    first = min([starts_on, *started, *held]) if (started or held) else starts_on
    last = min(max(today, first), max(ends_on, first))
    monday = first - dt.timedelta(days=first.weekday())
    weeks = []
    while monday <= last:
        weeks.append(monday)
        monday += dt.timedelta(days=7)
    weeks = weeks[-TREND_WEEKS:]
    if not weeks:
        return ()
    active = sum(n for w, n in started.items() if w < weeks[0]) - sum(
        n for w, n in ended.items() if w < weeks[0]
    )
    trend = []
    for week in weeks:
        active += started.get(week, 0) - ended.get(week, 0)
        trend.append(TrendWeek(week=week, held=held.get(week, 0), active_pairs=active))
    return tuple(trend)


@dataclass(frozen=True)
class ProgramComparison:
    """One program's row in the side-by-side comparison."""

    program_id: int
    active_pairs: int
    pairs: int
    pairs_met: int  # pairs with at least one held meeting
    pairs_met_recently: int  # active pairs with a held meeting in the last RECENT_DAYS days
    held: int
    ended_early: int


def programs_compared(
    *, program_ids: Sequence[int], now: dt.datetime
) -> dict[int, ProgramComparison]:
    """For these programs, in two queries whatever their number and size."""
    recent = now - dt.timedelta(days=RECENT_DAYS)
    met = Exists(Meeting.objects.filter(_held(now=now), pair=OuterRef("pk")))
    met_recently = Exists(
        Meeting.objects.filter(_held(now=now), pair=OuterRef("pk"), end__gt=recent)
    )
    pair_rows = (
        Pair.objects.filter(program_id__in=program_ids)
        .order_by()
        .annotate(met=met, met_recently=met_recently)
        .values("program_id")
        .annotate(
            pairs=Count("pk"),
            active=Count("pk", filter=Q(status=Pair.Status.ACTIVE)),
            met_n=Count("pk", filter=Q(met=True)),
            recent_n=Count("pk", filter=Q(met_recently=True, status=Pair.Status.ACTIVE)),
            early=Count(
                "pk",
                filter=Q(status=Pair.Status.ENDED, ended_at__date__lte=F("program__ends_on")),
            ),
        )
    )
    held = dict(
        Meeting.objects.filter(_held(now=now), pair__program_id__in=program_ids)
        .order_by()
        .values("pair__program_id")
        .annotate(n=Count("pk"))
        .values_list("pair__program_id", "n")
    )
    found = {}
    for row in pair_rows:
        found[row["program_id"]] = ProgramComparison(
            program_id=row["program_id"],
            active_pairs=row["active"],
            pairs=row["pairs"],
            pairs_met=row["met_n"],
            pairs_met_recently=row["recent_n"],
            held=held.get(row["program_id"], 0),
            ended_early=row["early"],
        )
    return {
        pk: found.get(pk, ProgramComparison(pk, 0, 0, 0, 0, held.get(pk, 0), 0))
        for pk in program_ids
    }


@dataclass(frozen=True)
class ProgramWeekCounts:
    """A running program's counts for the weekly HR digest."""

    program_id: int
    name: str
    pairs: int  # active
    meetings_held: int  # in the past seven days
    pairs_without_meeting: int  # active pairs that never had or booked one


def programs_week_counts(*, now: dt.datetime) -> tuple[ProgramWeekCounts, ...]:
    """Every program that is not closed, by name, in two queries."""
    week_ago = now - dt.timedelta(days=7)
    programs = (
        Program.objects.exclude(status=Program.Status.CLOSED)
        .annotate(
            active_pairs=Count("pairs", filter=Q(pairs__status=Pair.Status.ACTIVE), distinct=True),
            held=Count(
                "pairs__meetings",
                filter=Q(
                    pairs__meetings__status=Meeting.Status.SCHEDULED,
                    pairs__meetings__end__lte=now,
                    pairs__meetings__end__gt=week_ago,
                ),
                distinct=True,
            ),
        )
        .order_by("name", "pk")
    )
    any_meeting = Meeting.objects.filter(pair=OuterRef("pk"), status=Meeting.Status.SCHEDULED)
    quiet_counts = dict(
        Pair.objects.filter(status=Pair.Status.ACTIVE)
        .filter(~Exists(any_meeting))
        .order_by()
        .values("program_id")
        .annotate(n=Count("pk"))
        .values_list("program_id", "n")
    )
    return tuple(
        ProgramWeekCounts(p.pk, p.name, p.active_pairs, p.held, quiet_counts.get(p.pk, 0))
        for p in programs
    )


def future_meetings_in_active_pairs(*, pairs: QuerySet[Pair], now: dt.datetime) -> int:
    """Meetings still to come in these pairs' active ones (what deactivating someone cancels)."""
    return Meeting.objects.filter(
        pair__in=pairs.filter(status=Pair.Status.ACTIVE),
        status=Meeting.Status.SCHEDULED,
        start__gt=now,
    ).count()
