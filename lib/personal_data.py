"""A person's own data, app by app: what each app exports, erases and stores about a person.

The journal is a leaf that nothing else may import, so neither the export nor the erasure
can read session content themselves. Instead every app that holds personal data has a
``personal_data`` module that registers one ``Registration`` here; the registry finds
those modules itself the first time it is asked (``autodiscover_modules``, as Celery
finds ``tasks`` modules), so no app's start-up does any work and the archive and the
erasure in ``people`` walk every app without importing one.

Adding an app's section (about 15 lines), e.g. for a ``checkins`` app::

    # checkins/personal_data.py
    from lib.personal_data import ModelFields, Registration, register, render_section

    def export(person):                       # -> Section
        answers = list(Answer.objects.filter(person=person).values("question", "value", "at"))
        return render_section({"check_in_answers": answers})

    def erase(*, person, replacement):        # -> counts, no text
        return {"answers": Answer.objects.filter(person=person).delete()[0]}

    REGISTRATION = Registration(
        key="checkins", title=_("Check-ins"), export=export, erase=erase,
        fields=(ModelFields("checkins.Answer", ("value", "at"), _("Your check-in answers")),),
    )
    register(REGISTRATION)

That is all: the export, the erasure and the works council's page
(``docs/data-protection.md``, regenerate its ``personal-data`` block) pick it up.

``render_section`` takes lists of rows: ``data.json`` holds them (moments in UTC, ISO
8601) and ``index.html`` shows each list as a table, so the machine-readable and the
readable parts never disagree; keyword ``files`` are extra files in the archive
(``meetings.ics``).

The export runs the exporters in ``INSTALLED_APPS`` order (people first). The erasure
runs the erasers in the reverse order, apps above first, all inside one transaction: an
app erases while the rows it reads from the apps below (a pair's enrolments) still name
the person. ``replacement`` is the erased person's stand-in, an account with no personal
data ("a former participant") that takes over the rows the other member of a pair still
needs (the enrolment a pair points at).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.template.loader import render_to_string
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lib.formats import moment_text


@dataclass(frozen=True)
class Section:
    """One app's part of a person's archive."""

    data: dict[str, Any]  # JSON-able: goes into data.json under the registration's key
    html: str  # a rendered fragment of index.html
    files: dict[str, bytes] = field(default_factory=dict)  # more files in the archive


@dataclass(frozen=True)
class ModelFields:
    """The personal data one model holds, for the works council's page."""

    model: str  # "app_label.ModelName"
    fields: tuple[str, ...]
    purpose: Promise | str


@dataclass(frozen=True)
class Registration:
    key: str  # the section's key in data.json
    title: Promise | str
    export: Callable[[Any], Section]
    erase: Callable[..., Mapping[str, int]]  # (*, person, replacement) -> counts, no text
    fields: tuple[ModelFields, ...] = ()


# The readable names of the keys the sections use, for index.html; a new key without a
# label shows as its words ("check_in_answers": "Check in answers") until it gets one.
LABELS: dict[str, Promise] = {
    # sections
    "profile": gettext_lazy("Profile"),
    "email_settings": gettext_lazy("E-mail settings"),
    "sign_in_addresses": gettext_lazy("Sign-in addresses"),
    "enrolments_and_matching_answers": gettext_lazy("Enrolments and matching answers"),
    "nominations_for_you": gettext_lazy("Nominations for you"),
    "focus_suggestions_for_you": gettext_lazy("Focus suggestions for you"),
    "program_invitations": gettext_lazy("Program invitations"),
    "pairs": gettext_lazy("Pairs"),
    "mentorship_requests": gettext_lazy("Mentorship requests"),
    "meetings": gettext_lazy("Meetings"),
    "calendar_feeds": gettext_lazy("Calendar feeds"),
    "agenda_items": gettext_lazy("Agenda items"),
    "shared_notes": gettext_lazy("Shared notes"),
    "shared_note_versions_you_saved": gettext_lazy("Versions of the shared notes you saved"),
    "your_private_notes": gettext_lazy("Your private notes"),
    "goals": gettext_lazy("Goals"),
    "goal_progress_notes": gettext_lazy("Progress notes on goals"),
    "agreements": gettext_lazy("Agreements"),
    "shared_focus": gettext_lazy("Shared focus"),
    "notifications": gettext_lazy("Notifications"),
    "survey_answers": gettext_lazy("Survey answers"),
    "pulse_answers": gettext_lazy("Answers after meetings"),
    # columns
    "full_name": gettext_lazy("Full name"),
    "email": gettext_lazy("E-mail address"),
    "employee_id": gettext_lazy("Employee ID"),
    "department": gettext_lazy("Department"),
    "title": gettext_lazy("Job title"),
    "line_manager": gettext_lazy("Line manager"),
    "time_zone": gettext_lazy("Time zone"),
    "language": gettext_lazy("Language"),
    "joined": gettext_lazy("Joined"),
    "last_sign_in": gettext_lazy("Last sign-in"),
    "reminders_before_meetings": gettext_lazy("Reminders before meetings"),
    "nudges_when_quiet": gettext_lazy("Nudges when a pair has not met"),
    "verified": gettext_lazy("Verified"),
    "primary": gettext_lazy("Primary"),
    "program": gettext_lazy("Program"),
    "program_name": gettext_lazy("Program"),
    "role": gettext_lazy("Role"),
    "your_role": gettext_lazy("Your role"),
    "status": gettext_lazy("Status"),
    "capacity": gettext_lazy("Mentees you can take"),
    "skills": gettext_lazy("Skills"),
    "development_goals": gettext_lazy("Development goals"),
    "languages": gettext_lazy("Languages"),
    "meeting_format": gettext_lazy("Meeting format"),
    "weekly_availability": gettext_lazy("Weekly availability"),
    "availability_time_zone": gettext_lazy("Time zone of the availability"),
    "years_experience": gettext_lazy("Years of experience"),
    "enrolled": gettext_lazy("Enrolled"),
    "withdrawn": gettext_lazy("Withdrawn"),
    "manager": gettext_lazy("Manager"),
    "manager_name": gettext_lazy("Manager"),
    "note": gettext_lazy("Note"),
    "created": gettext_lazy("Created"),
    "dismissed": gettext_lazy("Dismissed"),
    "with": gettext_lazy("With"),
    "started": gettext_lazy("Started"),
    "ended": gettext_lazy("Ended"),
    "mentee": gettext_lazy("Mentee"),
    "mentor": gettext_lazy("Mentor"),
    "message": gettext_lazy("Message"),
    "reason": gettext_lazy("Reason"),
    "sent": gettext_lazy("Sent"),
    "answered": gettext_lazy("Answered"),
    "start": gettext_lazy("Start"),
    "end": gettext_lazy("End"),
    "place": gettext_lazy("Place"),
    "your_answer": gettext_lazy("Your answer"),
    "kind": gettext_lazy("Kind"),
    "meeting_start": gettext_lazy("Meeting"),
    "author": gettext_lazy("Author"),
    "text": gettext_lazy("Text"),
    "done": gettext_lazy("Done"),
    "last_edited_by": gettext_lazy("Last edited by"),
    "updated": gettext_lazy("Updated"),
    "version": gettext_lazy("Version"),
    "goal": gettext_lazy("Goal"),
    "what_it_means": gettext_lazy("What it means to you"),
    "expectations": gettext_lazy("Expectations"),
    "cadence": gettext_lazy("How often we meet"),
    "confidentiality": gettext_lazy("Confidentiality"),
    "shared": gettext_lazy("Shared"),
    "read": gettext_lazy("Read"),
    "survey": gettext_lazy("Survey"),
    "question": gettext_lazy("Question"),
    "useful": gettext_lazy("How useful"),
    "progress": gettext_lazy("Progress"),
}

_REGISTRY: dict[str, Registration] = {}
_discovered = False


def register(registration: Registration) -> None:
    """Add an app's section; registering the same key again replaces it (a reloaded app)."""
    _REGISTRY[registration.key] = registration


def registrations() -> tuple[Registration, ...]:
    """Every app's section, in ``INSTALLED_APPS`` order."""
    global _discovered
    if not _discovered:
        autodiscover_modules("personal_data")
        _discovered = True
    order = {config.name: index for index, config in enumerate(apps.get_app_configs())}
    return tuple(
        sorted(
            _REGISTRY.values(),
            key=lambda r: order.get(r.export.__module__.split(".")[0], len(order)),
        )
    )


def export_sections(person: Any) -> list[tuple[Registration, Section]]:
    return [(registration, registration.export(person)) for registration in registrations()]


def erase_person(*, person: Any, replacement: Any) -> dict[str, dict[str, int]]:
    """Every app's eraser, apps above first; the caller holds the transaction."""
    return {
        registration.key: dict(registration.erase(person=person, replacement=replacement))
        for registration in reversed(registrations())
    }


def render_section(data: Mapping[str, Sequence[Mapping[str, Any]]], **files: bytes) -> Section:
    """A section from lists of rows: ``data.json`` holds them as they are (moments in UTC,
    ISO 8601), ``index.html`` shows each list as a table under its name, moments in the
    active language and time zone (the archive is built in the person's own)."""
    html = render_to_string("personal_data/section.html", {"tables": _tables(data)})
    return Section(data=jsonable(data), html=html, files=files)


def _tables(data: Mapping[str, Sequence[Mapping[str, Any]]]) -> list[dict[str, Any]]:
    tables = []
    for name, rows in data.items():
        columns = list(dict.fromkeys(key for row in rows for key in row))
        cells = [[_cell(row.get(column)) for column in columns] for row in rows]
        headings = [_heading(column) for column in columns]
        tables.append({"name": _heading(name), "columns": headings, "rows": cells})
    return tables


def _heading(key: str) -> str:
    """The key's label in the active language (``LABELS``), or the key in plain words."""
    label = LABELS.get(key)
    return str(label) if label is not None else " ".join(key.split("_")).capitalize()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    if isinstance(value, dt.datetime):
        return moment_text(value)
    if isinstance(value, dt.date):
        return date_format(value, "DATE_FORMAT")
    if isinstance(value, list | tuple):
        return ", ".join(_cell(item) for item in value)
    if isinstance(value, dict):
        return json.dumps(jsonable(value), ensure_ascii=False)
    return str(value)


def jsonable(value: Any) -> Any:
    """Dates as ISO 8601 in UTC, decimals as strings, lazy text as text."""
    return json.loads(json.dumps(value, default=_json_default))


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal | Promise):
        return str(value)
    if isinstance(value, set | frozenset | tuple):
        return sorted(value) if isinstance(value, set | frozenset) else list(value)
    raise TypeError(f"{type(value).__name__} is not JSON-able")
