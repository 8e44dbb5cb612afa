"""My mentoring home shows my programs, their status and my next step."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from people.models import User
from programs.models import Enrolment, FocusSuggestion, Nomination, Program
from programs.services import enrolment_withdraw
from tests.programs.factories import ProgramFactory, enrol

pytestmark = pytest.mark.django_db

NOTE_CANARY = "canary-note-7f3a: you would shine in this"
FOCUS_CANARY = "canary-focus-91bc: delegating to the team"


def _home(client: Client, user: User) -> str:
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    ("status", "requires_approval", "next_step"),
    [
        (Program.Status.OPEN, True, "HR is reviewing your application"),
        (Program.Status.OPEN, False, "You can still edit your answers until matching starts"),
        (Program.Status.MATCHING, False, "Matching is under way"),
        (Program.Status.ACTIVE, False, "See your pairs"),
        (Program.Status.CLOSED, False, "This program has ended"),
    ],
)
def test_home_shows_each_enrolment_with_its_next_step(
    client: Client, mentee: User, status: str, requires_approval: bool, next_step: str
) -> None:
    program = ProgramFactory(name="Grow as a leader", requires_approval=requires_approval)
    enrolment = enrol(program, mentee)
    Program.objects.filter(pk=program.pk).update(status=status)
    html = _home(client, mentee)
    assert "Grow as a leader" in html
    assert next_step in html
    edit_url = reverse("programs:enrolment_edit", args=[enrolment.pk])
    assert (edit_url in html) == (status == Program.Status.OPEN and not requires_approval)


def test_home_shows_the_status_badge(client: Client, mentee: User) -> None:
    enrol(ProgramFactory(requires_approval=True), mentee)
    assert "Waiting for HR approval" in _home(client, mentee)


def test_home_leaves_out_withdrawn_enrolments(client: Client, mentee: User) -> None:
    enrolment = enrol(ProgramFactory(name="Left behind"), mentee)
    enrolment_withdraw(enrolment=enrolment)
    html = _home(client, mentee)
    assert "You are not in a mentoring program yet" in html
    assert reverse("programs:enrolment_edit", args=[enrolment.pk]) not in html


def test_home_without_programs_points_to_the_program_list(client: Client, mentee: User) -> None:
    html = _home(client, mentee)
    assert "You are not in a mentoring program yet" in html
    assert reverse("programs:list") in html


def test_nomination_shows_the_manager_and_the_note_to_the_report_only(
    client: Client, mentee: User, manager: User, hr_admin: User
) -> None:
    program = ProgramFactory(name="Speak up")
    nomination = Nomination.objects.create(
        program=program, manager=manager, report=mentee, note=NOTE_CANARY
    )
    html = _home(client, mentee)
    assert "Maria Manager thinks this program could be good for you" in html
    assert NOTE_CANARY in html
    assert program.get_absolute_url() in html
    assert reverse("programs:nomination_dismiss", args=[nomination.pk]) in html
    for other in (manager, hr_admin):
        assert NOTE_CANARY not in _home(client, other)


def test_dismissed_or_enrolled_nominations_leave_the_home_page(
    client: Client, mentee: User, manager: User
) -> None:
    Nomination.objects.create(
        program=ProgramFactory(name="Dismissed one"),
        manager=manager,
        report=mentee,
        note=NOTE_CANARY,
        status=Nomination.Status.DISMISSED,
    )
    assert NOTE_CANARY not in _home(client, mentee)


def test_focus_suggestion_is_for_the_report_alone(
    client: Client, mentee: User, manager: User, hr_admin: User
) -> None:
    suggestion = FocusSuggestion.objects.create(manager=manager, report=mentee, text=FOCUS_CANARY)
    html = _home(client, mentee)
    assert FOCUS_CANARY in html
    assert "Only you can see this. You decide whether to share it with your mentor." in html
    assert reverse("programs:suggestion_dismiss", args=[suggestion.pk]) in html
    for other in (manager, hr_admin):
        assert FOCUS_CANARY not in _home(client, other)


def test_home_offers_up_to_three_open_programs_i_am_not_in(client: Client, mentee: User) -> None:
    joined = ProgramFactory(name="Already in it")
    enrol(joined, mentee)
    for name in ("Open A", "Open B", "Open C", "Open D"):
        ProgramFactory(name=name)
    html = _home(client, mentee)
    section = html.split('id="open-title"')[1]
    assert sum(name in section for name in ("Open A", "Open B", "Open C", "Open D")) == 3
    assert "Already in it" not in section
    assert reverse("programs:list") in section


def test_hr_admin_home_links_to_running_programs(client: Client, hr_admin: User) -> None:
    assert reverse("programs:hr_list") in _home(client, hr_admin)


def test_employee_home_does_not_link_to_hr_programs(client: Client, mentee: User) -> None:
    assert reverse("programs:hr_list") not in _home(client, mentee)


def _fill(person: User, manager: User, count: int) -> None:
    for i in range(count):
        program = ProgramFactory(
            requires_approval=bool(i % 2),
            audience=Program.Audience.DEPARTMENTS if i % 3 else Program.Audience.EVERYONE,
        )
        program.departments.set([person.department])  # type: ignore[list-item]
        enrol(program, person, role=Enrolment.Role.MENTOR if i % 2 else Enrolment.Role.MENTEE)
        Nomination.objects.create(
            program=ProgramFactory(), manager=manager, report=person, note=f"note {i}"
        )
        FocusSuggestion.objects.create(manager=manager, report=person, text=f"focus {i}")


def _queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("home")).status_code == 200
    return len(captured)


def test_home_runs_the_same_queries_for_2_and_20_enrolments_and_nominations(
    client: Client, mentee: User, manager: User
) -> None:
    client.force_login(mentee)
    _fill(mentee, manager, 2)
    few = _queries(client)
    _fill(mentee, manager, 18)
    many = _queries(client)
    assert few == many


def test_home_shows_my_pairs_and_requests_waiting_for_me(
    client: Client, mentee: User, mentor: User
) -> None:
    import datetime as dt

    from django.utils import timezone

    from matching.models import MentorshipRequest, Pair

    program = ProgramFactory(name="Paired program")
    pair = Pair.objects.create(
        program=program,
        mentee=enrol(program, mentee),
        mentor=enrol(program, mentor, role=Enrolment.Role.MENTOR),
        origin=Pair.Origin.MANUAL,
    )
    choice = ProgramFactory(name="Choice", matching_mode=Program.MatchingMode.CHOICE)
    MentorshipRequest.objects.create(
        program=choice,
        mentee=enrol(choice, mentee),
        mentor=enrol(choice, mentor, role=Enrolment.Role.MENTOR),
        expires_at=timezone.now() + dt.timedelta(days=3),
    )
    mentee_home = _home(client, mentee)
    assert f"{mentor.full_name} is your mentor" in mentee_home
    mentor_home = _home(client, mentor)
    assert f"You mentor {mentee.full_name}" in mentor_home
    assert "A mentee has asked you to be their mentor." in mentor_home
    assert pair.program.name in mentor_home
