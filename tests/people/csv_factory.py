"""Build HR people CSV files for import tests.

A file is a list of rows in header order; ``None`` stands for a blank line.
Row numbers are what a spreadsheet shows: the header is row 1, so the entry at
list index ``i`` is row ``i + 2``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

COLUMNS = (
    "employee_id",
    "email",
    "full_name",
    "department",
    "title",
    "manager_employee_id",
    "time_zone",
    "language",
)
DEPARTMENTS = ("Engineering", "Finance", "Sales", "People", "Legal", "Operations", "Product")
TIME_ZONES = ("Europe/Berlin", "America/New_York", "Asia/Tokyo", "UTC", "")
LANGUAGES = ("en", "de", "fr", "es", "nl", "")
REPORTS_PER_MANAGER = 5

Row = list[str]


def employee_id(number: int, *, prefix: str = "E") -> str:
    return f"{prefix}{number:05d}"


def person(
    number: int,
    *,
    prefix: str = "E",
    manager: int | None = None,
    department_prefix: str = "",
) -> dict[str, str]:
    """The cells of one valid person, as a dict by column."""
    return {
        "employee_id": employee_id(number, prefix=prefix),
        "email": f"{prefix.lower()}{number:05d}@example.com",
        "full_name": f"Person {prefix}{number}",
        "department": department_prefix + DEPARTMENTS[number % len(DEPARTMENTS)],
        "title": "Engineer" if number % 3 else "Lead",
        "manager_employee_id": "" if manager is None else employee_id(manager, prefix=prefix),
        "time_zone": TIME_ZONES[number % len(TIME_ZONES)],
        "language": LANGUAGES[number % len(LANGUAGES)],
    }


def cells(values: dict[str, str], columns: Sequence[str] = COLUMNS) -> Row:
    return [values[column] for column in columns]


def organisation(
    count: int, *, prefix: str = "E", department_prefix: str = ""
) -> list[dict[str, str]]:
    """A reporting tree of ``count`` people, written reports first and managers last.

    Person 0 has no manager; person n reports to person (n - 1) // 5, so people
    numbered (count - 1) // 5 + 1 and up manage nobody. Writing the list in
    reverse makes every manager appear after their reports, which the import
    must handle.
    """
    people = [
        person(
            number,
            prefix=prefix,
            manager=None if number == 0 else (number - 1) // REPORTS_PER_MANAGER,
            department_prefix=department_prefix,
        )
        for number in range(count)
    ]
    return people[::-1]


def first_without_reports(count: int) -> int:
    """The lowest person number in ``organisation(count)`` who manages nobody."""
    return (count - 2) // REPORTS_PER_MANAGER + 1


def csv_bytes(
    rows: Sequence[Row | None],
    *,
    header: Sequence[str] = COLUMNS,
    delimiter: str = ",",
    bom: bool = False,
    encoding: str = "utf-8",
) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        if row is None:
            buffer.write("\r\n")
        else:
            writer.writerow(row)
    data = buffer.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def people_csv(
    people: Sequence[dict[str, str]],
    *,
    columns: Sequence[str] = COLUMNS,
    delimiter: str = ",",
    bom: bool = False,
) -> bytes:
    rows = [cells(values, columns) for values in people]
    return csv_bytes(rows, header=columns, delimiter=delimiter, bom=bom)
