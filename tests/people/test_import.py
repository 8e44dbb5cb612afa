from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from pytest_django import DjangoCaptureOnCommitCallbacks, Settings

from people.imports import MAX_FILE_BYTES, ImportProblem
from people.models import Department, User
from people.notifications import person_send_invitation
from people.services import ImportResult, people_import_csv
from tests.factories import UserFactory
from tests.people.csv_factory import (
    COLUMNS,
    cells,
    csv_bytes,
    employee_id,
    first_without_reports,
    organisation,
    people_csv,
    person,
)

pytestmark = pytest.mark.django_db

WRITES = ("INSERT", "UPDATE", "DELETE")


def import_csv(data: bytes) -> ImportResult:
    return people_import_csv(data=data, send_invitations=False)


def problem_cells(result: ImportResult) -> set[tuple[int, str]]:
    return {(problem.row, problem.column) for problem in result.problems}


def only_problem(result: ImportResult) -> ImportProblem:
    assert len(result.problems) == 1, result.problems
    return result.problems[0]


def writes(queries: CaptureQueriesContext) -> list[str]:
    return [query["sql"] for query in queries.captured_queries if query["sql"].startswith(WRITES)]


@pytest.fixture
def sqlite_library_parameter_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let Django use the parameter limit of the SQLite library actually loaded.

    Django 5.2 assumes SQLite's pre-3.32 limit of 999 parameters per query and
    splits bulk writes into batches to match, so on SQLite the number of INSERTs
    grows with the rows whatever the import does. The loaded library allows far
    more (Django 6.0 asks it); with its real limit the count measures the import.
    """
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        monkeypatch.setattr(connection.features, "max_query_params", limit)


@pytest.fixture
def celery_eager(settings: Settings) -> Iterator[None]:
    from mentoring.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = True
    saved = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = saved


@pytest.fixture
def _clear_rate_limits() -> None:
    # allauth rate-limits the password-reset link per IP in the shared cache.
    cache.clear()


# ---------------------------------------------------------------- the 1,000-row files


def test_clean_thousand_row_file_imports_everyone() -> None:
    result = import_csv(people_csv(organisation(1000)))

    assert result == ImportResult(created=1000, updated=0, unchanged=0)
    assert result.ok
    assert User.objects.count() == 1000
    assert Department.objects.count() == 7
    leaf = User.objects.get(employee_id=employee_id(999))
    assert leaf.manager is not None
    assert leaf.manager.employee_id == employee_id(199)
    assert User.objects.get(employee_id=employee_id(0)).manager is None


def test_reimporting_the_same_file_writes_nothing() -> None:
    data = people_csv(organisation(1000))
    import_csv(data)

    with CaptureQueriesContext(connection) as queries:
        result = import_csv(data)

    assert result == ImportResult(created=0, updated=0, unchanged=1000)
    assert writes(queries) == []


def test_query_count_does_not_grow_from_100_to_1000_rows(
    sqlite_library_parameter_limit: None,
) -> None:
    small = people_csv(organisation(100, prefix="S", department_prefix="S-"))
    large = people_csv(organisation(1000, prefix="L", department_prefix="L-"))

    with CaptureQueriesContext(connection) as small_import:
        assert import_csv(small).created == 100
    with CaptureQueriesContext(connection) as large_import:
        assert import_csv(large).created == 1000
    with CaptureQueriesContext(connection) as small_again:
        assert import_csv(small).unchanged == 100
    with CaptureQueriesContext(connection) as large_again:
        assert import_csv(large).unchanged == 1000

    assert len(large_import) == len(small_import) <= 12
    assert len(large_again) == len(small_again) <= 6


def test_thousand_row_file_with_37_bad_rows_reports_all_and_imports_nothing() -> None:
    UserFactory.create(employee_id="DB-1", email="taken1@example.com")
    UserFactory.create(employee_id="DB-2", email="taken2@example.com")
    # A cycle the file would close: file person 234 reports to DB-BOSS, who
    # already reports to the database's person 234.
    existing_234 = UserFactory.create(employee_id=employee_id(234), email=person(234)["email"])
    UserFactory.create(employee_id="DB-BOSS", email="boss@example.com", manager=existing_234)
    people_before = User.objects.count()

    people = organisation(1000)
    assert first_without_reports(1000) == 200  # everyone changed below manages nobody
    numbers = [int(values["employee_id"][1:]) for values in people]  # in file order
    by_number = dict(zip(numbers, people, strict=True))
    planted: dict[int, str] = {}  # person number -> the column reported

    def plant(number: int, column: str, value: str) -> None:
        by_number[number][column] = value
        planted[number] = column

    plant(201, "employee_id", "")
    plant(202, "employee_id", "  ")
    plant(203, "email", "")
    plant(204, "email", "")
    plant(205, "full_name", "")
    plant(206, "full_name", "   ")
    plant(207, "email", "not-an-email")
    plant(208, "email", "a@b@example.com")
    plant(209, "email", "missing-domain@")
    plant(210, "time_zone", "Mars/Olympus_Mons")
    plant(211, "time_zone", "Europe/Berln")
    plant(212, "time_zone", "+02:00")
    plant(213, "language", "xx")
    plant(214, "language", "german")
    plant(215, "full_name", "x" * 201)
    plant(216, "title", "t" * 201)
    plant(217, "department", "d" * 151)
    plant(218, "employee_id", "E" * 65)
    plant(219, "employee_id", employee_id(300))  # person 300 comes first in the file
    plant(220, "employee_id", employee_id(301))
    plant(221, "email", person(302)["email"])
    plant(222, "email", person(303)["email"].upper())
    plant(223, "email", "taken1@example.com")
    plant(224, "email", "Taken2@Example.com")
    plant(225, "manager_employee_id", "NOPE-1")
    plant(226, "manager_employee_id", "NOPE-2")
    plant(227, "manager_employee_id", employee_id(227))
    plant(228, "manager_employee_id", employee_id(228))
    plant(229, "manager_employee_id", employee_id(230))
    plant(230, "manager_employee_id", employee_id(229))
    plant(231, "manager_employee_id", employee_id(232))
    plant(232, "manager_employee_id", employee_id(233))
    plant(233, "manager_employee_id", employee_id(231))
    plant(234, "manager_employee_id", "DB-BOSS")

    lines: list[tuple[int, list[str]] | None] = [
        (number, cells(by_number[number])) for number in numbers
    ]
    too_few = {235: "time_zone", 236: "time_zone"}  # cut after 6 cells: time_zone is missing
    for line in lines:
        if line and line[0] in too_few:
            del line[1][6:]
        if line and line[0] == 237:
            line[1].append("surplus")
    planted |= too_few | {237: ""}
    for position in (10, 500, 900):  # blank lines count as rows but are skipped
        lines.insert(position, None)
    lines.append(None)

    result = import_csv(csv_bytes([line[1] if line else None for line in lines]))

    row_of = {line[0]: index + 2 for index, line in enumerate(lines) if line}
    expected = {(row_of[number], column) for number, column in planted.items()}
    assert len(planted) == 37
    assert problem_cells(result) == expected
    assert len(result.problems) == 37
    assert all(problem.message for problem in result.problems)
    assert not result.ok
    assert result.created == result.updated == result.unchanged == 0
    assert User.objects.count() == people_before


# ---------------------------------------------------------------- file format


def test_utf8_file_with_byte_order_mark_imports() -> None:
    result = import_csv(people_csv([person(1)], bom=True))

    assert result.ok, result.problems
    assert User.objects.get(employee_id=employee_id(1)).email == "e00001@example.com"


def test_semicolon_delimited_file_imports() -> None:
    values = person(1) | {"full_name": "Ana, de la Cruz"}

    result = import_csv(people_csv([values], delimiter=";", bom=True))

    assert result.ok, result.problems
    assert User.objects.get(employee_id=employee_id(1)).full_name == "Ana, de la Cruz"


def test_non_utf8_file_is_reported_with_its_line_not_raised() -> None:
    data = people_csv([person(1), person(2) | {"full_name": "José"}]).decode().encode("latin-1")

    problem = only_problem(import_csv(data))

    assert problem.row == 3
    assert problem.value == "E9"
    assert "UTF-8" in problem.message
    assert User.objects.count() == 0


def test_file_over_five_megabytes_is_rejected() -> None:
    data = people_csv([person(1)]) + b"\r\n" * (MAX_FILE_BYTES)

    problem = only_problem(import_csv(data))

    assert problem.row == 1
    assert "5 MB" in problem.message


def test_empty_file_is_reported() -> None:
    problem = only_problem(import_csv(b""))

    assert problem.row == 1
    assert "empty" in problem.message


def test_unknown_column_is_reported_on_row_one() -> None:
    data = csv_bytes([[*cells(person(1)), "x"]], header=[*COLUMNS, "salary"])

    result = import_csv(data)

    assert only_problem(result) == ImportProblem(1, "salary", "salary", result.problems[0].message)
    assert "employee_id" in result.problems[0].message
    assert User.objects.count() == 0


def test_missing_required_columns_are_each_reported() -> None:
    columns = ("employee_id", "department")

    result = import_csv(people_csv([person(1)], columns=columns))

    assert problem_cells(result) == {(1, "email"), (1, "full_name")}


def test_column_named_twice_is_reported() -> None:
    header = [*COLUMNS, "title"]

    result = import_csv(csv_bytes([[*cells(person(1)), "Boss"]], header=header))

    assert problem_cells(result) == {(1, "title")}


def test_header_is_matched_without_case_or_spaces() -> None:
    header = [f" {column.upper()} " for column in COLUMNS]

    assert import_csv(csv_bytes([cells(person(1))], header=header)).created == 1


def test_optional_columns_may_be_left_out() -> None:
    columns = ("full_name", "email", "employee_id")  # any order

    result = import_csv(people_csv([person(1)], columns=columns))

    assert result.ok, result.problems
    imported = User.objects.get(employee_id=employee_id(1))
    assert (imported.time_zone, imported.language, imported.title) == ("UTC", "en", "")
    assert imported.department is None


def test_blank_lines_are_skipped_and_rows_keep_spreadsheet_numbers() -> None:
    rows = [cells(person(1)), None, ["", "", "", "", "", "", "", ""], cells(person(2))]
    rows.append(cells(person(3) | {"time_zone": "Nowhere/Else"}))

    result = import_csv(csv_bytes(rows))

    assert problem_cells(result) == {(6, "time_zone")}


def test_quoted_cell_spanning_lines_is_one_row() -> None:
    rows = [cells(person(1) | {"title": "Head of\nthings"}), cells(person(2) | {"language": "xx"})]

    assert problem_cells(import_csv(csv_bytes(rows))) == {(3, "language")}


def test_rows_with_too_few_or_too_many_cells_are_reported() -> None:
    rows = [cells(person(1))[:3], [*cells(person(2)), "surplus"], cells(person(3))]

    result = import_csv(csv_bytes(rows))

    assert problem_cells(result) == {(2, "department"), (3, "")}
    assert "3 cells" in result.problems[0].message
    assert User.objects.count() == 0


def test_trailing_empty_cells_from_spreadsheets_are_accepted() -> None:
    rows = [[*cells(person(1)), "", ""], cells(person(2))]

    assert import_csv(csv_bytes(rows, header=[*COLUMNS, "", ""])).created == 2


def test_cell_too_large_for_csv_reader_is_reported_not_raised() -> None:
    rows = [cells(person(1) | {"title": "t" * 200_000})]

    problem = only_problem(import_csv(csv_bytes(rows)))

    assert problem.row == 2
    assert "CSV" in problem.message


def test_nul_character_is_reported_not_sent_to_the_database() -> None:
    result = import_csv(csv_bytes([cells(person(1) | {"email": "a\x00@example.com"})]))

    assert problem_cells(result) == {(2, "email")}


# ---------------------------------------------------------------- values


def test_blank_required_values_are_each_reported() -> None:
    values = person(1) | {"employee_id": "", "email": " ", "full_name": ""}

    result = import_csv(people_csv([values]))

    assert problem_cells(result) == {(2, "employee_id"), (2, "email"), (2, "full_name")}


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("email", "name.example.com"),
        ("email", "name@"),
        ("time_zone", "Europe/Atlantis"),
        ("time_zone", "../etc/passwd"),
        ("language", "klingon"),
        ("language", "pt"),
    ],
)
def test_invalid_value_is_reported(column: str, value: str) -> None:
    problem = only_problem(import_csv(people_csv([person(1) | {column: value}])))

    assert (problem.row, problem.column, problem.value) == (2, column, value)


@pytest.mark.parametrize(
    ("column", "limit"),
    [("employee_id", 64), ("full_name", 200), ("title", 200), ("department", 150)],
)
def test_value_longer_than_the_model_allows_is_reported(column: str, limit: int) -> None:
    fits = person(1) | {column: "a" * limit}
    too_long = person(2) | {column: "b" * (limit + 1)}

    result = import_csv(people_csv([fits, too_long]))

    assert problem_cells(result) == {(3, column)}


def test_overlong_e_mail_is_reported() -> None:
    email = "a" * 64 + "@" + ".".join(["b" * 60] * 4) + ".com"

    assert problem_cells(import_csv(people_csv([person(1) | {"email": email}]))) == {(2, "email")}


def test_language_is_matched_without_case_and_defaults() -> None:
    rows = [person(1) | {"language": "DE", "time_zone": ""}, person(2) | {"language": ""}]

    assert import_csv(people_csv(rows)).created == 2

    first, second = User.objects.order_by("employee_id")
    assert (first.language, first.time_zone) == ("de", "UTC")
    assert second.language == "en"


def test_e_mails_are_stored_lowercase() -> None:
    import_csv(people_csv([person(1) | {"email": "Ana.Lopez@Example.COM"}]))

    assert User.objects.get().email == "ana.lopez@example.com"
    assert EmailAddress.objects.get().email == "ana.lopez@example.com"


def test_duplicate_employee_id_names_the_first_row() -> None:
    rows = [person(1), person(2), person(3) | {"employee_id": employee_id(1)}]

    problem = only_problem(import_csv(people_csv(rows)))

    assert (problem.row, problem.column) == (4, "employee_id")
    assert "Row 2" in problem.message


def test_duplicate_e_mail_ignores_case_and_names_the_first_row() -> None:
    rows = [person(1), person(2) | {"email": "E00001@EXAMPLE.com"}, person(3)]
    rows.append(person(4) | {"email": person(1)["email"]})

    result = import_csv(people_csv(rows))

    assert problem_cells(result) == {(3, "email"), (5, "email")}
    assert all("Row 2" in problem.message for problem in result.problems)


def test_e_mail_of_another_person_in_the_database_is_reported() -> None:
    UserFactory.create(employee_id="OTHER", email="ana@example.com")

    result = import_csv(people_csv([person(1) | {"email": "ANA@example.com"}]))

    assert problem_cells(result) == {(2, "email")}


def test_e_mail_of_a_database_person_without_employee_id_is_reported() -> None:
    UserFactory.create(employee_id=None, email="ana@example.com")

    result = import_csv(people_csv([person(1) | {"email": "ana@example.com"}]))

    assert problem_cells(result) == {(2, "email")}


def test_verified_secondary_address_of_another_person_is_reported() -> None:
    other = UserFactory.create(employee_id="OTHER")
    EmailAddress.objects.create(user=other, email="ana@example.com", verified=True)

    result = import_csv(people_csv([person(1) | {"email": "ana@example.com"}]))

    assert problem_cells(result) == {(2, "email")}


# ---------------------------------------------------------------- managers


def test_managers_defined_later_in_the_file_are_assigned() -> None:
    rows = [person(2, manager=1), person(1, manager=0), person(0)]

    assert import_csv(people_csv(rows)).created == 3

    report = User.objects.select_related("manager__manager").get(employee_id=employee_id(2))
    assert report.manager is not None
    assert report.manager.employee_id == employee_id(1)
    assert report.manager.manager is not None
    assert report.manager.manager.employee_id == employee_id(0)


def test_manager_already_in_the_database_is_assigned() -> None:
    boss = UserFactory.create(employee_id="BOSS")

    import_csv(people_csv([person(1) | {"manager_employee_id": "BOSS"}]))

    assert User.objects.get(employee_id=employee_id(1)).manager == boss


def test_unknown_manager_is_reported() -> None:
    result = import_csv(people_csv([person(1) | {"manager_employee_id": "GHOST"}]))

    assert problem_cells(result) == {(2, "manager_employee_id")}
    assert result.problems[0].value == "GHOST"


def test_person_cannot_be_their_own_manager() -> None:
    result = import_csv(people_csv([person(0), person(1, manager=1)]))

    problem = only_problem(result)
    assert (problem.row, problem.column) == (3, "manager_employee_id")
    assert "own manager" in problem.message


def test_two_person_cycle_reports_both_rows() -> None:
    rows = [person(0), person(1, manager=2), person(2, manager=1), person(3, manager=0)]

    assert problem_cells(import_csv(people_csv(rows))) == {
        (3, "manager_employee_id"),
        (4, "manager_employee_id"),
    }


def test_long_cycle_reports_every_row_and_names_the_loop() -> None:
    # 0 -> 1 -> ... -> 11 -> 0, plus person 12 hanging off the loop (not in it).
    rows = [person(number, manager=(number + 1) % 12) for number in range(12)]
    rows.append(person(12, manager=5))

    result = import_csv(people_csv(rows))

    assert problem_cells(result) == {(row, "manager_employee_id") for row in range(2, 14)}
    first = result.problems[0].message
    assert first.startswith(f"These reporting lines go round in a circle: {employee_id(0)} → ")
    assert first.endswith("→ ….")


def test_cycle_through_existing_database_people_is_reported() -> None:
    # Database: DB-A reports to someone without an employee id, who reports to E00002.
    # The file makes E00002 report to DB-A, closing E00002 -> DB-A -> (no id) -> E00002.
    db_two = UserFactory.create(employee_id=employee_id(2), email=person(2)["email"])
    no_id = UserFactory.create(employee_id=None, manager=db_two)
    db_a = UserFactory.create(employee_id="DB-A", manager=no_id)
    rows = [person(1, manager=2), person(2) | {"manager_employee_id": "DB-A"}, person(3)]
    users_before = User.objects.count()

    result = import_csv(people_csv(rows))

    assert problem_cells(result) == {(3, "manager_employee_id")}
    assert "DB-A" in result.problems[0].message
    assert User.objects.count() == users_before
    db_two.refresh_from_db()
    assert db_two.manager is None
    assert db_a.manager == no_id


def test_moving_a_manager_under_their_own_report_in_the_database_is_a_cycle() -> None:
    chief = UserFactory.create(employee_id="CHIEF")
    UserFactory.create(employee_id="DEPUTY", manager=chief)

    result = import_csv(
        people_csv([person(1) | {"employee_id": "CHIEF", "manager_employee_id": "DEPUTY"}])
    )

    assert problem_cells(result) == {(2, "manager_employee_id")}


# ---------------------------------------------------------------- writing


def test_new_people_get_an_unusable_password_and_a_verified_primary_address() -> None:
    import_csv(people_csv([person(1)]))

    imported = User.objects.get()
    assert not imported.has_usable_password()
    assert imported.invited_at is None
    address = EmailAddress.objects.get(user=imported)
    assert (address.email, address.primary, address.verified) == (imported.email, True, True)


def test_departments_are_created_once_by_name() -> None:
    Department.objects.create(name="Finance")
    rows = [person(n) | {"department": name} for n, name in enumerate(["Finance", "Art", "Art"])]

    import_csv(people_csv(rows))

    assert sorted(Department.objects.values_list("name", flat=True)) == ["Art", "Finance"]
    assert User.objects.filter(department__name="Art").count() == 2


def test_changed_row_updates_only_that_person() -> None:
    rows = [person(0), person(1, manager=0), person(2, manager=0)]
    import_csv(people_csv(rows))
    rows[1] = rows[1] | {"title": "Director", "department": "Brand new", "time_zone": "Asia/Tokyo"}
    rows[2] = rows[2] | {"manager_employee_id": employee_id(1)}

    with CaptureQueriesContext(connection) as queries:
        result = import_csv(people_csv(rows))

    assert result == ImportResult(created=0, updated=2, unchanged=1)
    changed = User.objects.select_related("department", "manager").get(employee_id=employee_id(1))
    assert (changed.title, changed.department.name, changed.time_zone) == (  # type: ignore[union-attr]
        "Director",
        "Brand new",
        "Asia/Tokyo",
    )
    moved = User.objects.select_related("manager").get(employee_id=employee_id(2))
    assert moved.manager == changed
    updates = [sql for sql in writes(queries) if sql.startswith("UPDATE")]
    assert len(updates) == 1


def test_blank_manager_in_the_file_clears_the_manager() -> None:
    import_csv(people_csv([person(0), person(1, manager=0)]))

    result = import_csv(people_csv([person(0), person(1)]))

    assert (result.updated, result.unchanged) == (1, 1)
    assert User.objects.get(employee_id=employee_id(1)).manager is None


def test_changed_e_mail_moves_the_primary_address() -> None:
    import_csv(people_csv([person(1)]))
    imported = User.objects.get()
    EmailAddress.objects.create(user=imported, email="new@example.com", verified=False)

    result = import_csv(people_csv([person(1) | {"email": "New@Example.com"}]))

    assert result.updated == 1
    imported.refresh_from_db()
    assert imported.email == "new@example.com"
    address = EmailAddress.objects.get(user=imported)
    assert (address.email, address.primary, address.verified) == ("new@example.com", True, True)


def test_changed_e_mail_of_a_person_without_address_row_creates_one() -> None:
    existing = User.objects.create_user("old@example.com", full_name="Old", employee_id="E1")

    import_csv(people_csv([person(1) | {"employee_id": "E1", "email": "new@example.com"}]))

    address = EmailAddress.objects.get(user=existing)
    assert (address.email, address.primary, address.verified) == ("new@example.com", True, True)


def test_people_missing_from_the_file_are_left_alone() -> None:
    stays = UserFactory.create(employee_id="STAYS", title="Keeper")

    result = import_csv(people_csv([person(1)]))

    assert result.created == 1
    stays.refresh_from_db()
    assert stays.title == "Keeper"
    assert stays.is_active


def test_a_file_with_one_problem_writes_nothing_at_all() -> None:
    rows = [person(0), person(1, manager=0), person(2) | {"language": "xx"}]

    with CaptureQueriesContext(connection) as queries:
        result = import_csv(people_csv(rows))

    assert not result.ok
    assert writes(queries) == []
    assert Department.objects.count() == 0


# ---------------------------------------------------------------- invitations


def link_in(body: str) -> str:
    return next(word for word in body.split() if "/password/reset/key/" in word)


@pytest.mark.usefixtures("celery_eager", "_clear_rate_limits")
def test_each_new_person_gets_one_invitation_with_a_working_link(
    client: Client, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    UserFactory.create(employee_id=employee_id(0), email=person(0)["email"])  # updated, not invited
    rows = [person(0), person(1, manager=0), person(2, manager=0) | {"title": "CANARY-TITLE"}]

    with django_capture_on_commit_callbacks(execute=True):
        result = people_import_csv(data=people_csv(rows))

    assert result.created == 2
    assert sorted(message.to[0] for message in mail.outbox) == [
        person(1)["email"],
        person(2)["email"],
    ]
    for message in mail.outbox:
        invited = User.objects.get(email=message.to[0])
        with translation.override(invited.language):  # in the person's own language
            assert message.subject == translation.gettext("Your Mentoring account is ready")
        assert "CANARY-TITLE" not in message.body
        assert "/accounts/login/" in message.body
        response = client.get(urlsplit(link_in(str(message.body))).path, follow=True)
        assert response.status_code == 200
        assert response.redirect_chain[-1][0].endswith("-set-password/")
        assert not response.context.get("token_fail")
    assert User.objects.filter(invited_at__isnull=False).count() == 2


@pytest.mark.usefixtures("celery_eager")
def test_sending_an_invitation_again_sends_nothing(
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        people_import_csv(data=people_csv([person(1)]))
    imported = User.objects.get()

    assert person_send_invitation(user_id=imported.pk) is False
    assert len(mail.outbox) == 1


@pytest.mark.usefixtures("celery_eager")
def test_no_invitations_when_turned_off(
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        people_import_csv(data=people_csv([person(1)]), send_invitations=False)

    assert callbacks == []
    assert mail.outbox == []


def test_invitation_is_only_enqueued_after_commit(
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        people_import_csv(data=people_csv([person(1), person(2)]))

    assert len(callbacks) == 2
    assert mail.outbox == []


def test_failed_send_gives_the_claim_back_for_the_retry(monkeypatch: pytest.MonkeyPatch) -> None:
    import_csv(people_csv([person(1)]))
    imported = User.objects.get()

    def refuse(*args: object, **kwargs: object) -> None:
        raise ConnectionRefusedError("SMTP server down")

    monkeypatch.setattr("people.notifications.send_once", refuse)
    with pytest.raises(ConnectionRefusedError):
        person_send_invitation(user_id=imported.pk)
    imported.refresh_from_db()
    assert imported.invited_at is None

    monkeypatch.undo()
    assert person_send_invitation(user_id=imported.pk) is True
    assert len(mail.outbox) == 1


def test_invitation_task_retries_after_a_network_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from lib.mail import send_once
    from people.tasks import send_invitation

    import_csv(people_csv([person(1)]))
    imported = User.objects.get()
    attempts: list[int] = []

    def flaky(message: mail.EmailMessage) -> None:
        attempts.append(1)
        if len(attempts) == 1:
            raise TimeoutError("SMTP timed out")
        send_once(message)

    monkeypatch.setattr("people.notifications.send_once", flaky)
    # Run as a worker would (apply, errors not raised), so that autoretry can act.
    send_invitation.apply(args=(imported.pk,), throw=False)

    assert len(attempts) == 2
    assert len(mail.outbox) == 1
    imported.refresh_from_db()
    assert imported.invited_at is not None


def test_inactive_person_is_not_invited() -> None:
    import_csv(people_csv([person(1)]))
    User.objects.update(is_active=False)

    assert person_send_invitation(user_id=User.objects.get().pk) is False
    assert mail.outbox == []
