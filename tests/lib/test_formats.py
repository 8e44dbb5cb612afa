"""One way of writing dates and times per language (lib/formats)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import timezone, translation

from lib.formats import clock_text, moment_text

EVENING = dt.datetime(2026, 12, 3, 17, 31, tzinfo=dt.UTC)  # 18:31 in Berlin

EXPECTED = {
    "en": "3 December 2026, 18:31",
    "de": "3. Dezember 2026, 18:31",
    "es": "3 de diciembre de 2026, 18:31",
    "fr": "3 décembre 2026, 18:31",
    "nl": "3 december 2026, 18:31",
}


def test_every_language_has_its_formats() -> None:
    assert {code for code, _name in settings.LANGUAGES} == set(EXPECTED)


@pytest.mark.parametrize(("language", "text"), EXPECTED.items())
def test_a_moment_reads_the_same_in_python_and_in_templates(language: str, text: str) -> None:
    template = Template('{{ moment|date:"DATETIME_FORMAT" }}')
    with translation.override(language), timezone.override(zoneinfo.ZoneInfo("Europe/Berlin")):
        assert moment_text(EVENING) == text
        assert template.render(Context({"moment": EVENING})) == text


@pytest.mark.parametrize(("language", "text"), [("en", "18:31"), ("de", "18:31"), ("nl", "18:31")])
def test_the_clock_follows_the_language(language: str, text: str) -> None:
    with translation.override(language):
        assert clock_text(dt.time(18, 31)) == text
        assert Template("{{ t|time }}").render(Context({"t": dt.time(18, 31)})) == text


def test_no_language_writes_the_old_p_m_style() -> None:
    for language in EXPECTED:
        with translation.override(language), timezone.override(dt.UTC):
            assert "p.m." not in moment_text(EVENING)


def test_a_moment_with_no_date_in_the_zone_is_written_in_utc() -> None:
    end_of_time = dt.datetime(9999, 12, 31, 23, 0, tzinfo=dt.UTC)
    with translation.override("de"), timezone.override(zoneinfo.ZoneInfo("Asia/Tokyo")):
        assert moment_text(end_of_time) == "31. Dezember 9999, 23:00 UTC"
