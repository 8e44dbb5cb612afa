"""HR admins list, create, edit and read programs; nobody else reaches these pages."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.forms.models import model_to_dict
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from people.models import User
from programs.forms_hr import hours_text, parse_reminder_hours
from programs.models import WEIGHT_FIELDS, Enrolment, Nomination, Program
from programs.services import enrolment_approve
from tests.factories import DepartmentFactory, UserFactory
from tests.programs.factories import ProgramFactory, SkillFactory, enrol

pytestmark = pytest.mark.django_db

CANARY = "CANARY-nomination-note-7f3a"


def _day(offset: int) -> str:
    return (timezone.localdate() + dt.timedelta(days=offset)).isoformat()


def form_data(**overrides: object) -> dict[str, object]:
    """A complete, valid program form as a browser would post it."""
    data: dict[str, object] = {
        "name": "Spring cohort",
        "description": "Grow with a mentor from another team.",
        "audience": "everyone",
        "enrolment_opens": _day(0),
        "enrolment_closes": _day(14),
        "starts_on": _day(21),
        "ends_on": _day(200),
        "matching_mode": "cohort",
        "default_capacity": "2",
        "cadence_weeks": "2",
        "reminder_hours": "24, 1",
        "nudge_after_days": "21",
        "stalled_after_days": "30",
        "request_expiry_days": "7",
        "journal_retention_months": "12",
        "meeting_retention_months": "24",
        "require_different_department": "on",
        "require_shared_language": "on",
        "max_time_zone_hours": "",
        "min_seniority_gap_years": "0",
        **dict.fromkeys(WEIGHT_FIELDS, "3"),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def _page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


# ---------------------------------------------------------------- who may reach the pages

PAGES = ["hr_list", "hr_create", "hr_detail", "hr_edit", "skills", "skill_edit"]


def _url(name: str, program: Program) -> str:
    if name in ("hr_list", "hr_create", "skills"):
        return reverse(f"programs:{name}")
    if name == "skill_edit":
        return reverse("programs:skill_edit", kwargs={"skill_id": SkillFactory().pk})
    return reverse(f"programs:{name}", kwargs={"program_id": program.pk})


@pytest.mark.parametrize("name", PAGES)
def test_hr_admin_reaches_each_page(client: Client, hr_admin: User, name: str) -> None:
    client.force_login(hr_admin)
    assert client.get(_url(name, ProgramFactory())).status_code == 200


@pytest.mark.parametrize("name", [*PAGES, "hr_transition", "hr_duplicate"])
@pytest.mark.parametrize("persona", ["mentee", "manager", "outsider", "mentor"])
def test_everyone_else_gets_404(
    client: Client, personas: dict[str, User | None], persona: str, name: str
) -> None:
    program = ProgramFactory(status=Program.Status.DRAFT)
    client.force_login(personas[persona])  # type: ignore[arg-type]
    url = _url(name, program)
    assert client.get(url).status_code == 404
    assert client.post(url, {"to": "open", **form_data(), "action": "rename"}).status_code == 404
    program.refresh_from_db()
    assert program.status == Program.Status.DRAFT
    assert Program.objects.count() == 1


@pytest.mark.parametrize("name", [*PAGES, "hr_transition", "hr_duplicate"])
def test_anonymous_is_sent_to_sign_in(client: Client, name: str) -> None:
    response = client.get(_url(name, ProgramFactory()))
    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == reverse("account_login")


def test_navigation_shows_programs_to_hr_only_and_marks_it_current(
    client: Client, hr_admin: User, mentee: User
) -> None:
    client.force_login(hr_admin)
    html = _page(client, reverse("programs:skills"))
    link = f'href="{reverse("programs:hr_list")}" aria-current="page"'
    assert link in html
    assert html.index(">My mentoring<") < html.index(">Programs<") < html.index(">People<")
    client.force_login(mentee)
    assert reverse("programs:hr_list") not in _page(client, reverse("home"))


# ---------------------------------------------------------------- list


def test_list_shows_each_program_with_status_dates_and_counts(
    client: Client, hr_admin: User, mentee: User, mentor: User, outsider: User
) -> None:
    program = ProgramFactory(name="Leaders of tomorrow", requires_approval=True)
    enrol(program, mentee)
    enrol(program, outsider)
    enrol(program, mentor, role=Enrolment.Role.MENTOR)
    ProgramFactory(name="Quiet draft", status=Program.Status.DRAFT)
    client.force_login(hr_admin)
    html = _page(client, reverse("programs:hr_list"))
    assert "Leaders of tomorrow" in html
    assert "Open for enrolment" in html
    assert "Quiet draft" in html
    assert program.starts_on.strftime("%Y") in html
    row = html[html.index("Leaders of tomorrow") :]
    cells = [c.split("<")[0] for c in row.split("<span>")[3:5]]
    assert cells == ["2", "1"]  # mentees, mentors
    assert 'badge badge-warning">3<' in row  # all three wait for approval
    assert reverse("programs:hr_create") in html
    assert reverse("programs:skills") in html


def test_list_without_programs_invites_to_create_one(client: Client, hr_admin: User) -> None:
    client.force_login(hr_admin)
    html = _page(client, reverse("programs:hr_list"))
    assert "No programs yet" in html
    assert "<table" not in html


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_list_runs_the_same_queries_for_10_and_200_programs(
    client: Client, hr_admin: User, mentee: User
) -> None:
    client.force_login(hr_admin)
    for program in ProgramFactory.create_batch(10):
        enrol(program, mentee)
    few = _queries(client, reverse("programs:hr_list"))
    ProgramFactory.create_batch(190)
    many = _queries(client, reverse("programs:hr_list"))
    assert few == many


# ---------------------------------------------------------------- create


def test_create_saves_a_draft_and_goes_to_its_page(client: Client, hr_admin: User) -> None:
    client.force_login(hr_admin)
    response = client.post(
        reverse("programs:hr_create"), form_data(reminder_hours="48, 1.5, 0.25"), follow=True
    )
    program = Program.objects.get()
    assert response.redirect_chain[-1][0] == reverse(
        "programs:hr_detail", kwargs={"program_id": program.pk}
    )
    assert "was created as a draft" in response.content.decode()
    assert program.status == Program.Status.DRAFT
    assert program.created_by == hr_admin
    assert program.reminder_offsets_minutes == [2880, 90, 15]
    assert program.weight_skills == 3


def test_create_for_chosen_departments_keeps_them(client: Client, hr_admin: User) -> None:
    finance, legal = DepartmentFactory(name="Finance"), DepartmentFactory(name="Legal")
    client.force_login(hr_admin)
    client.post(
        reverse("programs:hr_create"),
        form_data(audience="departments", departments=[finance.pk, legal.pk]),
    )
    assert set(Program.objects.get().departments.all()) == {finance, legal}


def test_departments_are_dropped_when_everyone_may_join(client: Client, hr_admin: User) -> None:
    client.force_login(hr_admin)
    client.post(reverse("programs:hr_create"), form_data(departments=[DepartmentFactory().pk]))
    assert not Program.objects.get().departments.exists()


BAD_INPUT = [
    pytest.param({"ends_on": _day(10)}, "cannot end before it starts", id="ends-before-start"),
    pytest.param(
        {"enrolment_closes": _day(-1)}, "cannot close before it opens", id="closes-before-opens"
    ),
    pytest.param(
        {"enrolment_opens": _day(30), "enrolment_closes": _day(40)},
        "on or before the day the program starts",
        id="opens-after-start",
    ),
    pytest.param({"audience": "departments"}, "Choose at least one department", id="no-depts"),
    pytest.param({"reminder_hours": "soon"}, "is not a number of hours", id="reminder-text"),
    pytest.param({"reminder_hours": "0.1"}, "between 0.25 hours", id="reminder-too-soon"),
    pytest.param({"reminder_hours": "337"}, "between 0.25 hours", id="reminder-too-early"),
    pytest.param({"reminder_hours": "24, 24"}, "entered twice", id="reminder-twice"),
    pytest.param({"reminder_hours": "1,2,3,4,5,6"}, "at most 5 reminders", id="six-reminders"),
    pytest.param({"reminder_hours": " , "}, "at least one reminder", id="no-reminders"),
    pytest.param({"weight_goals": "11"}, "less than or equal to 10", id="weight-11"),
    pytest.param({"name": ""}, "This field is required", id="no-name"),
    pytest.param({"starts_on": "31/02/2026"}, "Enter a valid date", id="bad-date"),
]


@pytest.mark.parametrize(("overrides", "message"), BAD_INPUT)
def test_create_refuses_bad_input_keeps_it_and_saves_nothing(
    client: Client, hr_admin: User, overrides: dict[str, object], message: str
) -> None:
    client.force_login(hr_admin)
    data = form_data(description="Kept-on-error-1234", **overrides)
    response = client.post(reverse("programs:hr_create"), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert "There is a problem" in html
    assert "Kept-on-error-1234" in html
    assert not Program.objects.exists()


def test_parse_reminder_hours_converts_to_minutes_largest_first() -> None:
    assert parse_reminder_hours("1, 24") == [1440, 60]
    assert parse_reminder_hours("0.25,336") == [20160, 15]
    assert hours_text([1440, 90, 15]) == "24, 1.5, 0.25"


def test_new_program_form_suggests_a_day_and_an_hour(client: Client, hr_admin: User) -> None:
    client.force_login(hr_admin)
    html = _page(client, reverse("programs:hr_create"))
    assert 'value="24, 1"' in html
    for heading in ("Dates", "Matching rules", "What matters most in a match"):
        assert heading in html


# ---------------------------------------------------------------- edit


def test_edit_shows_current_settings_and_saves_changes(client: Client, hr_admin: User) -> None:
    program = ProgramFactory(reminder_offsets_minutes=[2880, 30], created_by=hr_admin)
    client.force_login(hr_admin)
    url = reverse("programs:hr_edit", kwargs={"program_id": program.pk})
    assert 'value="48, 0.5"' in _page(client, url)
    data = form_data(
        name="Renamed",
        enrolment_opens=program.enrolment_opens.isoformat(),
        weight_picks="9",
    )
    response = client.post(url, data, follow=True)
    assert "Your changes were saved" in response.content.decode()
    program.refresh_from_db()
    assert (program.name, program.weight_picks) == ("Renamed", 9)
    assert program.status == Program.Status.OPEN  # editing never moves the lifecycle


def test_edit_with_bad_input_changes_nothing(client: Client, hr_admin: User) -> None:
    program = ProgramFactory(audience=Program.Audience.DEPARTMENTS)
    program.departments.set([DepartmentFactory(name="Finance")])
    before = model_to_dict(program)
    client.force_login(hr_admin)
    url = reverse("programs:hr_edit", kwargs={"program_id": program.pk})
    response = client.post(url, form_data(name="Sneaky rename", ends_on=_day(-300)))
    html = response.content.decode()
    assert "cannot end before it starts" in html
    assert 'value="Sneaky rename"' in html
    program.refresh_from_db()
    assert model_to_dict(program) == before


@pytest.mark.parametrize("days", ["3", "400", "soon"])
def test_hr_sets_the_stalled_threshold_within_bounds(
    client: Client, hr_admin: User, days: str
) -> None:
    program = ProgramFactory()
    client.force_login(hr_admin)
    url = reverse("programs:hr_edit", kwargs={"program_id": program.pk})
    response = client.post(url, form_data(stalled_after_days=days))
    assert response.status_code == 200
    assert 'id="id_stalled_after_days"' in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
    program.refresh_from_db()
    assert program.stalled_after_days == 30
    client.post(url, form_data(stalled_after_days="45"))
    program.refresh_from_db()
    assert program.stalled_after_days == 45


def test_closed_program_settings_are_read_only(client: Client, hr_admin: User) -> None:
    program = ProgramFactory(name="Last year", status=Program.Status.CLOSED)
    before = model_to_dict(program)
    client.force_login(hr_admin)
    url = reverse("programs:hr_edit", kwargs={"program_id": program.pk})
    html = _page(client, url)
    assert "can no longer change" in html
    assert 'name="name"' not in html
    response = client.post(url, form_data(name="Changed anyway"))
    assert "can no longer change" in response.content.decode()
    program.refresh_from_db()
    assert model_to_dict(program) == before


# ---------------------------------------------------------------- detail


def test_detail_shows_settings_counts_and_nomination_count_but_no_note(
    client: Client, hr_admin: User, manager: User, mentee: User, mentor: User
) -> None:
    program = ProgramFactory(name="Grow", max_time_zone_hours=None, weight_skills=7)
    enrol(program, mentor, role=Enrolment.Role.MENTOR)
    Nomination.objects.create(program=program, manager=manager, report=mentee, note=CANARY)
    Nomination.objects.create(program=program, manager=manager, report=UserFactory(), note=CANARY)
    client.force_login(hr_admin)
    html = _page(client, reverse("programs:hr_detail", kwargs={"program_id": program.pk}))
    assert CANARY not in html
    assert "nominations by managers" in html
    assert '<span class="stat__value">2</span>' in html
    assert "No limit" in html
    assert "7 of 10" in html
    assert "24 hours, 1 hour before each meeting" in html
    assert 'aria-current="step"' in html
    for name in (
        "hr_view:participants",
        "hr_view:health",
        "programs:invite",
        "programs:hr_edit",
        "programs:hr_duplicate",
    ):
        assert reverse(name, kwargs={"program_id": program.pk}) in html


@pytest.mark.parametrize(
    ("status", "shown", "hidden"),
    [
        ("draft", ["Open enrolment"], ["Start matching", "Start the program"]),
        ("open", ["Start matching"], ["Open enrolment", "Start the program"]),
        ("matching", ["Reopen enrolment", "Start the program"], ["Start matching"]),
        ("active", ["Close the program"], ["Open enrolment", "Start matching"]),
        ("closed", ["This program is closed"], ["Close the program", "Open enrolment"]),
    ],
)
def test_detail_offers_only_the_allowed_next_steps(
    client: Client, hr_admin: User, status: str, shown: list[str], hidden: list[str]
) -> None:
    program = ProgramFactory(status=status)
    client.force_login(hr_admin)
    html = _page(client, reverse("programs:hr_detail", kwargs={"program_id": program.pk}))
    for label in shown:
        assert label in html
    for label in hidden:
        assert label not in html


def test_the_kept_list_shows_each_change_on_the_next_request(
    client: Client, hr_admin: User, mentee: User, mentor: User
) -> None:
    program = ProgramFactory(name="Kept", requires_approval=True)
    client.force_login(hr_admin)
    url = reverse("programs:hr_list")
    assert "Kept" in _page(client, url)
    enrolment = enrol(program, mentee)
    assert 'badge badge-warning">1<' in _page(client, url)
    enrolment_approve(enrolment=enrolment)
    row = _page(client, url).split("Kept")[1]
    assert "badge badge-warning" not in row.split("</tr>")[0]
    Program.objects.filter(pk=program.pk).update(name="Renamed", status=Program.Status.ACTIVE)
    html = _page(client, url)
    assert "Renamed" in html
    assert "Active" in html.split("Renamed")[1].split("</tr>")[0]
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    assert len(captured) <= 4  # session, person, roles (with two-step sign-in set up), counts


def test_hr_sets_the_retention_periods_and_meeting_times_never_go_first(
    client: Client, hr_admin: User
) -> None:
    program = ProgramFactory(created_by=hr_admin)
    client.force_login(hr_admin)
    url = reverse("programs:hr_edit", kwargs={"program_id": program.pk})
    html = _page(client, url)
    assert "Keep until HR deletes it" in html
    bad = form_data(journal_retention_months="0", meeting_retention_months="24")
    response = client.post(url, bad)
    assert "at least as long as the session content" in response.content.decode()
    shorter = form_data(journal_retention_months="24", meeting_retention_months="6")
    assert "at least as long" in client.post(url, shorter).content.decode()
    program.refresh_from_db()
    assert (program.journal_retention_months, program.meeting_retention_months) == (12, 24)
    client.post(url, form_data(journal_retention_months="6", meeting_retention_months="12"))
    program.refresh_from_db()
    assert (program.journal_retention_months, program.meeting_retention_months) == (6, 12)
