"""The time zones offered and how old names map to current ones."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from people.models import User
from people.services import person_regional_settings_set
from people.zones import canonical_zone, canonical_zones


@pytest.mark.parametrize(
    ("name", "current"),
    [
        ("Africa/Asmera", "Africa/Nairobi"),
        ("America/Atka", "America/Adak"),
        ("Asia/Calcutta", "Asia/Kolkata"),
        ("Europe/Kiev", "Europe/Kyiv"),
        ("US/Pacific", "America/Los_Angeles"),
        ("Etc/UTC", "UTC"),
        ("Europe/Amsterdam", "Europe/Amsterdam"),  # its own region, kept
        ("Europe/Berlin", "Europe/Berlin"),
        ("UTC", "UTC"),
    ],
)
def test_an_old_name_maps_to_the_current_zone(name: str, current: str) -> None:
    assert canonical_zone(name) == current


def test_a_name_that_is_no_zone_maps_to_nothing() -> None:
    assert canonical_zone("Mars/Olympus") is None
    assert canonical_zone("") is None


def test_the_mapped_zone_keeps_the_same_clock() -> None:
    for alias in ("Asia/Calcutta", "America/Atka", "Africa/Asmera", "US/Pacific"):
        current = canonical_zone(alias)
        assert current is not None
        for month in (1, 7):
            moment = dt.datetime(2026, month, 1, 12, tzinfo=dt.UTC)
            assert (
                moment.astimezone(zoneinfo.ZoneInfo(alias)).utcoffset()
                == moment.astimezone(zoneinfo.ZoneInfo(current)).utcoffset()
            )


def test_the_offered_zones_are_current_names_utc_first() -> None:
    zones = canonical_zones()
    assert zones[0] == "UTC"
    assert list(zones[1:]) == sorted(zones[1:])
    assert {"Africa/Asmera", "America/Atka", "Asia/Calcutta"}.isdisjoint(zones)
    assert all(zone in zoneinfo.available_timezones() for zone in zones)


@pytest.mark.django_db
def test_the_service_saves_an_alias_under_its_current_name(mentee: User) -> None:
    person_regional_settings_set(person=mentee, language="fr", time_zone="Europe/Kiev")
    mentee.refresh_from_db()
    assert (mentee.language, mentee.time_zone) == ("fr", "Europe/Kyiv")
