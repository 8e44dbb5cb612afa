"""One way to write an e-mail: templates named by one rule, in the recipient's language
and time zone, with an HTML part only where the template exists."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.template import TemplateDoesNotExist
from django.test import override_settings
from django.utils import formats, timezone

from lib.mail import compose

TEMPLATES = {
    "note/email/hello_subject.txt": "Hello\n{{ name }}\n",
    "note/email/hello_message.txt": "{{ when|date:'H:i' }} {{ day }}",
    "note/email/hello_message.html": "<p>{{ name }}</p>",
    "note/email/plain_subject.txt": "Plain",
    "note/email/plain_message.txt": "Only text",
}


def _locmem() -> list[dict[str, object]]:
    engine = {**settings.TEMPLATES[0], "APP_DIRS": False}
    options = {**engine.get("OPTIONS", {})}  # type: ignore[dict-item]
    options["loaders"] = [("django.template.loaders.locmem.Loader", TEMPLATES)]
    engine["OPTIONS"] = options
    return [engine]


@dataclass
class Person:
    email: str
    language: str
    time_zone: str


NOON_UTC = dt.datetime(2026, 7, 1, 12, 0, tzinfo=dt.UTC)


def test_it_writes_in_the_recipients_language_and_time_zone() -> None:
    ana = Person("ana@example.com", "de", "Europe/Berlin")
    with override_settings(TEMPLATES=_locmem()):
        message = compose(
            "note/email/hello",
            to=ana,
            context=lambda: {
                "name": "Ana",
                "when": NOON_UTC,
                "day": formats.date_format(timezone.localdate(NOON_UTC), "l"),
            },
        )
    assert message.to == ["ana@example.com"]
    assert message.subject == "Hello Ana"
    assert message.body == "14:00 Mittwoch"  # Berlin in summer; German day name
    assert message.alternatives[0].content == "<p>Ana</p>"  # type: ignore[union-attr]


def test_there_is_no_html_part_without_an_html_template() -> None:
    with override_settings(TEMPLATES=_locmem()):
        message = compose("note/email/plain", to=Person("b@example.com", "en", "UTC"), context={})
    assert message.body == "Only text"
    assert message.alternatives == []


def test_a_missing_text_template_is_an_error_not_an_empty_e_mail() -> None:
    with override_settings(TEMPLATES=_locmem()), pytest.raises(TemplateDoesNotExist):
        compose("note/email/missing", to=Person("c@example.com", "en", "UTC"), context={})


def test_the_language_and_time_zone_of_the_caller_are_restored() -> None:
    with override_settings(TEMPLATES=_locmem()):
        compose("note/email/plain", to=Person("d@example.com", "fr", "Asia/Tokyo"), context={})
    assert timezone.get_current_timezone_name() == settings.TIME_ZONE
