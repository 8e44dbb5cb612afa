"""The participants CSV: escaping (pure functions) and the download (the view)."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse

from people.models import User
from programs.exports import BOM, PARTICIPANT_COLUMNS, csv_document, csv_safe, participants_csv
from programs.models import Enrolment, Program
from tests.factories import DepartmentFactory, UserFactory
from tests.programs.factories import ProgramFactory, SkillFactory, enrol

MISSING_ID = 987654


# ---------------------------------------------------------------- pure functions


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("=SUM(1)", "'=SUM(1)"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@x", "'@x"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
    ],
)
def test_a_cell_a_spreadsheet_would_run_is_quoted(cell: str, expected: str) -> None:
    assert csv_safe(cell) == expected


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("Ann Example", "Ann Example"),
        ("a=b", "a=b"),
        ("1+1", "1+1"),
        ("x@example.com", "x@example.com"),
        (" =SUM(1)", " =SUM(1)"),
        ("", ""),
        (None, ""),
        (12, "12"),
        ("Zoë Ørsted", "Zoë Ørsted"),
    ],
)
def test_an_ordinary_cell_is_left_alone(cell: object, expected: str) -> None:
    assert csv_safe(cell) == expected


def _read(document: bytes) -> list[list[str]]:
    assert document.startswith(BOM.encode("utf-8"))
    return list(csv.reader(io.StringIO(document.decode("utf-8-sig"), newline="")))


def test_a_whole_document_escapes_every_dangerous_cell() -> None:
    rows = [
        ["=SUM(1)", "+1", "-1", "@x", "\tx", "\rx"],
        ["Zoë", "a,b", 'say "hi"', "line\nbreak", 7, None],
    ]
    document = csv_document(["a", "b", "c", "d", "e", "f"], rows)
    assert _read(document) == [
        ["a", "b", "c", "d", "e", "f"],
        ["'=SUM(1)", "'+1", "'-1", "'@x", "'\tx", "'\rx"],
        ["Zoë", "a,b", 'say "hi"', "line\nbreak", "7", ""],
    ]


def test_a_document_is_utf8_with_a_byte_order_mark() -> None:
    document = csv_document(["name"], [["Zoë Ørsted"]])
    assert document[:3] == b"\xef\xbb\xbf"
    assert "Zoë Ørsted".encode() in document


# ---------------------------------------------------------------- the download


def _export_url(program: Program | int, **query: str) -> str:
    pk = program if isinstance(program, int) else program.pk
    url = reverse("programs:participants_export", kwargs={"program_id": pk})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def _as(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def program(db: None) -> Program:
    return ProgramFactory(name="Spring cohort 2027")


@pytest.mark.django_db
def test_hr_downloads_every_answer_as_csv(
    program: Program, hr_admin: User, mentee: User, mentor: User
) -> None:
    enrolment = enrol(program, mentee, languages=["en", "de"], goals="Lead with confidence")
    enrolment.skills.set([SkillFactory(name="Budgeting"), SkillFactory(name="Coaching")])
    Enrolment.objects.filter(pk=enrolment.pk).update(
        created_at=dt.datetime(2027, 1, 5, 23, 30, 12, tzinfo=dt.UTC)
    )
    enrol(program, mentor, role=Enrolment.Role.MENTOR, capacity=3, years_experience=15)
    response = _as(hr_admin).get(_export_url(program))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        response["Content-Disposition"]
        == 'attachment; filename="spring-cohort-2027-participants.csv"'
    )
    rows = _read(response.content)
    assert rows[0] == list(PARTICIPANT_COLUMNS)
    by_name = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert by_name["Ezra Mentee"] == {
        "name": "Ezra Mentee",
        "email": mentee.email,
        "department": mentee.department.name,  # type: ignore[union-attr]
        "title": "Engineer",
        "role": "mentee",
        "status": "accepted",
        "capacity": "",
        "skills": "Budgeting; Coaching",
        "languages": "en; de",
        "meeting_format": "video",
        "years_experience": "3",
        "goals": "Lead with confidence",
        "enrolled_at_utc": "2027-01-05T23:30:12Z",
    }
    assert by_name["Olu Mentor"]["capacity"] == "3"
    assert by_name["Olu Mentor"]["department"] == "Finance"
    assert by_name["Olu Mentor"]["years_experience"] == "15"


@pytest.mark.django_db
def test_the_export_escapes_formulas_people_typed(program: Program, hr_admin: User) -> None:
    person = UserFactory(full_name="=SUM(1)", title="+1", department=DepartmentFactory(name="@x"))
    enrol(program, person, goals="-1")
    rows = _read(_as(hr_admin).get(_export_url(program)).content)
    row = dict(zip(rows[0], rows[1], strict=True))
    assert (row["name"], row["title"], row["department"], row["goals"]) == (
        "'=SUM(1)",
        "'+1",
        "'@x",
        "'-1",
    )


@pytest.mark.django_db
def test_the_export_has_only_the_filtered_participants(
    program: Program, hr_admin: User, mentee: User, mentor: User, outsider: User
) -> None:
    enrol(program, mentee)
    enrol(program, mentor, role=Enrolment.Role.MENTOR)
    enrol(program, outsider)
    client = _as(hr_admin)
    names = [row[0] for row in _read(client.get(_export_url(program, role="mentee")).content)]
    assert names == ["name", "Ezra Mentee", "Otto Outsider"]
    legal = outsider.department
    assert legal is not None
    response = client.get(_export_url(program, role="mentee", department=str(legal.pk)))
    assert [row[0] for row in _read(response.content)] == ["name", "Otto Outsider"]


@pytest.mark.django_db
def test_an_empty_program_exports_just_the_header(program: Program, hr_admin: User) -> None:
    assert _read(_as(hr_admin).get(_export_url(program)).content) == [list(PARTICIPANT_COLUMNS)]


@pytest.mark.django_db
def test_the_list_links_to_the_export_of_its_filters(
    program: Program, hr_admin: User, mentee: User
) -> None:
    enrol(program, mentee)
    url = reverse("hr_view:participants", kwargs={"program_id": program.pk}) + "?role=mentee"
    html = _as(hr_admin).get(url).content.decode()
    assert f'href="{_export_url(program)}?role=mentee"' in html


@pytest.mark.django_db
def test_a_program_name_without_letters_still_gets_a_file_name(hr_admin: User) -> None:
    program = ProgramFactory(name="!!!")
    response = _as(hr_admin).get(_export_url(program))
    assert response["Content-Disposition"] == (
        f'attachment; filename="program-{program.pk}-participants.csv"'
    )


def test_participants_csv_of_no_rows_is_a_header() -> None:
    assert _read(participants_csv([])) == [list(PARTICIPANT_COLUMNS)]


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["mentee", "mentor", "manager", "outsider"])
def test_other_roles_get_the_404_of_a_missing_program(
    program: Program, personas: dict[str, User | None], persona: str
) -> None:
    client = _as(personas[persona])
    response, missing = client.get(_export_url(program)), client.get(_export_url(MISSING_ID))
    assert response.status_code == missing.status_code == 404
    assert response.content == missing.content
    assert "attachment" not in response.get("Content-Disposition", "")


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_sign_in(program: Program) -> None:
    response = Client().get(_export_url(program))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.django_db
def test_hr_gets_404_for_a_missing_program(hr_admin: User) -> None:
    assert _as(hr_admin).get(_export_url(MISSING_ID)).status_code == 404
