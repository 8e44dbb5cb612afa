"""A program moves draft -> open -> matching -> active -> closed, only along allowed steps."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from people.models import User
from programs.models import Program
from programs.services import TRANSITIONS, program_transition
from tests.factories import DepartmentFactory, UserFactory
from tests.programs.factories import ProgramFactory, enrol

pytestmark = pytest.mark.django_db

ALLOWED = [(frm, to) for frm, targets in TRANSITIONS.items() for to in targets]
ILLEGAL = [
    ("draft", "active"),
    ("draft", "matching"),
    ("open", "active"),
    ("active", "open"),
    ("active", "matching"),
    ("closed", "open"),
    ("closed", "draft"),
]


def _transition(client: Client, program: Program, to: str, **extra: str) -> str:
    url = reverse("programs:hr_transition", kwargs={"program_id": program.pk})
    response = client.post(url, {"to": to, **extra}, follow=True)
    assert response.status_code == 200
    return response.content.decode()


def test_the_lifecycle_table_covers_every_status_in_order() -> None:
    assert set(TRANSITIONS) == set(Program.Status.values)
    assert ("draft", "open") in ALLOWED
    assert ("matching", "open") in ALLOWED  # enrolment can reopen before pairs are made
    assert TRANSITIONS["closed"] == ()


@pytest.mark.parametrize(("frm", "to"), ALLOWED)
def test_each_allowed_transition_works_through_the_service(frm: str, to: str) -> None:
    program = ProgramFactory(status=frm)
    assert program_transition(program_id=program.pk, to=to).status == to
    program.refresh_from_db()
    assert program.status == to


@pytest.mark.parametrize(("frm", "to"), ALLOWED)
def test_each_allowed_transition_works_through_the_page(
    client: Client, hr_admin: User, frm: str, to: str
) -> None:
    program = ProgramFactory(status=frm)
    client.force_login(hr_admin)
    html = _transition(client, program, to, confirm="yes")
    program.refresh_from_db()
    assert program.status == to
    assert f"is now: {Program.Status(to).label}" in html


@pytest.mark.parametrize(("frm", "to"), ILLEGAL)
def test_an_illegal_transition_is_refused_by_the_service(frm: str, to: str) -> None:
    program = ProgramFactory(status=frm)
    with pytest.raises(ValidationError, match="cannot become"):
        program_transition(program_id=program.pk, to=to)
    program.refresh_from_db()
    assert program.status == frm


@pytest.mark.parametrize(("frm", "to"), ILLEGAL)
def test_an_illegal_transition_is_refused_on_the_page_and_changes_nothing(
    client: Client, hr_admin: User, frm: str, to: str
) -> None:
    program = ProgramFactory(status=frm)
    before = model_to_dict(program)
    client.force_login(hr_admin)
    html = _transition(client, program, to, confirm="yes")
    assert "cannot become" in html
    assert "alert-danger" in html
    program.refresh_from_db()
    assert model_to_dict(program) == before


def test_opening_with_an_enrolment_window_in_the_past_is_refused(
    client: Client, hr_admin: User
) -> None:
    today = timezone.localdate()
    program = ProgramFactory(
        status=Program.Status.DRAFT,
        enrolment_opens=today - dt.timedelta(days=30),
        enrolment_closes=today - dt.timedelta(days=1),
    )
    client.force_login(hr_admin)
    html = _transition(client, program, "open")
    assert "The enrolment window ended on" in html
    program.refresh_from_db()
    assert program.status == Program.Status.DRAFT


def test_closing_asks_for_confirmation_first(client: Client, hr_admin: User) -> None:
    program = ProgramFactory(status=Program.Status.ACTIVE)
    client.force_login(hr_admin)
    url = reverse("programs:hr_transition", kwargs={"program_id": program.pk})
    response = client.post(url, {"to": "closed"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Closing cannot be undone" in html
    assert 'name="confirm" value="yes"' in html
    program.refresh_from_db()
    assert program.status == Program.Status.ACTIVE
    client.post(url, {"to": "closed", "confirm": "yes"})
    program.refresh_from_db()
    assert program.status == Program.Status.CLOSED


@pytest.mark.parametrize("to", ["", "archived"])
def test_a_made_up_target_changes_nothing(client: Client, hr_admin: User, to: str) -> None:
    program = ProgramFactory(status=Program.Status.DRAFT)
    client.force_login(hr_admin)
    html = _transition(client, program, to)
    assert "Choose what should happen" in html
    program.refresh_from_db()
    assert program.status == Program.Status.DRAFT


def test_transition_and_duplicate_only_take_post(client: Client, hr_admin: User) -> None:
    program = ProgramFactory(status=Program.Status.DRAFT)
    client.force_login(hr_admin)
    for name in ("hr_transition", "hr_duplicate"):
        url = reverse(f"programs:{name}", kwargs={"program_id": program.pk})
        assert client.get(url, {"to": "open"}).status_code == 405
    program.refresh_from_db()
    assert program.status == Program.Status.DRAFT
    assert Program.objects.count() == 1


def test_duplicate_copies_settings_and_departments_as_a_draft(
    client: Client, hr_admin: User
) -> None:
    finance, legal = DepartmentFactory(name="Finance"), DepartmentFactory(name="Legal")
    program = ProgramFactory(
        name="Spring",
        status=Program.Status.ACTIVE,
        audience=Program.Audience.DEPARTMENTS,
        reminder_offsets_minutes=[2880, 15],
        weight_picks=9,
        max_time_zone_hours=4,
        requires_approval=True,
    )
    program.departments.set([finance, legal])
    client.force_login(hr_admin)
    url = reverse("programs:hr_duplicate", kwargs={"program_id": program.pk})
    response = client.post(url, follow=True)
    copy = Program.objects.exclude(pk=program.pk).get()
    assert response.redirect_chain[-1][0] == reverse(
        "programs:hr_edit", kwargs={"program_id": copy.pk}
    )
    assert "draft copy" in response.content.decode()
    assert copy.status == Program.Status.DRAFT
    assert copy.name == "Copy of Spring"
    assert copy.created_by == hr_admin
    assert set(copy.departments.all()) == {finance, legal}
    ignored = {"id", "name", "status", "created_by", "departments"}
    original = {k: v for k, v in model_to_dict(program).items() if k not in ignored}
    assert {k: v for k, v in model_to_dict(copy).items() if k not in ignored} == original
    program.refresh_from_db()
    assert program.status == Program.Status.ACTIVE  # the original is untouched


# ---------------------------------------------------------------- every move asks first


def _ask(client: Client, program: Program, to: str) -> str:
    url = reverse("programs:hr_transition", kwargs={"program_id": program.pk})
    response = client.post(url, {"to": to})
    assert response.status_code == 200
    return response.content.decode()


def test_opening_enrolment_asks_first_with_the_window(client: Client, hr_admin: User) -> None:
    today = timezone.localdate()
    program = ProgramFactory(
        status=Program.Status.DRAFT,
        audience=Program.Audience.INVITED,
        enrolment_opens=today + dt.timedelta(days=3),
        enrolment_closes=today + dt.timedelta(days=20),
    )
    client.force_login(hr_admin)
    html = _ask(client, program, "open")
    assert "Open enrolment?" in html
    assert "can sign up from" in html
    assert "Who may join: Invited people only." in html
    assert "Sign-ups start on" in html  # the window opens later
    assert "nobody is invited yet" in html
    assert 'name="confirm" value="yes"' in html
    program.refresh_from_db()
    assert program.status == Program.Status.DRAFT


def test_closing_enrolment_early_warns_with_the_days_and_the_numbers(
    client: Client, hr_admin: User
) -> None:
    today = timezone.localdate(timezone=zoneinfo.ZoneInfo(hr_admin.time_zone))  # the viewer's
    program = ProgramFactory(
        status=Program.Status.OPEN,
        requires_approval=True,
        enrolment_opens=today - dt.timedelta(days=3),
        enrolment_closes=today + dt.timedelta(days=4),
    )
    enrol(program, UserFactory())
    enrol(program, UserFactory())
    enrol(program, UserFactory(), role="mentor")
    client.force_login(hr_admin)
    html = _ask(client, program, "matching")
    assert "Sign-ups stop: nobody else can enrol." in html
    assert "Enrolled so far: 2 mentees and 1 mentor." in html
    assert "(5 more days). Closing it now stops sign-ups early." in html
    assert "3 applications are still waiting for your decision." in html
    assert "There is nobody to match yet" not in html
    program.refresh_from_db()
    assert program.status == Program.Status.OPEN


def test_an_empty_program_warns_that_there_is_nobody_to_match(
    client: Client, hr_admin: User
) -> None:
    program = ProgramFactory(status=Program.Status.OPEN)
    client.force_login(hr_admin)
    html = _ask(client, program, "matching")
    assert "There is nobody to match yet" in html
    assert "Enrolled so far: 0 mentees and 0 mentors." in html


def test_reopening_enrolment_asks_first(client: Client, hr_admin: User) -> None:
    program = ProgramFactory(status=Program.Status.MATCHING)
    client.force_login(hr_admin)
    html = _ask(client, program, "open")
    assert "Reopen enrolment?" in html
    assert "Proposals that are not published yet are kept" in html
    program.refresh_from_db()
    assert program.status == Program.Status.MATCHING


def test_an_illegal_move_is_refused_before_any_confirmation(client: Client, hr_admin: User) -> None:
    program = ProgramFactory(status=Program.Status.DRAFT)
    client.force_login(hr_admin)
    url = reverse("programs:hr_transition", kwargs={"program_id": program.pk})
    html = client.post(url, {"to": "active"}, follow=True).content.decode()
    assert "cannot become" in html
    assert 'name="confirm"' not in html
    program.refresh_from_db()
    assert program.status == Program.Status.DRAFT


@pytest.mark.parametrize("persona", ["mentee", "mentor", "manager", "outsider"])
def test_only_hr_sees_a_confirmation(
    client: Client, persona: str, request: pytest.FixtureRequest
) -> None:
    program = ProgramFactory(status=Program.Status.OPEN)
    client.force_login(request.getfixturevalue(persona))
    url = reverse("programs:hr_transition", kwargs={"program_id": program.pk})
    assert client.post(url, {"to": "matching"}).status_code == 404
    program.refresh_from_db()
    assert program.status == Program.Status.OPEN


def test_each_status_has_the_primary_action_it_needs(client: Client, hr_admin: User) -> None:
    client.force_login(hr_admin)
    primary = {
        "draft": "Open enrolment",
        "open": "Start matching",
        "matching": "Start the program",
        "active": "Pairs and waiting list",
    }
    for status, label in primary.items():
        program = ProgramFactory(status=status)
        html = client.get(reverse("programs:hr_detail", kwargs={"program_id": program.pk}))
        buttons = re.findall(r'class="btn btn-primary"[^>]*>([^<]*)<', html.content.decode())
        assert [b.rstrip("…") for b in buttons] == [label], status
