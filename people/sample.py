"""The sample file HR can download from the import page: every column the importer
reads (``people.imports.COLUMNS``), in its order, with rows that import as they are."""

from __future__ import annotations

import csv
import io

from people.imports import COLUMNS

# A small team with its reporting line: the manager comes first, but the importer
# would accept any order.
SAMPLE_ROWS: tuple[dict[str, str], ...] = (
    {
        "employee_id": "S1001",
        "email": "ann.example@example.com",
        "full_name": "Ann Example",
        "department": "Finance",
        "title": "Head of Finance",
        "manager_employee_id": "",
        "time_zone": "Europe/Berlin",
        "language": "de",
    },
    {
        "employee_id": "S1002",
        "email": "bo.sample@example.com",
        "full_name": "Bo Sample",
        "department": "Finance",
        "title": "Analyst",
        "manager_employee_id": "S1001",
        "time_zone": "Europe/Amsterdam",
        "language": "nl",
    },
    {
        "employee_id": "S1003",
        "email": "chen.demo@example.com",
        "full_name": "Chen Demo",
        "department": "Engineering",
        "title": "Engineer",
        "manager_employee_id": "S1001",
        "time_zone": "America/New_York",
        "language": "en",
    },
)


def sample_people_csv() -> bytes:
    """The sample as UTF-8 with a byte order mark, so spreadsheets open accents intact."""
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(SAMPLE_ROWS)
    return out.getvalue().encode("utf-8-sig")
