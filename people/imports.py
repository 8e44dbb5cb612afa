"""Read and check an HR people CSV before anything is written.

The import is all or nothing, so this module collects every problem in a file,
each with the row a spreadsheet user sees (the header is row 1), and HR can fix
them all in one pass. Nothing here writes: ``people_import_csv`` in
``services.py`` does, and only when there are no problems at all.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TypeVar

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.db.models import Q, QuerySet
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from people.models import Department, User, validate_time_zone

MAX_FILE_BYTES = 5 * 1024 * 1024
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
REQUIRED_COLUMNS = ("employee_id", "email", "full_name")
DEFAULT_TIME_ZONE = "UTC"
DEFAULT_LANGUAGE = "en"
HEADER_ROW = 1
WHOLE_FILE = ""  # the column named by problems that concern the file, not one cell
# IN lists are split so that a 5 MB file stays below SQLite's and PostgreSQL's
# limits on query parameters; files up to this many rows need one query per lookup.
QUERY_CHUNK = 5_000
# A long reporting-line cycle is named by its first few people, not all of them.
CYCLE_NAMES_SHOWN = 8


@dataclass(frozen=True)
class ImportProblem:
    row: int
    column: str
    value: str
    message: str


@dataclass(frozen=True)
class PersonRow:
    """One data row, stripped and normalised (e-mail lowercased, defaults filled in)."""

    row: int
    employee_id: str
    email: str
    full_name: str
    department: str
    title: str
    manager_employee_id: str
    time_zone: str
    language: str


@dataclass(frozen=True)
class ParsedPeople:
    rows: tuple[PersonRow, ...]
    problems: tuple[ImportProblem, ...]


@dataclass(frozen=True)
class ExistingPeople:
    """What the database already holds that the file's rows must be checked against."""

    by_employee_id: dict[str, User]
    email_owners: dict[str, int]  # lowercased e-mail -> pk of the person who holds it
    # The whole organisation's reporting lines (pk -> manager pk, pk -> employee id);
    # loaded only when the file names managers it does not itself contain.
    manager_of: dict[int, int | None]
    employee_id_of: dict[int, str | None]
    pk_by_employee_id: dict[str, int]


@dataclass(frozen=True)
class ImportResult:
    problems: tuple[ImportProblem, ...] = ()
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


# ---------------------------------------------------------------- reading the file


def parse_people_csv(data: bytes) -> ParsedPeople:
    """Read every row and check what can be checked without the database."""
    if len(data) > MAX_FILE_BYTES:
        message = _("The file is larger than %(limit)d MB. Split it into smaller files.") % {
            "limit": MAX_FILE_BYTES // (1024 * 1024)
        }
        return _unreadable(HEADER_ROW, "", message)
    try:
        text = data.decode("utf-8-sig")  # also drops the byte order mark Excel writes
    except UnicodeDecodeError as error:
        return _not_utf8(data, error)
    return _parse_text(text)


def _unreadable(row: int, value: str, message: str) -> ParsedPeople:
    problem = ImportProblem(row=row, column=WHOLE_FILE, value=value, message=message)
    return ParsedPeople(rows=(), problems=(problem,))


def _not_utf8(data: bytes, error: UnicodeDecodeError) -> ParsedPeople:
    line = data[: error.start].count(b"\n") + 1
    bad = data[error.start : error.end].hex(" ").upper()
    message = _(
        "The file is not UTF-8 text (byte %(bytes)s on line %(line)d). "
        "Save it as “CSV UTF-8” and import it again."
    ) % {"bytes": bad, "line": line}
    return _unreadable(line, bad, message)


def _parse_text(text: str) -> ParsedPeople:
    records = _numbered_records(text)
    try:
        first = next(records, None)
    except csv.Error as error:
        return _unreadable(HEADER_ROW, "", _csv_error_message(error))
    if first is None:
        return _unreadable(HEADER_ROW, "", _("The file is empty. Row 1 must name the columns."))
    header, header_problems = _read_header(first[1])
    if header_problems:
        # Without a usable header every row would only repeat the same problem.
        return ParsedPeople(rows=(), problems=tuple(header_problems))
    rows, problems = _read_rows(records, header)
    problems.extend(_duplicates(rows, "employee_id"))
    problems.extend(_duplicates(rows, "email"))
    return ParsedPeople(rows=tuple(rows), problems=tuple(problems))


def _read_rows(
    records: Iterator[tuple[int, list[str]]], header: tuple[str, ...]
) -> tuple[list[PersonRow], list[ImportProblem]]:
    rows: list[PersonRow] = []
    problems: list[ImportProblem] = []
    number = HEADER_ROW
    try:
        for number, cells in records:
            row, row_problems = _read_row(number, header, cells)
            problems.extend(row_problems)
            if row is not None:
                rows.append(row)
    except csv.Error as error:
        # The reader cannot go on past this; the rows before it are still checked.
        problems.append(ImportProblem(number + 1, WHOLE_FILE, "", _csv_error_message(error)))
    return rows, problems


def _csv_error_message(error: csv.Error) -> str:
    return _("This row cannot be read as CSV: %(error)s.") % {"error": error}


def _numbered_records(text: str) -> Iterator[tuple[int, list[str]]]:
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    # Counting records, not physical lines, matches spreadsheet rows even when a
    # quoted cell spans several lines; blank lines are records too, so they count.
    return enumerate(reader, start=HEADER_ROW)


def _read_header(cells: list[str]) -> tuple[tuple[str, ...], list[ImportProblem]]:
    names = [cell.strip().lower() for cell in cells]
    while names and not names[-1]:
        names.pop()  # spreadsheets may end the header with empty cells, as they do rows
    header = tuple(names)
    problems = []
    seen: set[str] = set()
    for name in header:
        if name not in COLUMNS:
            message = _("Unknown column. The columns are: %(columns)s.") % {
                "columns": ", ".join(COLUMNS)
            }
            problems.append(ImportProblem(HEADER_ROW, name, name, message))
        elif name in seen:
            problems.append(ImportProblem(HEADER_ROW, name, name, _("This column appears twice.")))
        seen.add(name)
    for name in REQUIRED_COLUMNS:
        if name not in seen:
            problems.append(ImportProblem(HEADER_ROW, name, "", _("This column is required.")))
    return header, problems


def _read_row(
    number: int, header: tuple[str, ...], raw_cells: list[str]
) -> tuple[PersonRow | None, list[ImportProblem]]:
    cells = [cell.strip() for cell in raw_cells]
    if not any(cells):
        return None, []  # blank lines (and rows of empty cells) separate groups, not people
    shape_problem = _row_shape_problem(number, header, cells)
    if shape_problem is not None:
        return None, [shape_problem]
    values = dict.fromkeys(COLUMNS, "") | dict(zip(header, cells, strict=False))
    return person_values_check(number=number, values=values)


def person_values_check(
    *, number: int, values: dict[str, str]
) -> tuple[PersonRow | None, list[ImportProblem]]:
    """What makes one person valid, whoever describes them (a CSV row, a SCIM client):
    ``values`` holds the stripped text of each column in ``COLUMNS`` ("" when absent).
    The row is None when a value cannot even be looked up."""
    if nul_problems := _nul_problems(number, values):
        return None, nul_problems  # PostgreSQL cannot even look such values up
    problems = [
        ImportProblem(number, column, values[column], message)
        for column in COLUMNS
        if (message := _value_problem(column, values[column])) is not None
    ]
    return _person_row(number, values), problems


def _row_shape_problem(
    number: int, header: tuple[str, ...], cells: list[str]
) -> ImportProblem | None:
    # Trailing empty cells are what spreadsheets write after the last column; harmless.
    extra = [cell for cell in cells[len(header) :] if cell]
    if len(cells) < len(header):
        column, value = header[len(cells)], ""
    elif extra:
        column, value = WHOLE_FILE, extra[0]
    else:
        return None
    message = _("This row has %(cells)d cells, but the header has %(columns)d columns.") % {
        "cells": len(cells),
        "columns": len(header),
    }
    return ImportProblem(number, column, value, message)


def _nul_problems(number: int, values: dict[str, str]) -> list[ImportProblem]:
    message = _("This value contains a NUL character; the file is probably not a CSV file.")
    return [
        ImportProblem(number, column, value.replace("\x00", "\ufffd"), message)
        for column, value in values.items()
        if "\x00" in value
    ]


def _person_row(number: int, values: dict[str, str]) -> PersonRow:
    return PersonRow(
        row=number,
        employee_id=values["employee_id"],
        email=values["email"].lower(),
        full_name=values["full_name"],
        department=values["department"],
        title=values["title"],
        manager_employee_id=values["manager_employee_id"],
        time_zone=values["time_zone"] or DEFAULT_TIME_ZONE,
        language=values["language"].lower() or DEFAULT_LANGUAGE,
    )


# ---------------------------------------------------------------- checking single values


def _value_problem(column: str, value: str) -> str | None:
    if not value:
        return _("This value is required.") if column in REQUIRED_COLUMNS else None
    limit = _max_length(column)
    if limit is not None and len(value) > limit:
        return _("This value has %(length)d characters; at most %(limit)d are allowed.") % {
            "length": len(value),
            "limit": limit,
        }
    check = _VALUE_CHECKS.get(column)
    return check(value) if check is not None else None


def _max_length(column: str) -> int | None:
    if column == "manager_employee_id":
        return None  # an over-long id is reported as a manager nobody has
    model_field = (
        Department._meta.get_field("name")
        if column == "department"
        else User._meta.get_field(column)
    )
    return model_field.max_length if isinstance(model_field, models.Field) else None


def _email_problem(value: str) -> str | None:
    try:
        validate_email(value)
    except ValidationError:
        return _("This is not a valid e-mail address.")
    return None


def _time_zone_problem(value: str) -> str | None:
    try:
        validate_time_zone(value)
    except ValidationError:
        return _("This is not a time zone name like Europe/Berlin.")
    return None


def _language_problem(value: str) -> str | None:
    codes = [code for code, _name in settings.LANGUAGES]
    if value.lower() in codes:
        return None
    return _("Unknown language. Use one of: %(codes)s.") % {"codes": ", ".join(codes)}


_VALUE_CHECKS: dict[str, Callable[[str], str | None]] = {
    "email": _email_problem,
    "time_zone": _time_zone_problem,
    "language": _language_problem,
}


_DUPLICATE_MESSAGES: dict[str, Callable[[], str]] = {
    "employee_id": lambda: _("Row %(row)d already has this employee id."),
    "email": lambda: _("Row %(row)d already has this e-mail address."),
}


def _duplicates(rows: Sequence[PersonRow], column: str) -> Iterator[ImportProblem]:
    first_row: dict[str, int] = {}
    for row in rows:
        value = getattr(row, column)
        if not value:
            continue
        if value in first_row:
            message = _DUPLICATE_MESSAGES[column]() % {"row": first_row[value]}
            yield ImportProblem(row.row, column, value, message)
        else:
            first_row[value] = row.row


# ---------------------------------------------------------------- checking against the database

_T = TypeVar("_T")


def existing_people_load(*, rows: Sequence[PersonRow]) -> ExistingPeople:
    """Load, in a fixed number of queries, what the rows must be checked against."""
    employee_ids = sorted({row.employee_id for row in rows if row.employee_id})
    emails = sorted({row.email for row in rows if row.email})
    people = _people_by_employee_id_or_email(employee_ids, emails)
    email_owners = _verified_address_owners(emails) | {
        person.email.lower(): person.pk for person in people
    }
    outside_managers = {row.manager_employee_id for row in rows} - set(employee_ids) - {""}
    # Only a manager outside the file can lead a reporting line back into it.
    manager_of, employee_id_of = _reporting_lines() if outside_managers else ({}, {})
    return ExistingPeople(
        by_employee_id={person.employee_id: person for person in people if person.employee_id},
        email_owners=email_owners,
        manager_of=manager_of,
        employee_id_of=employee_id_of,
        pk_by_employee_id={eid: pk for pk, eid in employee_id_of.items() if eid},
    )


def chunked(values: Sequence[_T]) -> Iterator[Sequence[_T]]:
    """Split the values of an IN list so that no query exceeds the database's parameter limit."""
    for start in range(0, len(values), QUERY_CHUNK):
        yield values[start : start + QUERY_CHUNK]


def _people_by_employee_id_or_email(
    employee_ids: Sequence[str], emails: Sequence[str]
) -> list[User]:
    people: dict[int, User] = {}
    for start in range(0, max(len(employee_ids), len(emails)), QUERY_CHUNK):
        chunk = slice(start, start + QUERY_CHUNK)
        matches: QuerySet[User] = User.objects.annotate(email_lower=Lower("email")).filter(
            Q(employee_id__in=employee_ids[chunk]) | Q(email_lower__in=emails[chunk])
        )
        people.update((person.pk, person) for person in matches)
    return list(people.values())


def _verified_address_owners(emails: Sequence[str]) -> dict[str, int]:
    # allauth refuses a verified address held by two people, so these count as taken too.
    owners: dict[str, int] = {}
    for chunk in chunked(emails):
        addresses = (
            EmailAddress.objects.annotate(email_lower=Lower("email"))
            .filter(email_lower__in=chunk, verified=True)
            .values_list("email_lower", "user_id")
        )
        owners.update(addresses)
    return owners


def _reporting_lines() -> tuple[dict[int, int | None], dict[int, str | None]]:
    manager_of: dict[int, int | None] = {}
    employee_id_of: dict[int, str | None] = {}
    for pk, employee_id, manager_id in User.objects.values_list("pk", "employee_id", "manager_id"):
        manager_of[pk] = manager_id
        employee_id_of[pk] = employee_id
    return manager_of, employee_id_of


def database_problems(
    *, rows: Sequence[PersonRow], existing: ExistingPeople
) -> list[ImportProblem]:
    return [
        *_email_conflicts(rows, existing),
        *_manager_problems(rows, existing),
        *_cycle_problems(rows, existing),
    ]


def _email_conflicts(
    rows: Iterable[PersonRow], existing: ExistingPeople
) -> Iterator[ImportProblem]:
    for row in rows:
        owner = existing.email_owners.get(row.email)
        person = existing.by_employee_id.get(row.employee_id)
        if owner is not None and (person is None or person.pk != owner):
            message = _(
                "This e-mail address already belongs to another person, "
                "who has a different employee id."
            )
            yield ImportProblem(row.row, "email", row.email, message)


def _manager_problems(
    rows: Sequence[PersonRow], existing: ExistingPeople
) -> Iterator[ImportProblem]:
    in_file = {row.employee_id for row in rows if row.employee_id}
    for row in rows:
        manager = row.manager_employee_id
        if not manager:
            continue
        if manager == row.employee_id:
            message = _("A person cannot be their own manager.")
        elif manager not in in_file and manager not in existing.pk_by_employee_id:
            message = _("No person with this employee id is in the file or already imported.")
        else:
            continue
        yield ImportProblem(row.row, "manager_employee_id", manager, message)


# A node of the reporting-line graph: the employee id of a person in the file, or
# the pk of a person only in the database (who may have no employee id at all).
_Node = str | int


def _cycle_problems(rows: Sequence[PersonRow], existing: ExistingPeople) -> Iterator[ImportProblem]:
    graph = _ReportingGraph(rows, existing)
    for cycle in graph.cycles():
        names = [graph.name(node) for node in cycle]
        for position, node in enumerate(cycle):
            if isinstance(node, str):
                row = graph.rows[node]
                yield ImportProblem(
                    row.row,
                    "manager_employee_id",
                    row.manager_employee_id,
                    _cycle_message(names, position),
                )


def _cycle_message(names: list[str], start: int) -> str:
    # Start the loop at this row's person, so each message reads from their view.
    ordered = [*names[start:], *names[:start]]
    shown = ordered[:CYCLE_NAMES_SHOWN]
    chain = " → ".join([*shown, "…" if len(ordered) > len(shown) else ordered[0]])
    return _("These reporting lines go round in a circle: %(chain)s.") % {"chain": chain}


class _ReportingGraph:
    """The reporting lines as they would be after the import (each person has one manager)."""

    def __init__(self, rows: Sequence[PersonRow], existing: ExistingPeople) -> None:
        self.rows: dict[str, PersonRow] = {}
        for row in rows:
            if row.employee_id:
                self.rows.setdefault(row.employee_id, row)  # duplicates are reported elsewhere
        self.existing = existing

    def cycles(self) -> Iterator[list[_Node]]:
        done: set[_Node] = set()
        for start in self.rows:
            path: dict[_Node, int] = {}  # node -> position on the current walk
            node: _Node | None = start
            while node is not None and node not in done and node not in path:
                path[node] = len(path)
                node = self.manager(node)
            if node is not None and node in path:
                yield list(path)[path[node] :]
            done.update(path)

    def manager(self, node: _Node) -> _Node | None:
        if isinstance(node, int):
            manager_pk = self.existing.manager_of.get(node)
            return None if manager_pk is None else self._node_of_pk(manager_pk)
        manager = self.rows[node].manager_employee_id
        if not manager or manager == node:
            return None  # self-management is reported on its own
        if manager in self.rows:
            return manager
        manager_pk = self.existing.pk_by_employee_id.get(manager)
        return None if manager_pk is None else self._node_of_pk(manager_pk)

    def _node_of_pk(self, pk: int) -> _Node:
        employee_id = self.existing.employee_id_of.get(pk)
        # The file decides the manager of everyone it contains.
        return employee_id if employee_id in self.rows else pk

    def name(self, node: _Node) -> str:
        if isinstance(node, str):
            return node
        return self.existing.employee_id_of.get(node) or _("person #%(pk)d") % {"pk": node}


def problems_sorted(problems: Iterable[ImportProblem]) -> tuple[ImportProblem, ...]:
    def key(problem: ImportProblem) -> tuple[int, int, str]:
        column = COLUMNS.index(problem.column) if problem.column in COLUMNS else -1
        return problem.row, column, problem.message

    return tuple(sorted(problems, key=key))
