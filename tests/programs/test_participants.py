"""HR's participant list and decisions on applications."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from people.models import Department, User
from programs.models import Enrolment, FocusSuggestion, Nomination, Program
from programs.services import nomination_create, program_invite
from tests.factories import DepartmentFactory, UserFactory, make_hr_admin
from tests.programs.factories import ProgramFactory, SkillFactory, enrol

pytestmark = pytest.mark.django_db

MISSING_ID = 987654


def _list_url(program: Program | int, **query: str) -> str:
    pk = program if isinstance(program, int) else program.pk
    url = reverse("hr_view:participants", kwargs={"program_id": pk})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def _decide_url(program: Program | int, enrolment_id: int) -> str:
    pk = program if isinstance(program, int) else program.pk
    return reverse(
        "programs:participant_decide", kwargs={"program_id": pk, "enrolment_id": enrolment_id}
    )


def _as(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def program(db: None) -> Program:
    return ProgramFactory(name="Spring cohort")


@pytest.fixture
def approval_program(db: None) -> Program:
    return ProgramFactory(name="Leaders 2027", requires_approval=True)


def fill(program: Program, count: int, *, department: Department | None = None) -> None:
    """``count`` participants, alternating mentees and mentors, each with two skills."""
    skills = [SkillFactory(name="Negotiation"), SkillFactory(name="Public speaking")]
    departments = (
        [department] if department else [DepartmentFactory(name=f"Dept {i}") for i in range(3)]
    )
    for i in range(count):
        person = UserFactory(department=departments[i % len(departments)])
        role = Enrolment.Role.MENTOR if i % 2 else Enrolment.Role.MENTEE
        enrol(program, person, role=role).skills.set(skills)


# ---------------------------------------------------------------- who may see it


def test_hr_admin_sees_the_participants_and_their_answers(
    program: Program, hr_admin: User, mentee: User, mentor: User
) -> None:
    mentee_enrolment = enrol(
        program, mentee, goals="Learn to negotiate budgets", languages=["en", "fr"]
    )
    mentee_enrolment.skills.set([SkillFactory(name="Budgeting")])
    enrol(program, mentor, role=Enrolment.Role.MENTOR, capacity=3, years_experience=17)
    response = _as(hr_admin).get(_list_url(program))
    assert response.status_code == 200
    html = response.content.decode()
    for expected in (
        "Ezra Mentee",
        "Olu Mentor",
        "Finance",  # the mentor's department
        "Learn to negotiate budgets",
        "Budgeting",
        "English, French",
        "17 years",
        "Up to 3 mentees",  # the mentor's capacity
        "Mentee",
        "Mentor",
        "Enrolled",
    ):
        assert expected in html, expected


@pytest.mark.parametrize("persona", ["mentee", "mentor", "manager", "outsider"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_other_roles_get_the_404_of_a_missing_program(
    program: Program, personas: dict[str, User | None], persona: str, method: str
) -> None:
    mentee_enrolment = enrol(program, personas["mentee"])  # type: ignore[arg-type]
    client = _as(personas[persona])
    pairs = [
        (_list_url(program), _list_url(MISSING_ID)),
        (_decide_url(program, mentee_enrolment.pk), _decide_url(MISSING_ID, MISSING_ID)),
    ]
    for url, missing_url in pairs:
        response = getattr(client, method)(url)
        missing = getattr(client, method)(missing_url)
        assert response.status_code == 404
        assert response.content == missing.content


def test_hr_admin_gets_404_for_a_missing_program(hr_admin: User) -> None:
    assert _as(hr_admin).get(_list_url(MISSING_ID)).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(program: Program) -> None:
    response = Client().get(_list_url(program))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


# ---------------------------------------------------------------- filters and states


@pytest.fixture
def mixed(program: Program, mentee: User, mentor: User, outsider: User) -> Program:
    enrol(program, mentee)  # department of the manager
    enrol(program, mentor, role=Enrolment.Role.MENTOR)  # Finance
    enrol(program, outsider)  # Legal
    withdrawn = enrol(program, UserFactory(full_name="Wanda Withdrawn"))
    Enrolment.objects.filter(pk=withdrawn.pk).update(status=Enrolment.Status.WITHDRAWN)
    return program


def _names_in(html: str) -> set[str]:
    return {
        n for n in ("Ezra Mentee", "Olu Mentor", "Otto Outsider", "Wanda Withdrawn") if n in html
    }


def test_filter_by_role_keeps_the_chosen_value(mixed: Program, hr_admin: User) -> None:
    html = _as(hr_admin).get(_list_url(mixed, role="mentor")).content.decode()
    assert _names_in(html) == {"Olu Mentor"}
    assert '<option value="mentor" selected>' in html


def test_filter_by_status(mixed: Program, hr_admin: User) -> None:
    html = _as(hr_admin).get(_list_url(mixed, status="withdrawn")).content.decode()
    assert _names_in(html) == {"Wanda Withdrawn"}
    assert '<option value="withdrawn" selected>' in html


def test_filter_by_department_offers_only_departments_present(
    mixed: Program, hr_admin: User, mentor: User
) -> None:
    DepartmentFactory(name="Nobody here")
    finance = mentor.department
    assert finance is not None
    html = _as(hr_admin).get(_list_url(mixed, department=str(finance.pk))).content.decode()
    assert _names_in(html) == {"Olu Mentor"}
    assert f'<option value="{finance.pk}" selected>Finance</option>' in html
    assert "Legal" in html  # offered, as Otto is enrolled
    assert "Nobody here" not in html
    assert "People" not in html.split('id="id_department"')[1].split("</select>")[0]


def test_an_unknown_filter_value_is_reported_and_ignored(mixed: Program, hr_admin: User) -> None:
    response = _as(hr_admin).get(_list_url(mixed, role="ceo"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Select a valid choice" in html
    assert len(_names_in(html)) == 4


def test_counts_per_status_cover_the_whole_program(mixed: Program, hr_admin: User) -> None:
    response = _as(hr_admin).get(_list_url(mixed, role="mentor"))
    statuses = {s["value"]: s["count"] for s in response.context["statuses"]}
    assert statuses == {"pending": 0, "accepted": 3, "declined": 0, "withdrawn": 1}
    assert response.context["total"] == 4


def test_empty_program_invites_hr_to_invite_people(program: Program, hr_admin: User) -> None:
    html = _as(hr_admin).get(_list_url(program)).content.decode()
    assert "Nobody has enrolled yet" in html
    assert reverse("programs:invite", kwargs={"program_id": program.pk}) in html
    assert "No participants match" not in html


@pytest.mark.parametrize(
    ("status", "hint"),
    [
        (Program.Status.MATCHING, "reopen enrolment on the program's page"),
        (Program.Status.ACTIVE, "nobody enrolled while it was open"),
        (Program.Status.CLOSED, "nobody enrolled while it was open"),
    ],
)
def test_empty_program_past_enrolment_says_so_and_offers_no_invitation(
    program: Program, hr_admin: User, status: str, hint: str
) -> None:
    Program.objects.filter(pk=program.pk).update(status=status)
    html = _as(hr_admin).get(_list_url(program)).content.decode().replace("&#x27;", "'")
    assert "Nobody enrolled" in html
    assert hint in html
    assert "Nobody has enrolled yet" not in html
    assert "will appear here" not in html
    invite_url = reverse("programs:invite", kwargs={"program_id": program.pk})
    assert html.count(f'href="{invite_url}"') == 1  # the header's link, no call to invite


def test_filters_matching_nobody_say_so(mixed: Program, hr_admin: User) -> None:
    html = _as(hr_admin).get(_list_url(mixed, status="pending")).content.decode()
    assert "No participants match these filters" in html
    assert "Nobody has enrolled yet" not in html
    assert f'href="{_list_url(mixed)}"' in html  # clear filters


def test_enrolled_date_is_in_the_viewers_time_zone(program: Program, mentee: User) -> None:
    enrolment = enrol(program, mentee)
    late_evening_utc = dt.datetime(2026, 3, 9, 23, 30, tzinfo=dt.UTC)
    Enrolment.objects.filter(pk=enrolment.pk).update(created_at=late_evening_utc)
    tokyo_hr = make_hr_admin(UserFactory(time_zone="Asia/Tokyo"))
    html = _as(tokyo_hr).get(_list_url(program)).content.decode()
    assert "10 Mar 2026" in html
    assert "9 Mar 2026" not in html


def test_pending_applications_have_approve_and_decline_buttons(
    approval_program: Program, hr_admin: User, mentee: User, mentor: User
) -> None:
    pending = enrol(approval_program, mentee)
    approval_program.requires_approval = False
    approval_program.save()
    accepted = enrol(approval_program, mentor, role=Enrolment.Role.MENTOR)
    html = _as(hr_admin).get(_list_url(approval_program)).content.decode()
    assert _decide_url(approval_program, pending.pk) in html
    assert _decide_url(approval_program, accepted.pk) not in html
    assert "Waiting for HR approval" in html


# ---------------------------------------------------------------- decisions


@pytest.fixture
def pending(approval_program: Program, mentee: User) -> Enrolment:
    return enrol(approval_program, mentee)


def test_hr_approves_an_application(pending: Enrolment, hr_admin: User) -> None:
    program = pending.program
    response = _as(hr_admin).post(
        _decide_url(program, pending.pk),
        {"decision": "approve", "next": _list_url(program, role="mentee", status="pending")},
        follow=True,
    )
    pending.refresh_from_db()
    assert pending.status == Enrolment.Status.ACCEPTED
    assert response.redirect_chain[-1][0] == _list_url(program, role="mentee", status="pending")
    assert (
        "Approved Ezra Mentee as Mentee. They get an e-mail about it." in response.content.decode()
    )


def test_hr_declines_an_application(pending: Enrolment, hr_admin: User) -> None:
    response = _as(hr_admin).post(
        _decide_url(pending.program, pending.pk), {"decision": "decline"}, follow=True
    )
    pending.refresh_from_db()
    assert pending.status == Enrolment.Status.DECLINED
    assert response.redirect_chain[-1][0] == _list_url(pending.program)
    assert "Declined the application of Ezra Mentee" in response.content.decode()


@pytest.mark.parametrize(("first", "second"), [("approve", "decline"), ("decline", "approve")])
def test_a_second_decision_is_refused_and_changes_nothing(
    pending: Enrolment, hr_admin: User, first: str, second: str
) -> None:
    client = _as(hr_admin)
    url = _decide_url(pending.program, pending.pk)
    client.post(url, {"decision": first})
    pending.refresh_from_db()
    decided = pending.status
    updated_at = pending.updated_at
    response = client.post(url, {"decision": second}, follow=True)
    pending.refresh_from_db()
    assert (pending.status, pending.updated_at) == (decided, updated_at)
    assert "Only applications waiting for approval can be decided." in response.content.decode()


def test_an_accepted_enrolment_cannot_be_declined(
    program: Program, hr_admin: User, mentee: User
) -> None:
    accepted = enrol(program, mentee)
    response = _as(hr_admin).post(_decide_url(program, accepted.pk), {"decision": "decline"})
    accepted.refresh_from_db()
    assert response.status_code == 302
    assert accepted.status == Enrolment.Status.ACCEPTED


def test_an_unknown_decision_changes_nothing(pending: Enrolment, hr_admin: User) -> None:
    response = _as(hr_admin).post(
        _decide_url(pending.program, pending.pk), {"decision": "promote"}, follow=True
    )
    pending.refresh_from_db()
    assert pending.status == Enrolment.Status.PENDING
    assert "Choose whether to approve or decline" in response.content.decode()


def test_deciding_needs_a_post(pending: Enrolment, hr_admin: User) -> None:
    response = _as(hr_admin).get(_decide_url(pending.program, pending.pk))
    assert response.status_code == 405
    pending.refresh_from_db()
    assert pending.status == Enrolment.Status.PENDING


def test_an_enrolment_of_another_program_is_a_missing_id(
    pending: Enrolment, program: Program, hr_admin: User
) -> None:
    client = _as(hr_admin)
    response = client.post(_decide_url(program, pending.pk), {"decision": "approve"})
    missing = client.post(_decide_url(program, MISSING_ID), {"decision": "approve"})
    assert response.status_code == missing.status_code == 404
    assert response.content == missing.content
    pending.refresh_from_db()
    assert pending.status == Enrolment.Status.PENDING


@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example.com/programs/manage/1/participants/",
        "//evil.example.com/",
        "/\\evil.example.com/",
        "/programs/manage/999/participants/?status=pending",
        "/accounts/logout/",
        "javascript:alert(1)",
        "",
    ],
)
def test_the_redirect_after_a_decision_never_leaves_the_list(
    pending: Enrolment, hr_admin: User, next_url: str
) -> None:
    response = _as(hr_admin).post(
        _decide_url(pending.program, pending.pk), {"decision": "approve", "next": next_url}
    )
    assert response["Location"] == _list_url(pending.program)


def test_the_redirect_keeps_only_the_filters(pending: Enrolment, hr_admin: User) -> None:
    program = pending.program
    next_url = _list_url(program) + "?role=mentee&next=https://evil.example.com&status=pending"
    response = _as(hr_admin).post(
        _decide_url(program, pending.pk), {"decision": "approve", "next": next_url}
    )
    assert response["Location"] == _list_url(program, role="mentee", status="pending")


# ---------------------------------------------------------------- privacy


def plant_canaries(program: Program, report: User, manager: User) -> list[str]:
    """A nomination note and a focus suggestion for a participant: private to the report."""
    nomination_canary = f"CANARY-NOMINATION-{uuid.uuid4()}"
    focus_canary = f"CANARY-FOCUS-{uuid.uuid4()}"
    nomination_create(manager=manager, report=report, program=program, note=nomination_canary)
    FocusSuggestion.objects.create(manager=manager, report=report, text=focus_canary)
    enrol(program, report)
    assert Nomination.objects.get(report=report).note == nomination_canary
    return [nomination_canary, focus_canary]


def test_no_participant_page_shows_nomination_notes_or_focus_suggestions(
    program: Program, hr_admin: User, mentee: User, manager: User
) -> None:
    canaries = plant_canaries(program, mentee, manager)
    program_invite(program=program, emails=[mentee.email], invited_by=hr_admin)
    client = _as(hr_admin)
    pages = [
        _list_url(program),
        _list_url(program, role="mentee"),
        _list_url(program, status="accepted"),
        reverse("programs:invite", kwargs={"program_id": program.pk}),
        reverse("programs:participants_export", kwargs={"program_id": program.pk}),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode("utf-8-sig")
        assert "Ezra Mentee" in body, url
        for canary in canaries:
            assert canary not in body, url


# ---------------------------------------------------------------- query counts


def count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "url_for",
    [
        lambda p: _list_url(p),
        lambda p: _list_url(p, role="mentor"),
        lambda p: reverse("programs:participants_export", kwargs={"program_id": p.pk}),
    ],
    ids=["list", "filtered list", "export"],
)
def test_queries_are_the_same_for_10_and_200_participants(
    program: Program, hr_admin: User, url_for: Callable[[Program], str]
) -> None:
    client = _as(hr_admin)
    fill(program, 10)
    few = count_queries(client, url_for(program))
    fill(program, 190)
    assert Enrolment.objects.filter(program=program).count() == 200
    many = count_queries(client, url_for(program))
    assert few == many
    assert many <= 12
