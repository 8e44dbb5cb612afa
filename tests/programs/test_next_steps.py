"""Each person knows what to do next: the mentee-choice program leads to the shortlist and
the requests from home and the program page, and the words follow the real state."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from people.models import User
from programs.models import Enrolment, Program
from tests.factories import UserFactory
from tests.programs.factories import ProgramFactory, enrol
from tests.programs.test_enrolment import _form, _mentor_form, _messages

pytestmark = pytest.mark.django_db


def _choice(**fields: object) -> Program:
    return ProgramFactory(name="Choose", matching_mode=Program.MatchingMode.CHOICE, **fields)


@pytest.mark.parametrize("status", ["open", "matching", "active"])
def test_an_accepted_choice_mentee_is_led_to_the_shortlist_and_requests_from_home_and_program(
    client: Client, mentee: User, status: str
) -> None:
    program = _choice()
    enrol(program, mentee)
    Program.objects.filter(pk=program.pk).update(status=status)
    client.force_login(mentee)
    shortlist = reverse("matching:shortlist", args=[program.pk])
    for page in (reverse("home"), reverse("programs:detail", args=[program.pk])):
        html = client.get(page).content.decode()
        assert f'href="{shortlist}"' in html, page
        assert f'href="{reverse("matching:requests")}"' in html, page
    assert client.get(shortlist).status_code == 200  # the link leads somewhere that works


def test_a_choice_mentee_waiting_for_hr_is_told_when_choosing_opens(
    client: Client, mentee: User
) -> None:
    program = _choice(requires_approval=True)
    client.force_login(mentee)
    response = client.post(
        reverse("programs:enrol_mentee", args=[program.pk]), _form(), follow=True
    )
    assert Enrolment.objects.get(program=program).status == Enrolment.Status.PENDING
    assert "Once HR accepts it, you choose your mentor" in _messages(response)
    html = client.get(reverse("home")).content.decode()
    assert "Once it is accepted, you choose your mentor here." in html
    assert reverse("matching:shortlist", args=[program.pk]) not in html  # not yet theirs


def test_enrolling_as_a_choice_mentee_says_choosing_is_open_now(
    client: Client, mentee: User
) -> None:
    program = _choice()
    client.force_login(mentee)
    response = client.post(
        reverse("programs:enrol_mentee", args=[program.pk]), _form(), follow=True
    )
    text = _messages(response)
    assert "You can choose your mentor now" in text
    assert "When matching starts" not in text  # it is already open: say so
    assert reverse("matching:shortlist", args=[program.pk]) in response.content.decode()


def test_enrolling_as_a_choice_mentor_says_requests_come_from_now_on(
    client: Client, mentor: User
) -> None:
    program = _choice()
    client.force_login(mentor)
    response = client.post(
        reverse("programs:enrol_mentor", args=[program.pk]), _mentor_form(), follow=True
    )
    assert "Mentees can ask you from now on" in _messages(response)


def test_the_direct_reports_page_has_its_own_name_and_links_the_schedule(
    client: Client, manager: User, mentee: User
) -> None:
    client.force_login(manager)
    html = client.get(reverse("people:team")).content.decode()
    assert '<h1 class="page-title">Your direct reports</h1>' in html
    assert "will be shown here" not in html
    assert f'href="{reverse("manager_view:team")}"' in html
    home = client.get(reverse("home")).content.decode()
    assert "See their mentoring times" in home
    assert f'href="{reverse("manager_view:team")}"' in home


def test_hr_home_says_import_first_only_while_nobody_else_is_in_the_app(
    client: Client, hr_admin: User
) -> None:
    User.objects.exclude(pk=hr_admin.pk).delete()
    client.force_login(hr_admin)
    assert "Start by bringing everyone in" in client.get(reverse("home")).content.decode()
    UserFactory()
    html = client.get(reverse("home")).content.decode()
    assert "Start by bringing everyone in" not in html
    assert "Keep people current" in html


@pytest.mark.parametrize("mode", ["choice", "cohort"])
def test_home_says_who_has_a_pair_instead_of_asking_to_choose_or_wait(
    client: Client, mentee: User, mentor: User, mode: str
) -> None:
    from tests.meetings.factories import make_pair

    pair = make_pair(mentee, mentor)
    Program.objects.filter(pk=pair.program_id).update(
        matching_mode=mode, status=Program.Status.MATCHING
    )
    client.force_login(mentee)
    html = client.get(reverse("home")).content.decode()
    assert "You have a mentor in this program." in html
    assert "Choose the mentor you would like to ask." not in html
    assert "You will see your pair here once HR publishes it." not in html
    client.force_login(mentor)
    assert "You mentor in this program." in client.get(reverse("home")).content.decode()


def test_a_paired_choice_mentee_is_not_asked_to_choose_again_on_the_program_pages(
    client: Client, mentee: User, mentor: User
) -> None:
    from matching.models import Pair
    from matching.services import pair_create

    program = _choice()
    mentee_enrolment = enrol(program, mentee)
    mentor_enrolment = enrol(program, mentor, role=Enrolment.Role.MENTOR)
    Program.objects.filter(pk=program.pk).update(status=Program.Status.ACTIVE)
    pair_create(mentee=mentee_enrolment, mentor=mentor_enrolment, origin=Pair.Origin.MANUAL)
    client.force_login(mentee)
    for page in (reverse("programs:list"), reverse("programs:detail", args=[program.pk])):
        html = client.get(page).content.decode()
        assert "You have a mentor in this program." in html, page
        assert "Choose the mentor you would like to ask." not in html, page
        assert reverse("matching:shortlist", args=[program.pk]) not in html, page
    client.force_login(mentor)
    html = client.get(reverse("programs:detail", args=[program.pk])).content.decode()
    assert "You mentor in this program." in html
