"""Every language a person can choose is translated whole, and the catalogues are sound.

A broken placeholder in a translation would turn a page or an e-mail into a 500 in that
language only; a missing or stale compiled catalogue would show English text to someone
who chose another language.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from meetings.models import Reminder
from meetings.reminders import reminder_message
from meetings.services import meeting_schedule
from people.models import User
from tests.manager_view.helpers import client_for
from tests.meetings.factories import make_pair, when
from tests.programs.factories import ProgramFactory, enrol

LOCALE = Path(settings.BASE_DIR) / "locale"
LANGUAGES = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
PLACEHOLDER = re.compile(r"%\([^)]+\)[sdif]|%[sdif]|\{[a-z_]+\}")
TAG = re.compile(r"</?([a-zA-Z][a-zA-Z0-9]*)")


def _catalogue(language: str) -> polib.POFile:
    return polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))


def _forms(entry: polib.POEntry) -> list[tuple[str, str]]:
    """(source, translation) for every form of the entry."""
    if entry.msgid_plural:
        return [
            (entry.msgid if index == 0 else entry.msgid_plural, text)
            for index, text in sorted(entry.msgstr_plural.items())
        ]
    return [(entry.msgid, entry.msgstr)]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_string_is_translated_and_none_is_fuzzy(language: str) -> None:
    catalogue = _catalogue(language)
    assert catalogue.untranslated_entries() == []
    assert catalogue.fuzzy_entries() == []
    assert catalogue.obsolete_entries() == []
    assert catalogue.metadata["Language"] == language
    assert len(catalogue) > 1000


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_placeholders_and_markup(language: str) -> None:
    problems = []
    for entry in _catalogue(language):
        for source, text in _forms(entry):
            if Counter(PLACEHOLDER.findall(source)) != Counter(PLACEHOLDER.findall(text)):
                problems.append(f"placeholders: {entry.msgid!r} -> {text!r}")
            if TAG.findall(source) != TAG.findall(text):
                problems.append(f"markup: {entry.msgid!r} -> {text!r}")
    assert problems == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalogue_matches_its_source(language: str) -> None:
    """`make messages` compiles; a .po edited without compiling would not show."""
    compiled = polib.mofile(str(LOCALE / language / "LC_MESSAGES" / "django.mo"))
    source = _catalogue(language)

    def pairs(catalogue: polib._BaseFile) -> set[tuple[str, str]]:
        return {
            (entry.msgctxt or "", entry.msgid, tuple(sorted(entry.msgstr_plural.items())))
            if entry.msgid_plural
            else (entry.msgctxt or "", entry.msgid, entry.msgstr)
            for entry in catalogue
            if entry.msgid
        }  # type: ignore[misc]

    assert pairs(compiled) == pairs(source)


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_pages_and_e_mails_speak_the_persons_language(language: str, mentee: User) -> None:
    mentee.language = language
    mentee.save(update_fields=["language"])
    with translation.override(language):
        my_mentoring = translation.gettext("My mentoring")
        settings_title = translation.gettext("Language and time zone")
    assert my_mentoring != "My mentoring"
    client = client_for(mentee)
    home = client.get(reverse("home"))
    assert home.status_code == 200
    assert f'lang="{language}"' in home.content.decode()
    assert my_mentoring in home.content.decode()
    page = client.get(reverse("people:email_settings"))
    assert settings_title in page.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_reminder_e_mail_speaks_the_recipients_language(
    language: str, mentee: User, mentor: User
) -> None:
    mentor.language = language
    mentor.save(update_fields=["language"])
    day = timezone.localdate() + dt.timedelta(days=3)
    [meeting] = meeting_schedule(
        pair=make_pair(mentee, mentor), organiser=mentee, when=when(day, 10)
    )
    reminder = Reminder.objects.select_related("recipient", "meeting").get(
        meeting=meeting, recipient=mentor, kind="before_60"
    )
    message = reminder_message(reminder)
    with translation.override(language):
        see_it = translation.gettext("See, move or cancel the meeting here:")
    assert see_it != "See, move or cancel the meeting here:"
    assert see_it in str(message.body)


@pytest.mark.django_db
def test_a_role_inside_a_sentence_keeps_its_capital_in_german(mentee: User) -> None:
    """Nouns keep their capital in German: "als Mentee", never the label made lower case."""
    enrol(ProgramFactory(name="Leadership Circle"), mentee)
    mentee.language = "de"
    mentee.save(update_fields=["language"])
    page = client_for(mentee).get(reverse("home")).content.decode()
    assert "als Mentee" in page
    assert "als mentee" not in page
    mentee.language = "en"
    mentee.save(update_fields=["language"])
    assert "as mentee" in client_for(mentee).get(reverse("home")).content.decode()
