"""CSV exports for HR: pure functions over rows, safe to open in a spreadsheet.

Only enrolment answers (matching data HR may see) go in here; nothing from
nominations or focus suggestions, which are private to the report.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from lib.csv_files import BOM, FORMULA_TRIGGERS, csv_document, csv_safe
from programs.models import Enrolment

__all__ = [
    "BOM",
    "FORMULA_TRIGGERS",
    "PARTICIPANT_COLUMNS",
    "csv_document",
    "csv_safe",
    "participant_row",
    "participants_csv",
    "utc_iso",
]

# Stable, machine-friendly headers (like the people import), so a sheet built on
# the export keeps working whatever the viewer's language.
PARTICIPANT_COLUMNS = (
    "name",
    "email",
    "department",
    "title",
    "role",
    "status",
    "capacity",
    "skills",
    "languages",
    "meeting_format",
    "years_experience",
    "goals",
    "enrolled_at_utc",
)


def utc_iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def participant_row(enrolment: Enrolment) -> tuple[object, ...]:
    """One enrolment as export cells; expects ``person__department`` and ``skills`` loaded."""
    person = enrolment.person
    return (
        person.full_name,
        person.email,
        person.department.name if person.department else "",
        person.title,
        enrolment.role,
        enrolment.status,
        enrolment.capacity if enrolment.capacity is not None else "",
        "; ".join(skill.name for skill in enrolment.skills.all()),
        "; ".join(enrolment.languages),
        enrolment.meeting_format,
        enrolment.years_experience,
        enrolment.goals,
        utc_iso(enrolment.created_at),
    )


def participants_csv(enrolments: Iterable[Enrolment]) -> bytes:
    return csv_document(PARTICIPANT_COLUMNS, (participant_row(e) for e in enrolments))
