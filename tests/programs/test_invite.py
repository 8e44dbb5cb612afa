"""HR invites people to a program by e-mail."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from people.models import User
from programs.models import Invitation, Program
from programs.services import program_invite
from programs.views_participants import INVITED_PER_PAGE
from tests.factories import DepartmentFactory, UserFactory
from tests.programs.factories import ProgramFactory

pytestmark = pytest.mark.django_db

MISSING_ID = 987654


@pytest.fixture
def program(db: None) -> Program:
    return ProgramFactory(name="Leaders 2027", audience=Program.Audience.INVITED)


def _invite_url(program: Program | int) -> str:
    pk = program if isinstance(program, int) else program.pk
    return reverse("programs:invite", kwargs={"program_id": pk})


def _as(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


Capture = Callable[..., Any]


def _post(client: Client, program: Program, text: str, capture: Capture) -> Any:
    with capture(execute=True):
        return client.post(_invite_url(program), {"emails": text}, follow=True)


def test_hr_invites_people_and_each_gets_one_e_mail_with_the_link(
    program: Program,
    hr_admin: User,
    mentee: User,
    mentor: User,
    eager_tasks: None,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    response = _post(
        _as(hr_admin),
        program,
        f"{mentee.email}\n{mentor.email}",
        django_capture_on_commit_callbacks,
    )
    html = response.content.decode()
    assert "Invited 2 people." in html
    assert set(
        Invitation.objects.filter(program=program).values_list("person__email", flat=True)
    ) == {
        mentee.email,
        mentor.email,
    }
    assert sorted(m.to[0] for m in mail.outbox) == sorted([mentee.email, mentor.email])
    link = settings.BASE_URL + reverse("programs:detail", kwargs={"program_id": program.pk})
    for message in mail.outbox:
        assert link in message.body
        assert "Leaders 2027" in message.subject
    assert "Ezra Mentee" in html  # the list of who was invited
    assert "Olu Mentor" in html


def test_addresses_may_be_separated_by_commas_semicolons_spaces_or_lines(
    program: Program,
    hr_admin: User,
    eager_tasks: None,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    people = UserFactory.create_batch(5)
    a, b, c, d, e = (p.email for p in people)
    text = f"{a}, {b};{c}\n{d.upper()}  {e}\r\n\n{a}"
    response = _post(_as(hr_admin), program, text, django_capture_on_commit_callbacks)
    assert "Invited 5 people." in response.content.decode()
    assert Invitation.objects.filter(program=program).count() == 5
    assert len(mail.outbox) == 5


def test_inviting_again_sends_nothing_new(
    program: Program,
    hr_admin: User,
    mentee: User,
    mentor: User,
    eager_tasks: None,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    client = _as(hr_admin)
    _post(client, program, mentee.email, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    response = _post(
        client, program, f"{mentee.email}, {mentor.email}", django_capture_on_commit_callbacks
    )
    html = response.content.decode()
    assert "Invited 1 person (1 was already invited)." in html
    assert [m.to for m in mail.outbox] == [[mentee.email], [mentor.email]]
    response = _post(client, program, mentee.email, django_capture_on_commit_callbacks)
    assert "Invited 0 people (1 was already invited)." in response.content.decode()
    assert len(mail.outbox) == 2
    assert Invitation.objects.filter(program=program).count() == 2


def test_an_unknown_address_invites_nobody_and_keeps_the_input(
    program: Program,
    hr_admin: User,
    mentee: User,
    eager_tasks: None,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    text = f"{mentee.email}\nnobody@example.com"
    with django_capture_on_commit_callbacks(execute=True):
        response = _as(hr_admin).post(_invite_url(program), {"emails": text})
    assert response.status_code == 200
    html = response.content.decode()
    assert "No active person has these addresses: nobody@example.com" in html
    assert f"{mentee.email}\nnobody@example.com</textarea>" in html
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_an_inactive_person_cannot_be_invited(
    program: Program, hr_admin: User, outsider: User
) -> None:
    User.objects.filter(pk=outsider.pk).update(is_active=False)
    response = _as(hr_admin).post(_invite_url(program), {"emails": outsider.email})
    assert "No active person has these addresses" in response.content.decode()
    assert not Invitation.objects.exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Enter e-mail addresses or choose a department, or both."),
        (" ,; \n", "Enter at least one e-mail address."),
        ("ann@example.com\nnot-an-address", "This is not an e-mail address: not-an-address."),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(
    program: Program, hr_admin: User, text: str, message: str
) -> None:
    response = _as(hr_admin).post(_invite_url(program), {"emails": text})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Invitation.objects.exists()


def test_the_page_explains_invited_only_programs(program: Program, hr_admin: User) -> None:
    html = _as(hr_admin).get(_invite_url(program)).content.decode()
    assert "Only the people you invite can see it and join it" in html
    assert "Nobody has been invited yet" in html


def test_the_page_explains_that_other_invitations_are_just_an_e_mail(hr_admin: User) -> None:
    program = ProgramFactory(audience=Program.Audience.EVERYONE)
    html = _as(hr_admin).get(_invite_url(program)).content.decode()
    assert "simply a personal e-mail" in html
    assert "Only the people you invite" not in html


def test_the_page_warns_that_a_closed_program_sends_no_e_mail(hr_admin: User) -> None:
    program = ProgramFactory(status=Program.Status.CLOSED)
    html = _as(hr_admin).get(_invite_url(program)).content.decode()
    assert "no invitation e-mail is sent" in html


def test_the_invited_list_runs_the_same_queries_for_3_and_60_people(
    program: Program, hr_admin: User
) -> None:
    client = _as(hr_admin)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(_invite_url(program)).status_code == 200
        return len(captured)

    program_invite(
        program=program, emails=[p.email for p in UserFactory.create_batch(3)], invited_by=hr_admin
    )
    few = queries()
    program_invite(
        program=program, emails=[p.email for p in UserFactory.create_batch(57)], invited_by=hr_admin
    )
    assert few == queries()


@pytest.mark.parametrize("persona", ["mentee", "mentor", "manager", "outsider"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_other_roles_get_the_404_of_a_missing_program(
    program: Program, personas: dict[str, User | None], persona: str, method: str
) -> None:
    client = _as(personas[persona])
    data = {"emails": "someone@example.com"}
    response = getattr(client, method)(_invite_url(program), data)
    missing = getattr(client, method)(_invite_url(MISSING_ID), data)
    assert response.status_code == missing.status_code == 404
    assert response.content == missing.content
    assert not Invitation.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in(program: Program) -> None:
    response = Client().get(_invite_url(program))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_hr_gets_404_for_a_missing_program(hr_admin: User) -> None:
    assert _as(hr_admin).get(_invite_url(MISSING_ID)).status_code == 404


# ---------------------------------------------------------------- a whole department


@pytest.fixture
def finance(db: None) -> list[User]:
    department = DepartmentFactory(name="Finance")
    people = UserFactory.create_batch(3, department=department)
    UserFactory(department=department, is_active=False, full_name="Left Already")
    return people


def test_the_form_offers_each_department_with_how_many_it_invites(
    program: Program, hr_admin: User, finance: list[User]
) -> None:
    html = _as(hr_admin).get(_invite_url(program)).content.decode()
    department = finance[0].department
    assert department is not None
    assert f'<option value="{department.pk}">Finance (3 people)</option>' in html


def test_hr_invites_a_whole_department_and_each_active_person_gets_one_e_mail(
    program: Program,
    hr_admin: User,
    finance: list[User],
    eager_tasks: None,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    department = finance[0].department
    assert department is not None
    with django_capture_on_commit_callbacks(execute=True):
        response = _as(hr_admin).post(
            _invite_url(program), {"emails": "", "department": str(department.pk)}, follow=True
        )
    assert "Invited 3 people." in response.content.decode()
    invited = set(Invitation.objects.filter(program=program).values_list("person_id", flat=True))
    assert invited == {p.pk for p in finance}
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in finance)


def test_a_department_and_addresses_together_invite_each_person_once(
    program: Program, hr_admin: User, finance: list[User]
) -> None:
    department = finance[0].department
    assert department is not None
    other = UserFactory()
    response = _as(hr_admin).post(
        _invite_url(program),
        {"emails": f"{finance[0].email}\n{other.email}", "department": str(department.pk)},
        follow=True,
    )
    assert "Invited 4 people." in response.content.decode()
    again = _as(hr_admin).post(
        _invite_url(program), {"department": str(department.pk)}, follow=True
    )
    assert "Invited 0 people (3 were already invited)." in again.content.decode()
    assert Invitation.objects.filter(program=program).count() == 4


def test_a_department_that_is_not_on_offer_is_refused_and_keeps_the_input(
    program: Program, hr_admin: User
) -> None:
    response = _as(hr_admin).post(
        _invite_url(program), {"emails": "ann@example.com", "department": str(MISSING_ID)}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Choose a department from the list." in html
    assert "ann@example.com" in html
    assert not Invitation.objects.exists()


def test_a_department_of_people_who_all_left_invites_nobody(
    program: Program, hr_admin: User
) -> None:
    left = UserFactory(is_active=False, department=DepartmentFactory(name="Closed"))
    assert left.department is not None
    response = _as(hr_admin).post(_invite_url(program), {"department": str(left.department.pk)})
    assert response.status_code == 200
    assert "Nobody active works in this department." in response.content.decode()
    assert not Invitation.objects.exists()


def test_the_invited_list_is_a_page_at_a_time(program: Program, hr_admin: User) -> None:
    people = UserFactory.create_batch(INVITED_PER_PAGE + 3)
    program_invite(program=program, emails=[p.email for p in people], invited_by=hr_admin)
    html = _as(hr_admin).get(_invite_url(program)).content.decode()
    assert f"{INVITED_PER_PAGE + 3} people invited so far" in html
    assert html.count('<th scope="row" class="cell-primary"') == INVITED_PER_PAGE
    assert "?page=2" in html
