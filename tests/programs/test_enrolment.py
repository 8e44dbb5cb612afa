"""Employees browse programs, enrol as mentee and/or mentor, edit, withdraw, dismiss."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from people.models import User
from programs.models import Enrolment, FocusSuggestion, Invitation, Nomination, Program
from tests.factories import DepartmentFactory, UserFactory
from tests.programs.factories import ProgramFactory, SkillFactory, enrol

pytestmark = pytest.mark.django_db

MISSING_ID = 987654


def _form(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "goals": "Learn to say no to meetings without burning bridges.",
        "languages": ["en", "de"],
        "meeting_format": "video",
        "availability": ["mon-am", "thu-pm"],
        "years_experience": "4",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def _mentor_form(**overrides: Any) -> dict[str, Any]:
    return _form(**{"goals": "", "years_experience": "15", "capacity": "3", **overrides})


def _html(response: Any) -> str:
    return response.content.decode()


def _messages(response: Any) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def _count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


# ---------------------------------------------------------------- the list


def test_list_shows_open_programs_with_my_roles_and_my_enrolments(
    client: Client, mentee: User
) -> None:
    program = ProgramFactory(name="Grow as a leader", matching_mode=Program.MatchingMode.CHOICE)
    other = ProgramFactory(name="Finance for engineers")
    enrol(program, mentee)
    client.force_login(mentee)
    html = _html(client.get(reverse("programs:list")))
    assert "Programs open to you" in html
    assert "Grow as a leader" in html
    assert "Finance for engineers" in html
    assert "You&#x27;re enrolled as mentee" in html or "You're enrolled as mentee" in html
    assert "choose a mentor from a shortlist" in html
    assert "Everyone in the organisation" in html
    assert program.enrolment_closes.strftime("%Y") in html
    assert reverse("programs:detail", args=[other.pk]) in html
    assert "Your programs" in html
    # Choosing is open from enrolment on: the next step is to choose, and answers can change.
    assert "Choose the mentor you would like to ask." in html
    assert reverse("matching:shortlist", args=[program.pk]) in html
    assert "Edit your answers" in html


def test_list_leaves_out_programs_not_open_to_me(client: Client, mentee: User) -> None:
    elsewhere = ProgramFactory(name="Only for Legal", audience=Program.Audience.DEPARTMENTS)
    elsewhere.departments.set([DepartmentFactory(name="Legal")])
    ProgramFactory(name="Invite only", audience=Program.Audience.INVITED)
    ProgramFactory(name="Still a draft", status=Program.Status.DRAFT)
    closed_window = ProgramFactory(name="Window closed")
    closed_window.enrolment_closes = timezone.localdate() - dt.timedelta(days=1)
    closed_window.enrolment_opens = timezone.localdate() - dt.timedelta(days=9)
    closed_window.save()
    mine = ProgramFactory(name="For my department", audience=Program.Audience.DEPARTMENTS)
    mine.departments.set([mentee.department])
    client.force_login(mentee)
    html = _html(client.get(reverse("programs:list")))
    for hidden in ("Only for Legal", "Invite only", "Still a draft", "Window closed"):
        assert hidden not in html
    assert "For my department" in html
    assert f"People in {mentee.department.name}" in html  # type: ignore[union-attr]


def test_list_explains_when_there_is_nothing(client: Client, outsider: User) -> None:
    client.force_login(outsider)
    html = _html(client.get(reverse("programs:list")))
    assert "No program is open to you right now" in html
    assert "You have not joined a program yet" in html


def test_list_runs_the_same_queries_for_10_and_200_programs(client: Client, mentee: User) -> None:
    departments = [mentee.department, DepartmentFactory(name="Finance")]
    client.force_login(mentee)

    def add(count: int) -> None:
        for i in range(count):
            program = ProgramFactory(
                audience=Program.Audience.DEPARTMENTS if i % 2 else Program.Audience.EVERYONE
            )
            program.departments.set(departments)
            if i % 3 == 0:
                enrol(program, mentee)

    add(10)
    few = _count_queries(client, reverse("programs:list"))
    add(190)
    many = _count_queries(client, reverse("programs:list"))
    assert few == many


# ---------------------------------------------------------------- the detail page


def test_detail_says_what_the_program_is_and_offers_both_roles(
    client: Client, mentee: User
) -> None:
    program = ProgramFactory(
        name="Grow", description="A year of growing.", cadence_weeks=3, requires_approval=True
    )
    client.force_login(mentee)
    html = _html(client.get(program.get_absolute_url()))
    assert "A year of growing." in html
    assert "Meet every 3 weeks" in html
    assert "HR matches everyone at once" in html
    assert "HR reviews each application" in html
    assert "stays between the two of you" in html
    assert reverse("programs:enrol_mentee", args=[program.pk]) in html
    assert reverse("programs:enrol_mentor", args=[program.pk]) in html


def test_detail_shows_my_enrolment_and_only_the_other_role_to_enrol(
    client: Client, mentee: User
) -> None:
    program = ProgramFactory()
    enrolment = enrol(program, mentee)
    client.force_login(mentee)
    html = _html(client.get(program.get_absolute_url()))
    assert reverse("programs:enrol_mentee", args=[program.pk]) not in html
    assert reverse("programs:enrol_mentor", args=[program.pk]) in html
    assert reverse("programs:enrolment_edit", args=[enrolment.pk]) in html
    assert reverse("programs:enrolment_withdraw", args=[enrolment.pk]) in html


def test_detail_of_a_program_past_enrolment_offers_no_enrolment(
    client: Client, mentee: User
) -> None:
    program = ProgramFactory()
    enrol(program, mentee)
    Program.objects.filter(pk=program.pk).update(status=Program.Status.MATCHING)
    client.force_login(mentee)
    html = _html(client.get(program.get_absolute_url()))
    assert "Matching is under way" in html
    assert reverse("programs:enrol_mentor", args=[program.pk]) not in html


@pytest.mark.parametrize("route", ["programs:detail", "programs:enrol_mentee"])
def test_program_not_open_to_me_is_the_same_404_as_a_missing_one(
    client: Client, outsider: User, route: str
) -> None:
    program = ProgramFactory(audience=Program.Audience.INVITED)
    client.force_login(outsider)
    response = client.get(reverse(route, args=[program.pk]))
    missing = client.get(reverse(route, args=[MISSING_ID]))
    assert response.status_code == missing.status_code == 404
    assert response.content == missing.content


# ---------------------------------------------------------------- enrolling


def test_mentee_form_says_who_reads_the_goals_and_shows_the_time_zone(
    client: Client, mentee: User
) -> None:
    SkillFactory(name="Public speaking")
    program = ProgramFactory()
    client.force_login(mentee)
    html = _html(client.get(reverse("programs:enrol_mentee", args=[program.pk])))
    assert "Skills you want to grow" in html
    assert "Public speaking" in html
    assert "HR and possible mentors read this to find you a good match" in html
    assert "in your time zone: Europe/Berlin" in html
    assert "Monday, Morning" in html
    assert 'name="capacity"' not in html


def test_mentor_form_asks_for_capacity_with_the_program_default(
    client: Client, mentor: User
) -> None:
    program = ProgramFactory(default_capacity=4)
    client.force_login(mentor)
    response = client.get(reverse("programs:enrol_mentor", args=[program.pk]))
    html = _html(response)
    assert "Skills you can offer" in html
    assert "What you&#x27;d like to offer as a mentor" in html
    assert "How many mentees can you take?" in html
    assert response.context["form"]["capacity"].value() == 4


def test_enrol_as_mentee_saves_the_answers_and_says_what_happens_next(
    client: Client, mentee: User
) -> None:
    skill = SkillFactory(name="Negotiation")
    program = ProgramFactory(name="Grow")
    client.force_login(mentee)
    response = client.post(
        reverse("programs:enrol_mentee", args=[program.pk]),
        _form(skills=[skill.pk]),
        follow=True,
    )
    assert response.redirect_chain[-1][0] == program.get_absolute_url()
    enrolment = Enrolment.objects.get(program=program, person=mentee)
    assert enrolment.role == Enrolment.Role.MENTEE
    assert enrolment.status == Enrolment.Status.ACCEPTED
    assert enrolment.languages == ["en", "de"]
    assert enrolment.availability == ["mon-am", "thu-pm"]
    assert enrolment.years_experience == 4
    assert enrolment.capacity is None
    assert enrolment.time_zone == "Europe/Berlin"
    assert list(enrolment.skills.all()) == [skill]
    message = _messages(response)
    assert "You are enrolled in “Grow” as a mentee" in message
    assert "HR matches everyone at once" in message


def test_enrol_as_both_mentee_and_mentor(client: Client, mentee: User) -> None:
    program = ProgramFactory()
    client.force_login(mentee)
    client.post(reverse("programs:enrol_mentee", args=[program.pk]), _form())
    client.post(reverse("programs:enrol_mentor", args=[program.pk]), _mentor_form())
    roles = dict(
        Enrolment.objects.filter(program=program, person=mentee).values_list("role", "capacity")
    )
    assert roles == {"mentee": None, "mentor": 3}


def test_program_that_needs_approval_makes_the_application_pending(
    client: Client, mentee: User
) -> None:
    program = ProgramFactory(requires_approval=True)
    client.force_login(mentee)
    response = client.post(
        reverse("programs:enrol_mentee", args=[program.pk]), _form(), follow=True
    )
    assert Enrolment.objects.get(program=program).status == Enrolment.Status.PENDING
    assert "is with HR" in _messages(response)
    assert "HR is reviewing your application" in _html(response)


def test_enrol_without_a_language_explains_and_saves_nothing(client: Client, mentee: User) -> None:
    program = ProgramFactory()
    client.force_login(mentee)
    response = client.post(
        reverse("programs:enrol_mentee", args=[program.pk]), _form(languages=None)
    )
    assert response.status_code == 200
    assert "Choose at least one language" in _html(response)
    assert "Learn to say no to meetings" in _html(response)  # the answers are kept
    assert not Enrolment.objects.exists()


@pytest.mark.parametrize("capacity", ["0", "21", "many"])
def test_mentor_capacity_outside_1_to_20_is_refused(
    client: Client, mentor: User, capacity: str
) -> None:
    program = ProgramFactory()
    client.force_login(mentor)
    data = {**_mentor_form(), "capacity": capacity}
    response = client.post(reverse("programs:enrol_mentor", args=[program.pk]), data)
    assert response.status_code == 200
    assert "from 1 to 20" in _html(response)
    assert not Enrolment.objects.exists()


def test_enrolling_after_the_window_closed_shows_why_and_saves_nothing(
    client: Client, mentee: User
) -> None:
    program = ProgramFactory(name="Closing")
    enrol(program, mentee)
    Program.objects.filter(pk=program.pk).update(
        enrolment_closes=timezone.localdate() - dt.timedelta(days=1)
    )
    client.force_login(mentee)
    response = client.post(reverse("programs:enrol_mentor", args=[program.pk]), _mentor_form())
    assert response.status_code == 200
    assert "“Closing” is not open for you to join right now." in _html(response)
    assert Enrolment.objects.filter(program=program).count() == 1
    # Asking for the form again sends the person back to the program with the reason.
    response = client.get(reverse("programs:enrol_mentor", args=[program.pk]), follow=True)
    assert "is not open for you to join right now" in _messages(response)


def _departments_program_elsewhere() -> Program:
    program = ProgramFactory(name="Legal only", audience=Program.Audience.DEPARTMENTS)
    program.departments.set([DepartmentFactory(name="Legal")])
    return program


@pytest.mark.parametrize("audience", ["departments", "invited"])
def test_people_outside_the_audience_cannot_enrol(
    client: Client, mentee: User, audience: str
) -> None:
    program = (
        _departments_program_elsewhere()
        if audience == "departments"
        else ProgramFactory(audience=Program.Audience.INVITED)
    )
    client.force_login(mentee)
    response = client.post(reverse("programs:enrol_mentee", args=[program.pk]), _form())
    assert response.status_code == 404
    assert not Enrolment.objects.exists()


def test_invited_person_may_enrol_in_an_invited_only_program(client: Client, mentee: User) -> None:
    program = ProgramFactory(audience=Program.Audience.INVITED)
    Invitation.objects.create(program=program, person=mentee)
    client.force_login(mentee)
    client.post(reverse("programs:enrol_mentee", args=[program.pk]), _form())
    assert Enrolment.objects.filter(program=program, person=mentee).exists()


def test_nominated_person_outside_the_audience_is_told_why(
    client: Client, mentee: User, manager: User
) -> None:
    # Nominated while in the audience, then moved: the program stays visible, enrolling is refused.
    program = _departments_program_elsewhere()
    Nomination.objects.create(program=program, manager=manager, report=mentee)
    client.force_login(mentee)
    assert client.get(program.get_absolute_url()).status_code == 200
    response = client.post(reverse("programs:enrol_mentee", args=[program.pk]), _form())
    assert "“Legal only” is not open for you to join right now." in _html(response)
    assert not Enrolment.objects.exists()


def test_enrolling_twice_in_the_same_role_is_refused(client: Client, mentee: User) -> None:
    program = ProgramFactory()
    enrol(program, mentee)
    client.force_login(mentee)
    response = client.post(reverse("programs:enrol_mentee", args=[program.pk]), _form())
    assert response.status_code == 200
    assert "You are already enrolled in this program as mentee." in _html(response)
    assert Enrolment.objects.filter(program=program, person=mentee).count() == 1


def test_enrolling_from_a_nomination_marks_it_enrolled(
    client: Client, mentee: User, manager: User
) -> None:
    program = ProgramFactory()
    nomination = Nomination.objects.create(program=program, manager=manager, report=mentee)
    client.force_login(mentee)
    client.post(reverse("programs:enrol_mentee", args=[program.pk]), _form())
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.ENROLLED


# ---------------------------------------------------------------- editing


def test_edit_form_is_prefilled_and_saves(client: Client, mentor: User) -> None:
    program = ProgramFactory()
    enrolment = enrol(program, mentor, role=Enrolment.Role.MENTOR, capacity=2)
    url = reverse("programs:enrolment_edit", args=[enrolment.pk])
    client.force_login(mentor)
    form = client.get(url).context["form"]
    assert form["capacity"].value() == 2
    assert form["languages"].value() == ["en"]
    response = client.post(url, _mentor_form(capacity="5"), follow=True)
    enrolment.refresh_from_db()
    assert enrolment.capacity == 5
    assert enrolment.languages == ["en", "de"]
    assert "are saved" in _messages(response)


def test_edit_with_bad_input_changes_nothing(client: Client, mentor: User) -> None:
    enrolment = enrol(ProgramFactory(), mentor, role=Enrolment.Role.MENTOR, capacity=2)
    client.force_login(mentor)
    response = client.post(
        reverse("programs:enrolment_edit", args=[enrolment.pk]), _mentor_form(capacity="21")
    )
    assert "from 1 to 20" in _html(response)
    enrolment.refresh_from_db()
    assert enrolment.capacity == 2


def test_after_matching_started_answers_are_read_only_and_edits_refused(
    client: Client, mentee: User
) -> None:
    program = ProgramFactory()
    enrolment = enrol(program, mentee)
    Program.objects.filter(pk=program.pk).update(status=Program.Status.MATCHING)
    url = reverse("programs:enrolment_edit", args=[enrolment.pk])
    client.force_login(mentee)
    html = _html(client.get(url))
    assert "Matching has started" in html
    assert "<form" not in html.split('id="main"')[1]
    assert "Get better at leading meetings" in html
    response = client.post(url, _form(goals="Something new"))
    assert "Matching has started, so your answers can no longer change." in _html(response)
    enrolment.refresh_from_db()
    assert enrolment.goals == "Get better at leading meetings with senior stakeholders."


@pytest.mark.parametrize("route", ["programs:enrolment_edit", "programs:enrolment_withdraw"])
@pytest.mark.parametrize("who", ["manager", "mentor", "outsider"])
def test_only_the_owner_reaches_an_enrolment(
    client: Client, personas: dict[str, User], route: str, who: str
) -> None:
    enrolment = enrol(ProgramFactory(), personas["mentee"])
    client.force_login(personas[who])
    for method in (client.get, client.post):
        response = method(reverse(route, args=[enrolment.pk]))
        missing = method(reverse(route, args=[MISSING_ID]))
        assert response.status_code == missing.status_code == 404
        assert response.content == missing.content
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.ACCEPTED


# ---------------------------------------------------------------- withdrawing


def test_withdraw_asks_calmly_then_withdraws(client: Client, mentee: User) -> None:
    enrolment = enrol(ProgramFactory(name="Grow"), mentee)
    url = reverse("programs:enrolment_withdraw", args=[enrolment.pk])
    client.force_login(mentee)
    html = _html(client.get(url))
    assert "You can withdraw at any time, no questions asked." in html
    assert "the pair ends gracefully" in html
    assert "<textarea" not in html  # no reason asked: a no-fault exit
    response = client.post(url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("home")
    assert "You have withdrawn from “Grow”" in _messages(response)
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.WITHDRAWN
    assert enrolment.withdrawn_at is not None


def test_withdraw_twice_says_so_and_changes_nothing(client: Client, mentee: User) -> None:
    enrolment = enrol(ProgramFactory(), mentee)
    url = reverse("programs:enrolment_withdraw", args=[enrolment.pk])
    client.force_login(mentee)
    client.post(url)
    withdrawn_at = Enrolment.objects.get(pk=enrolment.pk).withdrawn_at
    response = client.post(url, follow=True)
    assert "not active" in _messages(response)
    assert Enrolment.objects.get(pk=enrolment.pk).withdrawn_at == withdrawn_at


def test_withdrawing_then_enrolling_again_works(client: Client, mentee: User) -> None:
    program = ProgramFactory()
    enrolment = enrol(program, mentee)
    client.force_login(mentee)
    client.post(reverse("programs:enrolment_withdraw", args=[enrolment.pk]))
    response = client.post(reverse("programs:enrol_mentee", args=[program.pk]), _form())
    assert response.status_code == 302
    statuses = sorted(
        Enrolment.objects.filter(program=program, person=mentee).values_list("status", flat=True)
    )
    assert statuses == ["accepted", "withdrawn"]


# ---------------------------------------------------------------- dismissing suggestions


def test_report_dismisses_a_nomination(client: Client, mentee: User, manager: User) -> None:
    nomination = Nomination.objects.create(program=ProgramFactory(), manager=manager, report=mentee)
    client.force_login(mentee)
    url = reverse("programs:nomination_dismiss", args=[nomination.pk])
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.DISMISSED


def test_report_dismisses_a_focus_suggestion(client: Client, mentee: User, manager: User) -> None:
    suggestion = FocusSuggestion.objects.create(manager=manager, report=mentee, text="Delegation")
    client.force_login(mentee)
    response = client.post(reverse("programs:suggestion_dismiss", args=[suggestion.pk]))
    assert response["Location"] == reverse("home")
    suggestion.refresh_from_db()
    assert suggestion.dismissed_at is not None


@pytest.mark.parametrize("who", ["manager", "outsider"])
def test_only_the_report_dismisses_their_nomination_or_suggestion(
    client: Client, personas: dict[str, User], who: str
) -> None:
    mentee, manager = personas["mentee"], personas["manager"]
    nomination = Nomination.objects.create(program=ProgramFactory(), manager=manager, report=mentee)
    suggestion = FocusSuggestion.objects.create(manager=manager, report=mentee, text="Delegation")
    other_report = UserFactory(manager=manager)
    client.force_login(personas[who])
    for route, pk in (
        ("programs:nomination_dismiss", nomination.pk),
        ("programs:suggestion_dismiss", suggestion.pk),
    ):
        response = client.post(reverse(route, args=[pk]))
        missing = client.post(reverse(route, args=[MISSING_ID]))
        assert response.status_code == missing.status_code == 404
        assert response.content == missing.content
    # Another report of the same manager cannot dismiss them either.
    client.force_login(other_report)
    assert (
        client.post(reverse("programs:nomination_dismiss", args=[nomination.pk])).status_code == 404
    )
    nomination.refresh_from_db()
    suggestion.refresh_from_db()
    assert nomination.status == Nomination.Status.SENT
    assert suggestion.dismissed_at is None
