"""The registry of each app's part of a person's own data."""

from __future__ import annotations

from typing import Any

import pytest

from lib import personal_data
from lib.personal_data import Registration, register, registrations, render_section
from people.models import User

pytestmark = pytest.mark.django_db


def test_every_app_with_personal_data_is_found_in_installed_order() -> None:
    keys = [registration.key for registration in registrations()]
    assert keys == [
        "people",
        "notifications",
        "programs",
        "matching",
        "meetings",
        "checkins",
        "journal",
    ]


def test_a_new_section_is_a_few_lines_and_reaches_the_export_and_the_erasure(
    mentee: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(personal_data, "_REGISTRY", dict(personal_data._REGISTRY))
    erased: list[Any] = []

    register(
        Registration(
            key="checkins",
            title="Check-ins",
            export=lambda person: render_section({"answers": [{"value": 4, "note": "<b>ok"}]}),
            erase=lambda *, person, replacement: erased.append(person) or {"answers": 1},
        )
    )

    sections = {r.key: s for r, s in personal_data.export_sections(mentee)}
    assert sections["checkins"].data == {"answers": [{"value": 4, "note": "<b>ok"}]}
    assert "&lt;b&gt;ok" in sections["checkins"].html  # escaped in index.html
    counts = personal_data.erase_person(person=mentee, replacement=None)
    assert counts["checkins"] == {"answers": 1}
    assert erased == [mentee]
    assert next(iter(counts)) == "checkins"  # erasers run apps above first


def test_moments_are_utc_in_json_and_the_viewers_in_html(settings: Any) -> None:
    import datetime as dt
    import zoneinfo

    from django.utils import timezone, translation

    moment = dt.datetime(2026, 12, 7, 18, 31, tzinfo=dt.UTC)
    with translation.override("de"), timezone.override(zoneinfo.ZoneInfo("Europe/Berlin")):
        section = render_section({"meetings": [{"start": moment, "done": True}]})
    assert section.data == {"meetings": [{"start": "2026-12-07T18:31:00+00:00", "done": True}]}
    assert "19:31" in section.html
    assert "Ja" in section.html
