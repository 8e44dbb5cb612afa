"""Shortlists, requests and pairs as the people in them read them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from matching import selectors, shortlists
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


# ---------------------------------------------------------------- ranked once, kept


@pytest.fixture
def cohort_loads(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """One entry per cohort loaded for a shortlist: True for a whole cohort."""
    loads: list[bool] = []
    real = selectors.load_cohort

    def counted(program: Program, **only: object) -> object:
        loads.append(not only)
        return real(program, **only)  # type: ignore[arg-type]

    monkeypatch.setattr(selectors, "load_cohort", counted)  # one mentee's ranking
    monkeypatch.setattr(shortlists, "load_cohort", counted)  # everyone's, by the worker
    return loads


def _mentees(program: Program, count: int) -> list[Enrolment]:
    return [enrol(program, UserFactory(department=DepartmentFactory())) for _ in range(count)]


def test_the_first_view_asks_the_worker_to_rank_everyone_once(
    cohort_loads: list[bool],
    eager_tasks: None,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    program = choice_program()
    mentees = _mentees(program, 3)
    for i in range(4):
        add_mentor(program, f"Mentor {i}")
    with django_capture_on_commit_callbacks(execute=True) as enqueued:
        first = names(selectors.shortlist_for(mentee=mentees[0]))
    assert len(enqueued) == 1
    assert cohort_loads == [False, True]  # the viewer alone, then everyone by the task
    with django_capture_on_commit_callbacks(execute=True) as enqueued:
        shown = [names(selectors.shortlist_for(mentee=m)) for m in mentees]
    assert enqueued == []
    assert shown[0] == first
    assert cohort_loads == [False, True]  # kept: nobody ranked again


def test_seats_filled_after_ranking_show_at_once_without_ranking_again(
    mentee: User, cohort_loads: list[bool]
) -> None:
    program = choice_program()
    me = enrol(program, mentee)
    me.skills.set([SkillFactory(name="Negotiation")])
    best = add_mentor(program, "Best fit", capacity=1, skills=("Negotiation",))
    add_mentor(program, "Other")
    [other_mentee] = _mentees(program, 1)
    assert shortlists.shortlists_rank(program=program) == 2
    assert names(selectors.shortlist_for(mentee=me))[0] == "Best fit"
    Pair.objects.create(program=program, mentee=other_mentee, mentor=best, origin="choice")
    assert names(selectors.shortlist_for(mentee=me)) == ["Other"]
    Pair.objects.filter(mentor=best).update(status=Pair.Status.ENDED)
    assert names(selectors.shortlist_for(mentee=me))[0] == "Best fit"
    assert cohort_loads == [True]  # ranked once; the seats were read at each view


def test_changed_answers_rank_again(mentee: User, cohort_loads: list[bool]) -> None:
    program = choice_program()
    me = enrol(program, mentee)
    add_mentor(program, "Plain")
    fit = add_mentor(program, "Later fit")
    shortlists.shortlists_rank(program=program)
    assert len(selectors.shortlist_for(mentee=me)) == 2
    skill = SkillFactory(name="Hiring")
    me.skills.set([skill])
    fit.skills.set([skill])
    fit.save()  # a saved answer changes the enrolment's updated_at
    assert names(selectors.shortlist_for(mentee=me))[0] == "Later fit"
    assert cohort_loads == [True, False]  # the old ranking is not used


def test_an_ended_pairs_mentor_is_never_offered_again(mentee: User) -> None:
    program = choice_program()
    me = enrol(program, mentee)
    before = add_mentor(program, "Before")
    add_mentor(program, "New")
    Pair.objects.create(
        program=program, mentee=me, mentor=before, origin="choice", status=Pair.Status.ENDED
    )
    assert names(selectors.shortlist_for(mentee=me)) == ["New"]


def test_a_mentee_who_passed_over_the_ranked_mentors_gets_the_next_ones(
    mentee: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(selectors, "SHORTLIST_DEPTH", 2)
    monkeypatch.setattr(shortlists, "SHORTLIST_DEPTH", 2)
    program = choice_program()
    me = enrol(program, mentee)
    me.skills.set([SkillFactory(name="Negotiation")])
    asked = [add_mentor(program, f"Fit {i}", skills=("Negotiation",)) for i in range(2)]
    add_mentor(program, "Next")
    assert {o.mentor for o in selectors.shortlist_for(mentee=me, size=2)} == set(asked)
    for mentor in asked:
        ask(me, mentor)
    assert names(selectors.shortlist_for(mentee=me, size=2)) == ["Next"]


def test_a_shortlist_takes_the_same_queries_at_3_and_30_mentors(mentee: User) -> None:
    counts = []
    for mentors in (3, 30):
        program = choice_program()
        me = enrol(program, UserFactory(department=DepartmentFactory()))
        _mentees(program, mentors)
        for i in range(mentors):
            add_mentor(program, f"Mentor {i}", capacity=1)
        selectors.shortlist_for(mentee=me)  # ranks everyone
        with CaptureQueriesContext(connection) as queries:
            assert len(selectors.shortlist_for(mentee=me)) == min(mentors, 5)
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_ranking_in_chunks_keeps_every_mentees_ranking(
    cohort_loads: list[bool], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shortlists, "RANKING_CHUNK", 2)
    program = choice_program()
    mentees = _mentees(program, 5)
    for i in range(3):
        add_mentor(program, f"Mentor {i}")
    assert shortlists.shortlists_rank(program=program) == 5
    assert all(len(selectors.shortlist_for(mentee=m)) == 3 for m in mentees)
    assert cohort_loads == [True]  # every view was served from the kept rankings
