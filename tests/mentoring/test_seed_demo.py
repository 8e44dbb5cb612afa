from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from people.demo import DEMO_PASSWORD
from people.models import Department, User
from people.roles import is_hr_admin
from people.selectors import chain_up, manager_map

pytestmark = pytest.mark.django_db


def _seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_seed_demo_builds_an_organisation_with_one_hr_admin() -> None:
    output = _seed()
    people = User.objects.all()
    assert 75 <= people.count() <= 85
    assert Department.objects.count() == 6
    assert [u.email for u in people if is_hr_admin(u)] == ["chiara.rossi@demo.example.com"]
    assert "demo-Mentoring-2026" in output
    assert "chiara.novak@demo.example.com" in output


def test_seed_demo_reporting_tree_has_one_root_and_no_cycles() -> None:
    _seed()
    managers = manager_map()
    roots = [pid for pid, manager in managers.items() if manager is None]
    assert len(roots) == 1
    for person in managers:
        if person != roots[0]:
            assert chain_up(person, managers)[-1] == roots[0]


def test_seed_demo_people_can_sign_in_with_the_demo_password() -> None:
    _seed()
    user = User.objects.get(email="dmitri.dubois@demo.example.com")
    assert user.check_password(DEMO_PASSWORD)
    assert user.emailaddress_set.get().verified


def test_seed_demo_twice_changes_nothing() -> None:
    _seed()
    before = list(User.objects.values_list("id", "email", "manager_id", "password"))
    output = _seed()
    assert "0 new, 0 updated" in output
    assert list(User.objects.values_list("id", "email", "manager_id", "password")) == before


def test_seed_demo_refuses_an_https_deployment(settings: object) -> None:
    settings.HTTPS = True  # type: ignore[attr-defined]
    with pytest.raises(CommandError, match="HTTPS"):
        _seed()
    assert not User.objects.exists()


def test_seed_demo_adds_two_programs_with_about_forty_enrolments() -> None:
    from programs.models import Enrolment, FocusSuggestion, Nomination, Program

    _seed()
    modes = set(Program.objects.values_list("matching_mode", flat=True))
    assert modes == {Program.MatchingMode.COHORT, Program.MatchingMode.CHOICE}
    assert 35 <= Enrolment.objects.count() <= 45
    assert Enrolment.objects.filter(role=Enrolment.Role.MENTOR).count() >= 10
    assert all(e.goals for e in Enrolment.objects.filter(role=Enrolment.Role.MENTEE))
    mentee = User.objects.get(email="dmitri.dubois@demo.example.com")
    assert not Enrolment.objects.filter(person=mentee).exists()  # left free to try enrolling
    assert Nomination.objects.filter(report=mentee).count() == 1
    assert FocusSuggestion.objects.filter(report=mentee).count() == 1


def test_seed_demo_twice_adds_no_enrolments() -> None:
    from programs.models import Enrolment, Nomination

    _seed()
    counts = (Enrolment.objects.count(), Nomination.objects.count())
    _seed()
    assert (Enrolment.objects.count(), Nomination.objects.count()) == counts


def test_seed_demo_ends_with_pairs_and_open_requests() -> None:
    from matching.models import MentorshipRequest, Pair
    from programs.models import Program

    _seed()
    cohort = Program.objects.get(matching_mode=Program.MatchingMode.COHORT)
    assert cohort.status == Program.Status.ACTIVE
    assert Pair.objects.filter(program=cohort, status=Pair.Status.ACTIVE).count() >= 10
    open_requests = MentorshipRequest.objects.filter(status=MentorshipRequest.Status.OPEN)
    assert open_requests.count() >= 2


def test_seed_demo_gives_pairs_past_and_planned_meetings() -> None:
    from django.utils import timezone

    from meetings.models import Meeting

    _seed()
    now = timezone.now()
    assert Meeting.objects.filter(logged=True, end__lt=now).count() >= 10
    assert Meeting.objects.filter(start__gt=now, status=Meeting.Status.SCHEDULED).count() >= 20


def test_seed_demo_writes_journal_content_for_the_pairs() -> None:
    from journal.models import AgendaItem, Goal, SharedNote

    _seed()
    assert Goal.objects.count() >= 20
    assert AgendaItem.objects.count() >= 20
    assert SharedNote.objects.count() >= 10
