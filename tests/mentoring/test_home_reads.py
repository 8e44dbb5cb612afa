"""The home page's written-out reads (mentoring.home) agree with the apps' selectors, and
the page kept rendered shows every change on the next request."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from matching.models import MentorshipRequest, Pair
from matching.selectors import pairs_of, requests_received
from matching.services import pair_create
from mentoring.home import HOME_OPEN_PROGRAMS, home_data
from people.models import User
from programs.models import Enrolment, Program
from programs.selectors import (
    enrolments_of,
    focus_suggestions_for,
    nominations_for_report,
    programs_open_to,
)
from programs.services import (
    enrolment_withdraw,
    focus_suggestion_create,
    focus_suggestion_dismiss,
    nomination_create,
    program_invite,
)
from tests.factories import DepartmentFactory, UserFactory
from tests.programs.factories import ProgramFactory, enrol

pytestmark = pytest.mark.django_db


def _pair(mentee: Enrolment, mentor: Enrolment, **fields: object) -> Pair:
    """A pair as HR adds one (``pair_create``), then in the state the test names."""
    with transaction.atomic():
        pair = pair_create(mentee=mentee, mentor=mentor, origin=Pair.Origin.MANUAL)
    if fields:
        Pair.objects.filter(pk=pair.pk).update(**fields)
        pair.refresh_from_db()
    return pair


@pytest.fixture
def world(mentee: User, manager: User, mentor: User) -> User:
    """The mentee in every state the home page tells apart."""
    other_department = DepartmentFactory(name="Elsewhere")
    closed = ProgramFactory(name="Closed")
    active = ProgramFactory(name="Active")
    enrol(ProgramFactory(name="Open"), mentee)
    enrol(closed, mentee)
    enrolment_withdraw(enrolment=enrol(ProgramFactory(name="Left"), mentee))
    mine = enrol(active, mentee)
    _pair(mine, enrol(active, mentor, role="mentor"))
    as_mentor = enrol(active, mentee, role="mentor")
    _pair(enrol(active, UserFactory(full_name="Mo Mentee")), as_mentor)
    ended_mentor = enrol(closed, UserFactory(full_name="Ex Mentor"), role="mentor")
    _pair(Enrolment.objects.get(program=closed, person=mentee), ended_mentor,
          status=Pair.Status.ENDED)  # fmt: skip
    for n, status in enumerate(["open", "open", "declined"]):
        MentorshipRequest.objects.create(
            program=active, mentee=enrol(active, UserFactory(full_name=f"Asker {n}")),
            mentor=as_mentor, status=status, expires_at=timezone.now() + dt.timedelta(days=3),
        )  # fmt: skip
    Program.objects.filter(pk=closed.pk).update(status=Program.Status.CLOSED)
    Program.objects.filter(pk=active.pk).update(status=Program.Status.ACTIVE)
    for name, audience in [("Everyone A", "everyone"), ("Everyone B", "everyone")]:
        ProgramFactory(name=name, audience=audience)
    mine_dept = ProgramFactory(name="My department", audience=Program.Audience.DEPARTMENTS)
    mine_dept.departments.set([mentee.department])
    theirs = ProgramFactory(name="Their department", audience=Program.Audience.DEPARTMENTS)
    theirs.departments.set([other_department])
    invited = ProgramFactory(name="Invited", audience=Program.Audience.INVITED)
    program_invite(program=invited, emails=[mentee.email], invited_by=manager)
    ProgramFactory(name="Not me", audience=Program.Audience.INVITED)
    ProgramFactory(name="Too late", enrolment_closes=timezone.localdate() - dt.timedelta(days=1))
    nominated = ProgramFactory(name="Nominated")
    nomination_create(manager=manager, report=mentee, program=nominated, note="Go for it")
    nomination_create(manager=manager, report=mentee, program=mine_dept, note="")
    focus_suggestion_create(manager=manager, report=mentee, text="Delegation")
    gone = focus_suggestion_create(manager=manager, report=mentee, text="Dismissed one")
    focus_suggestion_dismiss(suggestion=gone)
    return mentee


def test_the_home_reads_agree_with_the_selectors(world: User) -> None:
    person = User.objects.get(pk=world.pk)
    data = home_data(person=person)

    live = enrolments_of(person=person).exclude(status=Enrolment.Status.WITHDRAWN)
    assert [(e.pk, e.role, e.status, e.program.pk, e.program.name, e.program.status,
             e.program.matching_mode) for e in data.enrolments] == [
        (e.pk, e.role, e.status, e.program.pk, e.program.name, e.program.status,
         e.program.matching_mode) for e in live
    ]  # fmt: skip
    assert [e.get_status_display() for e in data.enrolments] == [
        e.get_status_display() for e in live
    ]
    assert [(n.pk, n.note, n.program.name, n.manager_name) for n in data.nominations] == [
        (n.pk, n.note, n.program.name, n.manager.full_name)
        for n in nominations_for_report(report=person).order_by("-created_at", "-pk")
    ]
    assert [(f.pk, f.text, f.created_at, f.manager_name) for f in data.focus_suggestions] == [
        (f.pk, f.text, f.created_at, f.manager.full_name)
        for f in focus_suggestions_for(report=person).order_by("-created_at", "-pk")
    ]
    pairs = pairs_of(person=person).filter(status=Pair.Status.ACTIVE).order_by("-started_at", "-pk")
    assert [(p.pk, p.started_at, p.program_name, p.i_am_mentee, p.counterpart_name)
            for p in data.pairs] == [
        (p.pk, p.started_at, p.program.name, p.mentee.person_id == person.pk,
         (p.mentor if p.mentee.person_id == person.pk else p.mentee).person.full_name)
        for p in pairs
    ]  # fmt: skip
    assert (
        data.requests_waiting
        == 2
        == (requests_received(person=person).filter(status=MentorshipRequest.Status.OPEN).count())
    )
    live_ids = live.filter(status__in=["pending", "accepted"]).values("program_id")
    open_to_join = programs_open_to(person=person).exclude(pk__in=live_ids)
    assert [(p.pk, p.name, p.enrolment_closes) for p in data.open_programs] == [
        (p.pk, p.name, p.enrolment_closes)
        for p in open_to_join.order_by("enrolment_closes", "name", "pk")[:HOME_OPEN_PROGRAMS]
    ]
    assert {p.name for p in open_to_join} == {
        "Everyone A", "Everyone B", "My department", "Invited", "Nominated", "Left",
    }  # fmt: skip
    assert person.department is not None
    assert person.manager is not None
    assert (data.department_name, data.manager_name) == (
        person.department.name, person.manager.full_name,
    )  # fmt: skip


def test_a_person_with_nothing_gets_empty_reads(outsider: User) -> None:
    User.objects.filter(pk=outsider.pk).update(department=None)
    data = home_data(person=User.objects.get(pk=outsider.pk))
    assert data.enrolments == data.pairs == data.nominations == data.focus_suggestions == ()
    assert (data.department_name, data.manager_name, data.requests_waiting) == ("", "", 0)


def _home(client: Client) -> str:
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def test_the_kept_page_shows_each_change_on_the_next_request(world: User, manager: User) -> None:
    client = Client()
    client.force_login(world)
    first = _home(client)
    with CaptureQueriesContext(connection) as kept:
        again = _home(client)
    assert _without_tokens(again) == _without_tokens(first)
    assert "Renamed program" not in first

    Program.objects.filter(name="Active").update(name="Renamed program")
    assert "Renamed program" in _home(client)
    focus_suggestion_create(manager=manager, report=world, text="A brand new idea")
    assert "A brand new idea" in _home(client)
    world.department.name = "Renamed department"  # type: ignore[union-attr]
    world.department.save()  # type: ignore[union-attr]
    assert "Renamed department" in _home(client)
    User.objects.filter(pk=world.pk).update(title="Chief Listener")
    assert "Chief Listener" in _home(client)
    MentorshipRequest.objects.filter(status="open").update(status="declined")
    assert "mentees have asked you" not in _home(client)
    assert len(kept) < 12


def _without_tokens(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_the_home_runs_the_same_queries_with_few_and_many_rows(mentee: User) -> None:
    client = Client()
    client.force_login(mentee)
    counts = []
    for size in (2, 12):
        for n in range(size):
            program = ProgramFactory()
            _pair(enrol(program, mentee), enrol(program, UserFactory(), role="mentor"))
            Program.objects.filter(pk=program.pk).update(status=Program.Status.ACTIVE)
            ProgramFactory(name=f"Open {size}-{n}")
        _home(client)
        with CaptureQueriesContext(connection) as queries:
            html = _home(client)
        assert html.count("is your mentor") >= size
        counts.append(len(queries))
    assert counts[0] == counts[1]
