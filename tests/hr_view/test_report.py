"""The program report (issue 16, exports): the CSV and the print page carry what the health
page and the released survey results show, nothing more; small departments and unreleased
answers never appear; text cells cannot run as formulas; the download is audited; both
routes run a fixed number of queries and answer bad ids with the missing id's 404."""

from __future__ import annotations

import csv
import io
import zoneinfo

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import Action, AuditEvent
from bench.health import seed_health_program
from checkins.models import SurveyQuestion
from checkins.services import survey_answer
from hr_view.health import program_health
from lib.csv_files import BOM
from people.models import User
from programs.models import Program
from tests.checkins.factories import cohort, new_program, open_survey

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _csv(client: Client, program_id: int) -> tuple[str, list[list[str]], str]:
    response = client.get(reverse("hr_view:report_csv", kwargs={"program_id": program_id}))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8")
    return (
        text,
        list(csv.reader(io.StringIO(text.removeprefix(BOM)))),
        response["Content-Disposition"],
    )


def _values(lines: list[list[str]], section: str) -> dict[tuple[str, str], str]:
    return {(row, column): value for s, row, column, value in lines[1:] if s == section}


def test_the_csv_carries_the_health_pages_numbers_and_no_name(hr_admin: User) -> None:
    now = timezone.now()
    program = seed_health_program(people=60, meetings_per_pair=4, now=now)
    health = program_health(program_id=program.pk, now=now)
    text, lines, disposition = _csv(_client(hr_admin), program.pk)

    assert text.startswith(BOM)
    assert lines[0] == ["Section", "Row", "Column", "Value"]
    today = timezone.localdate(timezone=zoneinfo.ZoneInfo(hr_admin.time_zone)).isoformat()
    assert disposition == f'attachment; filename="health-bench-h-report-{today}.csv"'
    funnel = _values(lines, "Funnel")
    assert funnel == {(s.label, "People"): str(s.count) for s in health.funnel}
    assert all(value.isdigit() for value in funnel.values())  # numbers, not localized text
    cadence = _values(lines, "Meeting cadence")
    assert cadence == {(label, "Pairs"): str(n) for label, n in health.per_month}
    trend = _values(lines, "Week by week")
    assert trend[(health.trend[-1].week.isoformat(), "Meetings held")] == str(health.trend[-1].held)
    assert len(trend) == 2 * len(health.trend)
    load = _values(lines, "Mentor load")
    assert load[("All mentors", "Number")] == str(health.load.mentors)
    facts = _values(lines, "Program")
    assert facts[("Name", "Value")] == "Health bench h"
    assert facts[("Starts on", "Value")] == health.program.starts_on.isoformat()
    assert facts[("Active pairs", "Value")] == str(health.cadence.active_pairs)
    # No per-pair or per-person row: the seeded people are "Person h<n>".
    assert "Person h" not in text
    assert "@health.example" not in text
    assert "Room " not in text  # the meetings' places


def test_small_departments_appear_nowhere_in_the_report(hr_admin: User) -> None:
    now = timezone.now()
    program = seed_health_program(people=80, meetings_per_pair=2, now=now)
    departments = program_health(program_id=program.pk, now=now).departments
    assert not departments.suppressed
    assert departments.other > 0
    client = _client(hr_admin)
    text, lines, _ = _csv(client, program.pk)
    shown = _values(lines, "People taking part, by department")
    expected = {(name, "People"): str(n) for name, n in departments.shown}
    expected[("Other departments", "People")] = str(departments.other)
    expected[("In all", "People")] = str(departments.total)
    assert shown == expected
    page = client.get(reverse("hr_view:report", kwargs={"program_id": program.pk}))
    html = page.content.decode()
    hidden = {f"Dept h{i}" for i in range(8)} - {name for name, _ in departments.shown}
    assert "Dept h7" in hidden  # the seeded department of three people
    for name in hidden:
        assert name not in text
        assert f">{name}<" not in html


def test_a_breakdown_below_the_threshold_is_not_shown_at_all(hr_admin: User) -> None:
    now = timezone.now()
    program = seed_health_program(people=4, meetings_per_pair=1, now=now)
    _, lines, _ = _csv(_client(hr_admin), program.pk)
    [row] = [line for line in lines if line[0] == "People taking part, by department"]
    assert row == [
        "People taking part, by department",
        "Fewer than 5 people take part: no breakdown is shown.",
        "",
        "",
    ]


def test_survey_results_appear_only_once_released(hr_admin: User) -> None:
    program = new_program()
    people = [
        person for pair in cohort(program, 3) for person in (pair.mentee.person, pair.mentor.person)
    ]
    survey = open_survey(program, keys=("useful", "recommend"))
    questions = {q.key: q.pk for q in SurveyQuestion.objects.filter(survey=survey)}
    answers = {questions["useful"]: 4, questions["recommend"]: 9}
    for person in people[:4]:
        survey_answer(survey=survey, person=person, values=answers)
    client = _client(hr_admin)
    text, _, _ = _csv(client, program.pk)
    html = client.get(reverse("hr_view:report", kwargs={"program_id": program.pk})).content
    for shown in (text, html.decode()):
        assert "Mid-program survey" not in shown
        assert "How useful is the program for you so far?" not in shown
        assert "Recommend score" not in shown

    survey_answer(survey=survey, person=people[4], values=answers)  # the fifth: released
    text, lines, _ = _csv(client, program.pk)
    facts = _values(lines, "Mid-program survey")
    assert facts[("People who answered", "Value")] == "5"
    assert facts[("People asked", "Value")] == "6"
    assert facts[("Response rate (%)", "Value")] == "83"
    useful = _values(lines, "Mid-program survey: How useful is the program for you so far?")
    assert useful[("4", "People")] == "5"
    assert useful[("4", "Share (%)")] == "100"
    assert useful[("Answers", "People")] == "5"
    assert useful[("Average", "People")] == "4.0"
    [recommend] = [s for s in {line[0] for line in lines} if "recommend" in s.lower()]
    assert _values(lines, recommend)[("Recommend score", "People")] == "100"
    html = client.get(reverse("hr_view:report", kwargs={"program_id": program.pk})).content
    assert "How useful is the program for you so far?" in html.decode()


def test_text_cells_cannot_run_as_formulas(hr_admin: User) -> None:
    now = timezone.now()
    program = seed_health_program(people=20, meetings_per_pair=1, now=now)
    Program.objects.filter(pk=program.pk).update(name='=HYPERLINK("http://x.example","y")')
    _, lines, disposition = _csv(_client(hr_admin), program.pk)
    facts = _values(lines, "Program")
    assert facts[("Name", "Value")] == '\'=HYPERLINK("http://x.example","y")'
    assert all(not cell.startswith(("=", "+", "-", "@")) for line in lines for cell in line)
    assert "hyperlinkhttpxexampley-report-" in disposition


def test_the_download_is_audited_and_the_print_page_is_not(hr_admin: User) -> None:
    now = timezone.now()
    program = seed_health_program(people=20, meetings_per_pair=1, now=now)
    client = _client(hr_admin)
    client.get(reverse("hr_view:report", kwargs={"program_id": program.pk}))
    assert not AuditEvent.objects.filter(action=Action.HR_EXPORT).exists()
    _, lines, _ = _csv(client, program.pk)
    event = AuditEvent.objects.get(action=Action.HR_EXPORT)
    assert (event.actor_id, event.target_type, event.target_id) == (
        hr_admin.pk,
        "program",
        program.pk,
    )
    assert event.details == {"export": "program_report", "rows": len(lines) - 1}


@pytest.mark.parametrize("name", ["hr_view:report", "hr_view:report_csv"])
def test_bad_ids_and_other_people_get_the_missing_pages_404(
    name: str, hr_admin: User, mentee: User, manager: User
) -> None:
    program = seed_health_program(people=10, meetings_per_pair=1, now=timezone.now())
    hr = _client(hr_admin)
    assert hr.get(reverse(name, kwargs={"program_id": 987654})).status_code == 404
    assert hr.post(reverse(name, kwargs={"program_id": program.pk})).status_code == 405
    for person in (mentee, manager):
        client = _client(person)
        page = client.get(reverse(name, kwargs={"program_id": program.pk}))
        missing = client.get(reverse(name, kwargs={"program_id": 987654}))
        assert page.status_code == missing.status_code == 404
        assert page.content == missing.content
    assert not AuditEvent.objects.filter(action=Action.HR_EXPORT).exists()


def _queries(client: Client, name: str, program_id: int) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(name, kwargs={"program_id": program_id}))
    assert response.status_code == 200
    return len(queries.captured_queries), response.content.decode()


@pytest.mark.parametrize("name", ["hr_view:report", "hr_view:report_csv"])
def test_both_routes_run_the_same_queries_at_two_sizes(
    name: str, hr_admin: User, settings: object
) -> None:
    settings.MENTORING_HEALTH_FRESH_SECONDS = 0  # type: ignore[attr-defined]  # counted each time
    now = timezone.now()
    small = seed_health_program(people=20, meetings_per_pair=2, now=now, tag="s")
    large = seed_health_program(people=200, meetings_per_pair=8, now=now, tag="l")
    client = _client(hr_admin)
    _queries(client, name, small.pk)  # warm the session and the roles
    few, _ = _queries(client, name, small.pk)
    many, body = _queries(client, name, large.pk)
    assert few == many, (few, many)
    assert few <= 25
    if name == "hr_view:report":
        assert body.count('role="img"') == 4  # funnel, cadence, first meeting, weekly trend
        assert "Health bench l" in body
