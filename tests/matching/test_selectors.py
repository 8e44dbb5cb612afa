"""Shortlists, requests and pairs as the people in them read them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from matching import selectors
from matching.models import MentorshipRequest, Pair
from people.models import Department, User
from programs.models import Enrolment, Program
from tests.factories import DepartmentFactory, UserFactory
from tests.programs.factories import ProgramFactory, SkillFactory, enrol

pytestmark = pytest.mark.django_db


def choice_program(**fields: object) -> Program:
    return ProgramFactory(
        name="Choose your mentor", matching_mode=Program.MatchingMode.CHOICE, **fields
    )


def add_mentor(
    program: Program,
    name: str,
    *,
    capacity: int = 2,
    skills: tuple[str, ...] = (),
    department: Department | None = None,
) -> Enrolment:
    user = UserFactory(full_name=name, department=department or DepartmentFactory())
    enrolment = enrol(program, user, role=Enrolment.Role.MENTOR, capacity=capacity)
    enrolment.skills.set([SkillFactory(name=s) for s in skills])
    return enrolment


def ask(mentee: Enrolment, mentor: Enrolment, **fields: object) -> MentorshipRequest:
    return MentorshipRequest.objects.create(
        program=mentee.program,
        mentee=mentee,
        mentor=mentor,
        expires_at=timezone.now() + dt.timedelta(days=7),
        **fields,
    )


def names(options: list[selectors.MentorOption]) -> list[str]:
    return [o.mentor.person.full_name for o in options]


def test_shortlist_shows_at_most_five_mentors_best_first(mentee: User) -> None:
    program = choice_program()
    me = enrol(program, mentee)
    me.skills.set([SkillFactory(name="Negotiation")])
    for i in range(7):
        add_mentor(program, f"Mentor {i}")
    best = add_mentor(program, "Best fit", skills=("Negotiation",))
    options = selectors.shortlist_for(mentee=me)
    assert len(options) == 5
    assert options[0].mentor == best
    assert any("1 shared skill: Negotiation" in r for r in options[0].reasons)


def test_shortlist_never_offers_anyone_in_the_reporting_line(mentee: User, manager: User) -> None:
    program = choice_program(require_different_department=False)
    skip_level = UserFactory(full_name="Sky Skiplevel", department=manager.department)
    manager.manager = skip_level
    manager.save()
    report = UserFactory(full_name="Rene Report", manager=mentee, department=mentee.department)
    me = enrol(program, mentee)
    for boss in (manager, skip_level, report):
        enrol(program, boss, role=Enrolment.Role.MENTOR, capacity=2)
    add_mentor(program, "Fair Choice", department=mentee.department)
    assert names(selectors.shortlist_for(mentee=me)) == ["Fair Choice"]


def test_mentor_whose_seats_are_all_requested_rotates_behind_free_mentors(
    mentee: User,
) -> None:
    program = choice_program()
    me = enrol(program, mentee)
    me.skills.set([SkillFactory(name="Negotiation")])
    popular = add_mentor(program, "Popular", capacity=1, skills=("Negotiation",))
    for i in range(5):
        add_mentor(program, f"Free {i}")
    assert names(selectors.shortlist_for(mentee=me))[0] == "Popular"
    someone_else = enrol(program, UserFactory(department=DepartmentFactory()))
    ask(someone_else, popular)
    shown = names(selectors.shortlist_for(mentee=me))
    assert "Popular" not in shown
    assert len(shown) == 5


def test_crowded_mentor_is_still_offered_when_nobody_else_is_free(mentee: User) -> None:
    program = choice_program()
    me = enrol(program, mentee)
    popular = add_mentor(program, "Popular", capacity=1)
    ask(enrol(program, UserFactory(department=DepartmentFactory())), popular)
    assert names(selectors.shortlist_for(mentee=me)) == ["Popular"]


def test_mentors_already_asked_or_who_declined_are_left_out(mentee: User) -> None:
    program = choice_program()
    me = enrol(program, mentee)
    asked = add_mentor(program, "Asked")
    declined = add_mentor(program, "Declined")
    add_mentor(program, "Still open")
    ask(me, asked)
    ask(me, declined, status=MentorshipRequest.Status.DECLINED)
    assert names(selectors.shortlist_for(mentee=me)) == ["Still open"]


def test_shortlist_is_empty_for_a_mentee_with_a_mentor(mentee: User) -> None:
    program = choice_program()
    me = enrol(program, mentee)
    mentor = add_mentor(program, "Taken")
    add_mentor(program, "Other")
    Pair.objects.create(program=program, mentee=me, mentor=mentor, origin=Pair.Origin.CHOICE)
    assert selectors.shortlist_for(mentee=me) == []


def test_full_mentor_is_not_offered(mentee: User) -> None:
    program = choice_program()
    me = enrol(program, mentee)
    full = add_mentor(program, "Full", capacity=1)
    other = enrol(program, UserFactory(department=DepartmentFactory()))
    Pair.objects.create(program=program, mentee=other, mentor=full, origin=Pair.Origin.CHOICE)
    assert selectors.shortlist_for(mentee=me) == []


def test_requests_received_lists_open_ones_first(mentor: User) -> None:
    program = choice_program()
    mine = enrol(program, mentor, role=Enrolment.Role.MENTOR, capacity=3)
    first = enrol(program, UserFactory(department=DepartmentFactory()))
    second = enrol(program, UserFactory(department=DepartmentFactory()))
    ask(first, mine)
    ask(second, mine, status=MentorshipRequest.Status.DECLINED)
    statuses = [r.status for r in selectors.requests_received(person=mentor)]
    assert statuses == ["open", "declined"]
    assert list(selectors.requests_sent(person=mentor)) == []


def test_pairs_of_covers_both_roles_and_nobody_elses(mentee: User, mentor: User) -> None:
    program = choice_program()
    as_mentee = Pair.objects.create(
        program=program,
        mentee=enrol(program, mentee),
        mentor=enrol(program, mentor, role=Enrolment.Role.MENTOR),
        origin=Pair.Origin.CHOICE,
    )
    other = choice_program()
    as_mentor = Pair.objects.create(
        program=other,
        mentee=enrol(other, UserFactory(department=DepartmentFactory())),
        mentor=enrol(other, mentee, role=Enrolment.Role.MENTOR),
        origin=Pair.Origin.CHOICE,
    )
    assert set(selectors.pairs_of(person=mentee)) == {as_mentee, as_mentor}
    assert list(selectors.pairs_of(person=mentor)) == [as_mentee]
