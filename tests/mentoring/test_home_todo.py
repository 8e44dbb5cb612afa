"""Home is a to-do list built from the person's real state: the next meeting, invitations
to answer, requests with their deadline, a first meeting to schedule, a mentor to choose;
what needs HR in each program; the team's next mentoring times for a manager. Times and
names only: never what a meeting is about."""

from __future__ import annotations

import datetime as dt
import html
import zoneinfo

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from matching.models import MatchRun, MentorshipRequest
from meetings.services import meeting_schedule
from people.models import User
from programs.models import Enrolment, Program
from tests.factories import UserFactory
from tests.meetings.factories import make_pair, when
from tests.programs.factories import ProgramFactory, enrol

pytestmark = pytest.mark.django_db


def _home(person: User) -> str:
    client = Client()
    client.force_login(person)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def _soon(days: int = 3) -> dt.date:
    """A day ahead where the people of these tests are (the factories' zone): home counts
    from the viewer's day, which is not UTC's near midnight."""
    return timezone.localdate(timezone=zoneinfo.ZoneInfo("Europe/Berlin")) + dt.timedelta(days=days)


def test_nothing_to_do_says_so(outsider: User) -> None:
    assert "Nothing to do right now." in _home(outsider)


def test_the_next_meeting_leads_to_the_journal_and_the_invited_person_is_asked_to_answer(
    mentee: User, mentor: User, manager: User
) -> None:
    pair = make_pair(mentee, mentor)
    [meeting] = meeting_schedule(
        pair=pair, organiser=mentee, when=when(_soon(), 10, zone=mentee.time_zone),
        place="CANARY-PLACE-todo",
    )  # fmt: skip
    page = _home(mentor)
    assert f"Your next meeting, with {mentee.full_name}:" in page
    assert reverse("journal:pair", args=[pair.pk]) in page
    assert f"{mentee.full_name} invited you to a meeting:" in page
    assert reverse("meetings:pair", args=[pair.pk]) in page
    assert "Schedule your first meeting" not in page  # the pair has one
    organiser = _home(mentee)
    assert "invited you" not in organiser  # the organiser has nothing to answer
    assert "CANARY-PLACE-todo" not in page + organiser  # where is the meeting page's, not home's
    shown = timezone.localtime(meeting.start, timezone=zoneinfo.ZoneInfo(mentor.time_zone))
    assert f'datetime="{shown.isoformat()}"' in page  # in the viewer's own time zone


def test_a_new_pair_is_asked_to_schedule_its_first_meeting(mentee: User, mentor: User) -> None:
    pair = make_pair(mentee, mentor)
    page = _home(mentee)
    assert f"Schedule your first meeting with {mentor.full_name}." in page
    assert reverse("meetings:schedule", args=[pair.pk]) in page


def test_requests_to_answer_show_how_many_and_the_first_deadline_with_its_time(
    mentee: User, mentor: User
) -> None:
    program = ProgramFactory(matching_mode=Program.MatchingMode.CHOICE)
    mentor_enrolment = enrol(program, mentor, role="mentor")
    deadline = timezone.now() + dt.timedelta(days=2, hours=3)
    for person, expires in ((mentee, deadline), (UserFactory(), deadline + dt.timedelta(days=1))):
        MentorshipRequest.objects.create(
            program=program, mentee=enrol(program, person), mentor=mentor_enrolment,
            expires_at=expires,
        )  # fmt: skip
    page = _home(mentor)
    assert "2 mentees have asked you to be their mentor." in page
    local = timezone.localtime(deadline, timezone=timezone.get_default_timezone())
    User.objects.filter(pk=mentor.pk).update(time_zone="Asia/Singapore")
    mentor.refresh_from_db()
    page = _home(mentor)
    in_singapore = timezone.localtime(deadline, timezone=dt.timezone(dt.timedelta(hours=8)))
    assert f"{in_singapore:%H:%M}." in page, local
    assert reverse("matching:requests") in page


def test_a_choice_mentee_without_a_pair_is_asked_to_choose_and_not_once_paired(
    mentee: User, mentor: User
) -> None:
    program = ProgramFactory(name="Pick", matching_mode=Program.MatchingMode.CHOICE)
    enrolment = enrol(program, mentee)
    page = _home(mentee)
    assert "Choose your mentor in Pick." in page
    assert reverse("matching:shortlist", args=[program.pk]) in page
    from matching.services import request_accept, request_create

    request = request_create(
        mentee=enrolment, mentor=enrol(program, mentor, role="mentor"), message=""
    )
    request_accept(request=request)
    assert "Choose your mentor in Pick." not in _home(mentee)


def test_hr_sees_the_programs_that_need_them_and_nobody_else_does(
    hr_admin: User, mentee: User
) -> None:
    waiting = ProgramFactory(name="Waiting room", requires_approval=True)
    Enrolment.objects.create(
        program=waiting, person=mentee, role="mentee", status=Enrolment.Status.PENDING,
        time_zone="UTC",
    )  # fmt: skip
    matching = ProgramFactory(name="No run yet")
    Program.objects.filter(pk=matching.pk).update(status=Program.Status.MATCHING)
    ready = ProgramFactory(name="Ready to review")
    Program.objects.filter(pk=ready.pk).update(status=Program.Status.MATCHING)
    MatchRun.objects.create(program=ready, status=MatchRun.Status.DONE)
    closing = ProgramFactory(name="Closing soon", enrolment_closes=_soon(2))
    ProgramFactory(name="Quiet", enrolment_closes=_soon(30))
    page = _home(hr_admin)
    flat = " ".join(page.split())
    assert "<strong>Waiting room</strong>: an application waits for your decision." in flat
    assert reverse("hr_view:participants", args=[waiting.pk]) + "?status=pending" in page
    assert "matching has not been run yet." in page
    assert "proposed pairs are ready for your review." in page
    assert reverse("matching:runs", args=[ready.pk]) in page
    assert "<strong>Closing soon</strong>: enrolment closes on" in flat
    assert reverse("programs:hr_detail", args=[closing.pk]) in page
    assert "<strong>Quiet</strong>" not in page
    assert "waits for your decision" not in _home(mentee)  # the mentee is not an HR admin


def test_a_manager_sees_the_teams_next_mentoring_times_and_nothing_else(
    manager: User, mentee: User, mentor: User
) -> None:
    pair = make_pair(mentee, mentor)
    meeting_schedule(
        pair=pair, organiser=mentee, when=when(_soon(), 9, zone=mentee.time_zone),
        place="CANARY-PLACE-team",
    )  # fmt: skip
    page = _home(manager)
    assert "Your team's next mentoring times:" in page
    assert f"{mentee.full_name}:" in page
    assert reverse("manager_view:team") in page
    assert "CANARY-PLACE-team" not in page
    assert mentor.full_name not in page  # the counterpart stays with the pair


def _count(person: User) -> int:
    client = Client()
    client.force_login(person)
    client.get(reverse("home"))  # sessions and roles warmed up
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("home")).status_code == 200
    return len(queries)


def test_the_to_do_runs_the_same_queries_for_few_and_many_things_to_do(
    hr_admin: User, manager: User, mentee: User, mentor: User
) -> None:
    def grow(n: int) -> None:
        for _index in range(n):
            ProgramFactory(requires_approval=True, enrolment_closes=_soon(1))
            report = UserFactory(manager=manager)
            pair = make_pair(report, UserFactory())
            meeting_schedule(pair=pair, organiser=report, when=when(_soon(2), 8 + _index % 9))
            make_pair(UserFactory(), mentor) if _index < 2 else None

    grow(2)
    few = (_count(hr_admin), _count(manager), _count(mentor))
    grow(12)
    assert (_count(hr_admin), _count(manager), _count(mentor)) == few


def test_a_program_that_needs_hr_is_not_hidden_behind_many_that_need_nothing(
    hr_admin: User, mentee: User
) -> None:
    for n in range(25):  # all close before it, none needs HR
        ProgramFactory(name=f"Quiet {n}", enrolment_closes=_soon(8))
    waiting = ProgramFactory(name="Late but waiting", enrolment_closes=_soon(60))
    Enrolment.objects.create(
        program=waiting, person=mentee, role="mentee", status=Enrolment.Status.PENDING,
        time_zone="UTC",
    )  # fmt: skip
    page = _home(hr_admin)
    assert "<strong>Late but waiting</strong>" in page
    assert "<strong>Quiet 0</strong>" not in page
