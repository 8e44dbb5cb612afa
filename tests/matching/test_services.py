from __future__ import annotations

import datetime as dt
import itertools
import threading
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from matching import engine, services, tasks
from matching.features import availability_hours, explanation_facts, load_cohort
from matching.models import MatchRun, MentorshipRequest, Pair, Proposal
from matching.runs import match_run_execute
from matching.services import (
    match_run_publish,
    match_run_start,
    pair_end,
    proposal_remove,
    proposal_set,
    request_accept,
    request_create,
    request_decline,
)
from matching.upkeep import requests_expire
from people.models import User
from programs.models import Enrolment, Program
from tests.factories import DepartmentFactory, UserFactory
from tests.programs.factories import ProgramFactory, enrol

pytestmark = pytest.mark.django_db


def _cohort_program(**fields: object) -> Program:
    return ProgramFactory(status=Program.Status.OPEN, **fields)


def _to_matching(program: Program) -> None:
    Program.objects.filter(pk=program.pk).update(status=Program.Status.MATCHING)
    program.refresh_from_db()


_DEPARTMENTS = itertools.count()


def _people(count: int, **fields: object) -> list[User]:
    """People in departments of their own, so the department rule never gets in the way."""
    return [
        UserFactory(department=DepartmentFactory(name=f"Dept {next(_DEPARTMENTS)}"), **fields)
        for _ in range(count)
    ]


def _run(program: Program, hr: User) -> MatchRun:
    run = match_run_start(program=program, started_by=hr)
    return match_run_execute(run_id=run.pk)


def test_loading_a_cohort_takes_the_same_queries_at_5_and_40_people() -> None:
    program = _cohort_program()
    for person in _people(3):
        enrol(program, person)
    for person in _people(2):
        enrol(program, person, role=Enrolment.Role.MENTOR)
    with CaptureQueriesContext(connection) as few:
        load_cohort(program)
    for person in _people(25):
        enrol(program, person)
    for person in _people(10):
        enrol(program, person, role=Enrolment.Role.MENTOR)
    with CaptureQueriesContext(connection) as many:
        cohort = load_cohort(program)
    assert len(cohort.mentees) == 28
    assert len(few) == len(many)


def test_a_run_proposes_pairs_with_explanations(hr_admin: User) -> None:
    program = _cohort_program()
    for person in _people(4):
        enrol(program, person)
    for person in _people(2):
        enrol(program, person, role=Enrolment.Role.MENTOR, capacity=2)
    _to_matching(program)
    run = _run(program, hr_admin)
    assert run.status == MatchRun.Status.DONE
    assert run.progress == 100
    assert run.statistics["matched"] == 4
    proposal = run.proposals.first()
    assert proposal is not None
    assert set(proposal.explanation["points"]) >= {"skills", "time_zone", "language"}


def test_the_manager_of_a_mentee_is_never_proposed(
    hr_admin: User, manager: User, mentee: User
) -> None:
    program = _cohort_program(require_different_department=False)
    enrol(program, mentee)
    enrol(program, manager, role=Enrolment.Role.MENTOR, capacity=3)
    _to_matching(program)
    run = _run(program, hr_admin)
    assert run.proposals.count() == 0
    assert run.statistics["unmatched_no_allowed_mentor"] == 1


def test_a_second_run_while_one_is_in_progress_is_refused(hr_admin: User) -> None:
    program = _cohort_program()
    _to_matching(program)
    match_run_start(program=program, started_by=hr_admin)
    with pytest.raises(ValidationError, match="already in progress"):
        match_run_start(program=program, started_by=hr_admin)
    assert MatchRun.objects.count() == 1


def test_runs_need_a_cohort_program_in_matching(hr_admin: User) -> None:
    with pytest.raises(ValidationError):
        match_run_start(program=_cohort_program(), started_by=hr_admin)
    choice = _cohort_program(matching_mode=Program.MatchingMode.CHOICE)
    _to_matching(choice)
    with pytest.raises(ValidationError):
        match_run_start(program=choice, started_by=hr_admin)


def test_publishing_creates_pairs_once(
    hr_admin: User, django_capture_on_commit_callbacks: object
) -> None:
    program = _cohort_program()
    for person in _people(3):
        enrol(program, person)
    enrol(program, _people(1)[0], role=Enrolment.Role.MENTOR, capacity=3)
    _to_matching(program)
    run = _run(program, hr_admin)
    pairs = match_run_publish(run=run)
    assert len(pairs) == Pair.objects.count() == 3
    with pytest.raises(ValidationError, match="already published"):
        match_run_publish(run=run)
    assert Pair.objects.count() == 3


def test_hr_edits_are_checked_against_rules_and_seats(
    hr_admin: User, manager: User, mentee: User
) -> None:
    program = _cohort_program(require_different_department=False)
    enrol(program, mentee)
    other = enrol(program, _people(1)[0])
    boss = enrol(program, manager, role=Enrolment.Role.MENTOR, capacity=1)
    free = enrol(program, _people(1)[0], role=Enrolment.Role.MENTOR, capacity=1)
    _to_matching(program)
    run = _run(program, hr_admin)
    mentee_enrolment = Enrolment.objects.get(person=mentee)
    with pytest.raises(ValidationError, match="cannot be paired"):
        proposal_set(run=run, mentee=mentee_enrolment, mentor=boss)
    for proposal in list(run.proposals.all()):
        proposal_remove(proposal=proposal)
    proposal_set(run=run, mentee=other, mentor=free)
    with pytest.raises(ValidationError, match="no free seat"):
        proposal_set(run=run, mentee=mentee_enrolment, mentor=free)
    assert Proposal.objects.filter(run=run).count() == 1


def test_an_ended_pair_is_never_proposed_again(hr_admin: User) -> None:
    program = _cohort_program()
    mentee = enrol(program, _people(1)[0])
    mentor = enrol(program, _people(1)[0], role=Enrolment.Role.MENTOR, capacity=2)
    _to_matching(program)
    pair = Pair.objects.get(pk=match_run_publish(run=_run(program, hr_admin))[0])
    pair_end(pair=pair)
    assert Pair.objects.get().status == Pair.Status.ENDED
    run = _run(program, hr_admin)
    assert run.proposals.count() == 0
    assert (mentee.pk, mentor.pk) == (pair.mentee_id, pair.mentor_id)


def _choice_program() -> Program:
    program = _cohort_program(matching_mode=Program.MatchingMode.CHOICE, request_expiry_days=3)
    return program


def test_accepting_a_request_pairs_and_withdraws_the_others() -> None:
    program = _choice_program()
    mentee = enrol(program, _people(1)[0])
    first, second = (enrol(program, p, role=Enrolment.Role.MENTOR, capacity=1) for p in _people(2))
    request = request_create(mentee=mentee, mentor=first, message="Hi!")
    other = request_create(mentee=mentee, mentor=second, message="Hello")
    pair = request_accept(request=request)
    assert pair.mentor == first
    other.refresh_from_db()
    assert other.status == MentorshipRequest.Status.WITHDRAWN
    with pytest.raises(ValidationError):
        request_accept(request=other)


def test_declining_keeps_a_reason_for_the_mentee_and_allows_another_ask() -> None:
    program = _choice_program()
    mentee = enrol(program, _people(1)[0])
    mentor = enrol(program, _people(1)[0], role=Enrolment.Role.MENTOR)
    request = request_decline(
        request=request_create(mentee=mentee, mentor=mentor, message=""), reason="Too busy"
    )
    assert request.reason == "Too busy"
    with pytest.raises(ValidationError, match="already been answered"):
        request_decline(request=request, reason="x")


def test_asking_twice_or_an_unavailable_mentor_is_refused(manager: User, mentee: User) -> None:
    program = _choice_program()
    program.require_different_department = False
    program.save()
    mine = enrol(program, mentee)
    boss = enrol(program, manager, role=Enrolment.Role.MENTOR)
    with pytest.raises(ValidationError, match="not available"):
        request_create(mentee=mine, mentor=boss, message="")
    mentor = enrol(program, _people(1)[0], role=Enrolment.Role.MENTOR)
    request_create(mentee=mine, mentor=mentor, message="")
    with pytest.raises(ValidationError, match="already asked"):
        request_create(mentee=mine, mentor=mentor, message="")


def test_unanswered_requests_expire() -> None:
    program = _choice_program()
    request = request_create(
        mentee=enrol(program, _people(1)[0]),
        mentor=enrol(program, _people(1)[0], role=Enrolment.Role.MENTOR),
        message="",
    )
    assert requests_expire(now=timezone.now() + dt.timedelta(days=2)) == 0
    assert requests_expire(now=timezone.now() + dt.timedelta(days=4)) == 1
    request.refresh_from_db()
    assert request.status == MentorshipRequest.Status.EXPIRED


@pytest.mark.django_db(transaction=True)
def test_capacity_holds_when_two_mentors_accept_at_once() -> None:
    program = _choice_program()
    mentor = enrol(program, _people(1)[0], role=Enrolment.Role.MENTOR, capacity=1)
    requests = [
        request_create(mentee=enrol(program, p), mentor=mentor, message="") for p in _people(2)
    ]
    outcomes: list[str] = []

    def accept(request: MentorshipRequest) -> None:
        try:
            request_accept(request=request)
            outcomes.append("paired")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(r,)) for r in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["paired", "refused"]
    assert Pair.objects.filter(mentor=mentor, status=Pair.Status.ACTIVE).count() == 1


def test_availability_moves_to_utc_with_the_time_zone() -> None:
    monday = dt.date(2027, 1, 4)
    berlin = availability_hours(["mon-am"], "Europe/Berlin", monday)  # 9-12 local = 8-11 UTC
    assert berlin.nonzero()[0].tolist() == [8, 9, 10]
    tokyo = availability_hours(["mon-am"], "Asia/Tokyo", monday)  # 0-3 UTC
    assert tokyo.nonzero()[0].tolist() == [0, 1, 2]


def test_late_joiners_fill_free_seats_without_moving_existing_pairs(hr_admin: User) -> None:
    program = _cohort_program()
    first = enrol(program, _people(1)[0])
    mentor = enrol(program, _people(1)[0], role=Enrolment.Role.MENTOR, capacity=2)
    _to_matching(program)
    existing = Pair.objects.filter(pk__in=match_run_publish(run=_run(program, hr_admin)))
    assert [(p.mentee_id, p.mentor_id) for p in existing] == [(first.pk, mentor.pk)]
    Program.objects.filter(pk=program.pk).update(status=Program.Status.OPEN)
    late = enrol(program, _people(1)[0])
    _to_matching(program)
    run = _run(program, hr_admin)
    assert [(p.mentee_id, p.mentor_id) for p in run.proposals.all()] == [(late.pk, mentor.pk)]
    match_run_publish(run=run)
    active = Pair.objects.filter(status=Pair.Status.ACTIVE).order_by("pk")
    assert [(p.mentee_id, p.mentor_id) for p in active] == [
        (first.pk, mentor.pk),
        (late.pk, mentor.pk),
    ]


def test_withdrawing_ends_the_persons_pairs_and_open_requests(hr_admin: User) -> None:
    from programs.services import enrolment_withdraw

    program = _cohort_program()
    mentee = enrol(program, _people(1)[0])
    mentor = enrol(program, _people(1)[0], role=Enrolment.Role.MENTOR, capacity=2)
    _to_matching(program)
    pair = Pair.objects.get(pk=match_run_publish(run=_run(program, hr_admin))[0])
    choice = _choice_program()
    request = request_create(
        mentee=enrol(choice, _people(1)[0]),
        mentor=enrol(choice, mentor.person, role=Enrolment.Role.MENTOR),
        message="",
    )
    enrolment_withdraw(enrolment=mentor)
    pair.refresh_from_db()
    request.refresh_from_db()
    assert pair.status == Pair.Status.ENDED
    assert request.status == MentorshipRequest.Status.OPEN  # another program's enrolment
    enrolment_withdraw(enrolment=request.mentor)
    request.refresh_from_db()
    assert request.status == MentorshipRequest.Status.WITHDRAWN
    assert mentee.mentee_pairs.get().status == Pair.Status.ENDED


def test_spreading_mentees_is_a_program_setting() -> None:
    program = _cohort_program(spread_mentees=True)
    assert load_cohort(program).problem.load_spreading > 0
    assert load_cohort(_cohort_program()).problem.load_spreading == 0


def test_swapping_mentors_is_refused_when_a_new_pair_breaks_a_rule(
    hr_admin: User, manager: User, mentee: User
) -> None:
    from matching.services import proposal_swap

    program = _cohort_program(require_different_department=False)
    mine = enrol(program, mentee)
    other = enrol(program, _people(1)[0])
    boss = enrol(program, manager, role=Enrolment.Role.MENTOR, capacity=1)
    free = enrol(program, _people(1)[0], role=Enrolment.Role.MENTOR, capacity=1)
    _to_matching(program)
    run = _run(program, hr_admin)
    proposals = {p.mentee_id: p for p in run.proposals.all()}
    # The mentee's own manager is not allowed, so the only full matching is this one.
    assert (proposals[mine.pk].mentor_id, proposals[other.pk].mentor_id) == (free.pk, boss.pk)
    with pytest.raises(ValidationError, match="cannot be paired"):
        proposal_swap(first=proposals[mine.pk], second=proposals[other.pk])
    assert {p.mentee_id: p.mentor_id for p in run.proposals.all()} == {
        mine.pk: free.pk,
        other.pk: boss.pk,
    }


def test_swapping_mentors_exchanges_them(hr_admin: User) -> None:
    from matching.services import proposal_swap

    program = _cohort_program()
    first, second = (enrol(program, p) for p in _people(2))
    for person in _people(2):
        enrol(program, person, role=Enrolment.Role.MENTOR, capacity=1)
    _to_matching(program)
    run = _run(program, hr_admin)
    a, b = run.proposals.get(mentee=first), run.proposals.get(mentee=second)
    before = (a.mentor_id, b.mentor_id)
    proposal_swap(first=a, second=b)
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.mentor_id, b.mentor_id) == (before[1], before[0])
    assert a.origin == b.origin == Proposal.Origin.MANUAL


def test_publishing_sends_introductions_in_batches_each_email_once(
    hr_admin: User,
    django_capture_on_commit_callbacks: Any,
    eager_tasks: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(services, "INTRODUCTION_BATCH", 2)
    batches: list[list[int]] = []
    real_delay = tasks.send_pair_introductions.delay_on_commit

    def record(pair_ids: list[int]) -> Any:
        batches.append(list(pair_ids))
        return real_delay(pair_ids)

    monkeypatch.setattr(tasks.send_pair_introductions, "delay_on_commit", record)
    program = _cohort_program()
    mentees = _people(5)
    for person in mentees:
        enrol(program, person)
    mentor = _people(1)[0]
    enrol(program, mentor, role=Enrolment.Role.MENTOR, capacity=5)
    _to_matching(program)
    run = _run(program, hr_admin)
    with django_capture_on_commit_callbacks(execute=True):
        pairs = match_run_publish(run=run)
    assert [len(batch) for batch in batches] == [2, 2, 1]  # 3 messages, not 5
    assert sorted(itertools.chain(*batches)) == sorted(pairs)
    recipients = sorted(message.to[0] for message in mail.outbox)
    expected = sorted([p.email for p in mentees] + [mentor.email] * 5)
    assert recipients == expected  # every introduction once, none twice


def test_publishing_takes_the_same_queries_at_3_and_30_pairs(
    hr_admin: User, django_capture_on_commit_callbacks: Any
) -> None:
    counts = []
    for size in (3, 30):
        program = _cohort_program()
        for person in _people(size):
            enrol(program, person)
        for person in _people(3):
            enrol(program, person, role=Enrolment.Role.MENTOR, capacity=10)
        _to_matching(program)
        run = _run(program, hr_admin)
        with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks():
            assert len(match_run_publish(run=run)) == size
        counts.append(len(queries))
    assert counts[0] == counts[1]


GOALS = [
    "grow as a leader and learn negotiation",
    "public speaking, negotiation and hiring a team",
    "move into product management",
    "leadership of remote teams and budgeting",
    "",
]


def test_an_edit_scores_its_few_people_as_the_whole_cohort_does(
    hr_admin: User, manager: User, mentee: User
) -> None:
    program = _cohort_program(require_different_department=False)
    mentees = [enrol(program, p, goals=GOALS[i]) for i, p in enumerate(_people(4))]
    mentees.append(enrol(program, mentee, goals="negotiation for leaders"))
    mentors = [
        enrol(program, p, role=Enrolment.Role.MENTOR, capacity=2, goals=GOALS[-1 - i])
        for i, p in enumerate(_people(3))
    ]
    boss = enrol(program, manager, role=Enrolment.Role.MENTOR, capacity=2, goals=GOALS[0])
    mentors.append(boss)
    _to_matching(program)
    run = _run(program, hr_admin)
    whole = load_cohort(program)
    for one in mentees:
        for other in mentors:
            few = services._cohort_of(run, {one.pk}, {other.pk})
            assert len(few.mentees) == len(few.mentors) == 1
            assert engine.pair_allowed(few.problem, 0, 0) == engine.pair_allowed(
                whole.problem, whole.mentee_row(one.pk), whole.mentor_row(other.pk)
            )
            expected = explanation_facts(
                whole, whole.mentee_row(one.pk), whole.mentor_row(other.pk)
            )
            facts = explanation_facts(few, 0, 0)
            assert facts["goals_similarity"] == pytest.approx(
                expected["goals_similarity"], abs=0.011
            )
            assert facts["points"] == pytest.approx(expected["points"], abs=0.011)
    # The reporting line holds in the few-people cohort too.
    assert not engine.pair_allowed(
        services._cohort_of(run, {mentees[-1].pk}, {boss.pk}).problem, 0, 0
    )


def test_an_edit_loads_the_same_queries_whatever_the_cohort_size(hr_admin: User) -> None:
    counts = []
    for size in (3, 30):
        program = _cohort_program()
        for person in _people(size):
            enrol(program, person)
        for person in _people(size // 3 + 1):
            enrol(program, person, role=Enrolment.Role.MENTOR, capacity=3)
        _to_matching(program)
        run = _run(program, hr_admin)
        first, second = run.proposals.order_by("pk")[:2]
        with CaptureQueriesContext(connection) as queries:
            cohort = services._cohort_of(
                run, {first.mentee_id, second.mentee_id}, {first.mentor_id, second.mentor_id}
            )
        assert len(cohort.mentees) == 2
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_swapping_with_a_mentee_paired_meanwhile_is_refused(hr_admin: User) -> None:
    program = _cohort_program()
    for person in _people(2):
        enrol(program, person)
    for person in _people(2):
        enrol(program, person, role=Enrolment.Role.MENTOR, capacity=1)
    _to_matching(program)
    run = _run(program, hr_admin)
    first, second = run.proposals.order_by("pk")
    Pair.objects.create(
        program=program, mentee=first.mentee, mentor=first.mentor, origin=Pair.Origin.MANUAL
    )
    with pytest.raises(ValidationError, match="still be enrolled and unpaired"):
        services.proposal_swap(first=first, second=second)
