"""Daylight saving time at both 2026 transitions in three zones, Kolkata as the control.

A local time in the spring gap is refused; one in the autumn overlap is ambiguous until the
person chooses; a weekly series keeps its wall-clock time across the change; and any aware
moment survives storage (UTC) and display (local) unchanged.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from meetings.services import When, occurrences
from meetings.timezones import Ambiguous, local, to_utc

# zone, the spring-forward day and a local time in its gap, the fall-back day and a time in
# its overlap (in Sydney, 2026's autumn comes in April and spring in October).
TRANSITIONS = [
    ("Europe/Berlin", dt.date(2026, 3, 29), dt.time(2, 30), dt.date(2026, 10, 25), dt.time(2, 30)),
    ("America/New_York", dt.date(2026, 3, 8), dt.time(2, 30), dt.date(2026, 11, 1), dt.time(1, 30)),
    ("Australia/Sydney", dt.date(2026, 10, 4), dt.time(2, 30), dt.date(2026, 4, 5), dt.time(2, 30)),
]
ZONES = [t[0] for t in TRANSITIONS]
CONTROL = "Asia/Kolkata"


@pytest.mark.parametrize(("zone", "gap_day", "gap_time", "_d", "_t"), TRANSITIONS)
def test_a_time_in_the_spring_gap_is_refused(
    zone: str, gap_day: dt.date, gap_time: dt.time, _d: dt.date, _t: dt.time
) -> None:
    with pytest.raises(ValidationError, match="does not exist") as refused:
        to_utc(gap_day, gap_time, zone)
    assert zone in refused.value.messages[0]
    for fold in (0, 1):  # choosing a fold does not make a missing time exist
        with pytest.raises(ValidationError):
            to_utc(gap_day, gap_time, zone, fold=fold)


@pytest.mark.parametrize(("zone", "gap_day", "gap_time", "_d", "_t"), TRANSITIONS)
def test_the_hours_around_the_spring_gap_exist(
    zone: str, gap_day: dt.date, gap_time: dt.time, _d: dt.date, _t: dt.time
) -> None:
    before = to_utc(gap_day, dt.time(gap_time.hour - 1, 30), zone)
    after = to_utc(gap_day, dt.time(gap_time.hour + 1, 30), zone)
    assert after - before == dt.timedelta(hours=1)  # two hours apart on the clock


@pytest.mark.parametrize(("zone", "_d", "_t", "overlap_day", "overlap_time"), TRANSITIONS)
def test_a_time_in_the_autumn_overlap_is_ambiguous_until_chosen(
    zone: str, _d: dt.date, _t: dt.time, overlap_day: dt.date, overlap_time: dt.time
) -> None:
    with pytest.raises(Ambiguous) as asked:
        to_utc(overlap_day, overlap_time, zone)
    earlier, later = asked.value.earlier, asked.value.later
    assert later - earlier == dt.timedelta(hours=1)
    assert to_utc(overlap_day, overlap_time, zone, fold=0) == earlier
    assert to_utc(overlap_day, overlap_time, zone, fold=1) == later
    for moment in (earlier, later):  # both read back as the same wall-clock time
        shown = local(moment, zone)
        assert (shown.date(), shown.time()) == (overlap_day, overlap_time)
    assert local(earlier, zone).tzname() != local(later, zone).tzname()


@pytest.mark.parametrize(("zone", "gap_day", "_t", "overlap_day", "_t2"), TRANSITIONS)
@pytest.mark.parametrize("change", ["spring", "autumn"])
def test_a_weekly_series_keeps_its_wall_clock_time_across_the_change(
    zone: str, gap_day: dt.date, _t: dt.time, overlap_day: dt.date, _t2: dt.time, change: str
) -> None:
    changes_on = gap_day if change == "spring" else overlap_day
    first = changes_on - dt.timedelta(days=15)
    when = When(first, dt.time(9, 30), dt.timedelta(hours=1), zone)
    starts = occurrences(when, every_weeks=1, count=5, until=None)
    assert len(starts) == 5
    shown = [local(start, zone) for start in starts]
    assert {s.time() for s in shown} == {dt.time(9, 30)}
    assert [s.date() for s in shown] == [first + dt.timedelta(weeks=n) for n in range(5)]
    assert len({s.utcoffset() for s in shown}) == 2  # the UTC time moved, the clock did not
    assert all(start.tzinfo is not None for start in starts)


def test_kolkata_has_no_gap_and_no_overlap_in_2026() -> None:
    day = dt.date(2026, 1, 1)
    while day.year == 2026:
        for hour in range(24):
            moment = to_utc(day, dt.time(hour, 30), CONTROL)  # never raises
            assert local(moment, CONTROL).utcoffset() == dt.timedelta(hours=5, minutes=30)
        day += dt.timedelta(days=1)


@pytest.mark.parametrize("day", [t[1] for t in TRANSITIONS] + [t[3] for t in TRANSITIONS])
def test_kolkata_is_never_ambiguous_on_the_other_zones_change_days(day: dt.date) -> None:
    for minutes in range(0, 24 * 60, 15):
        to_utc(day, dt.time(minutes // 60, minutes % 60), CONTROL)


@given(
    moment=st.datetimes(
        min_value=dt.datetime(1980, 1, 1),  # noqa: DTZ001 - bounds; timezones= makes them aware
        max_value=dt.datetime(2100, 12, 31),  # noqa: DTZ001
        timezones=st.just(dt.UTC),
    ),
    zone=st.sampled_from([*ZONES, CONTROL, "UTC", "Europe/London", "Pacific/Chatham"])
    | st.timezone_keys(),
)
def test_any_aware_moment_round_trips_through_storage_and_display(
    moment: dt.datetime, zone: str
) -> None:
    shown = local(moment, zone)
    stored = to_utc(shown.date(), shown.time(), zone, fold=shown.fold)
    assert stored == moment
    assert stored.utcoffset() == dt.timedelta(0)


def test_the_zones_in_these_tests_are_known() -> None:
    for zone in [*ZONES, CONTROL]:
        zoneinfo.ZoneInfo(zone)
