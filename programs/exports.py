"""CSV exports for HR: pure functions over rows, safe to open in a spreadsheet.

Only enrolment answers (matching data HR may see) go in here; nothing from
nominations or focus suggestions, which are private to the report.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence

from programs.models import Enrolment

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

# A spreadsheet runs a cell that starts with one of these as a formula (OWASP, CSV injection).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

BOM = "\ufeff"  # so that Excel reads the file as UTF-8 and shows accents


def csv_safe(value: object) -> str:
    """The cell as text, prefixed with a quote when a spreadsheet would run it as a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_TRIGGERS) else text


def csv_document(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """A UTF-8 CSV file with a byte order mark; every cell is escaped by ``csv_safe``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([csv_safe(cell) for cell in header])
    writer.writerows([csv_safe(cell) for cell in row] for row in rows)
    return (BOM + buffer.getvalue()).encode("utf-8")


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
