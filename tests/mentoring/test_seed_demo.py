from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F, Value
from django.db.models.functions import Concat
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from people.demo import DEMO_PASSWORD
from people.models import Department, User
from people.roles import is_hr_admin
from people.selectors import chain_up, manager_map

pytestmark = pytest.mark.django_db


def _day(offset: int) -> str:
    return (timezone.localdate() + dt.timedelta(days=offset)).isoformat()


def _seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_seed_demo_builds_an_organisation_with_one_hr_admin() -> None:
    output = _seed()
    people = User.objects.all()
    assert 75 <= people.count() <= 85
    assert Department.objects.count() == 6
    hr_admins = [u.email for u in people if is_hr_admin(u) and not u.is_superuser]
    assert hr_admins == ["chiara.rossi@demo.example.com"]
    assert "demo-Mentoring-2026" in output
    assert "chiara.novak@demo.example.com" in output


def test_seed_demo_reporting_tree_has_one_root_and_no_cycles() -> None:
    _seed()
    operator = User.objects.get(email="operator@demo.example.com")
    managers = {person: boss for person, boss in manager_map().items() if person != operator.pk}
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
    assert "seeded before; left as it is" in output
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


# ---------------------------------------------------------------- a used database


def _sign_in_hr(client: Client) -> User:
    hr_admin = User.objects.get(email="chiara.rossi@demo.example.com")
    client.force_login(hr_admin)
    return hr_admin


def test_seed_demo_runs_again_after_hr_creates_a_draft_program(client: Client) -> None:
    from programs.models import Enrolment, Program
    from tests.programs.test_hr_views import form_data

    _seed()
    _sign_in_hr(client)
    response = client.post(
        reverse("programs:hr_create"),
        form_data(name="Next year's cohort", starts_on=_day(400), ends_on=_day(600)),
    )
    assert response.status_code == 302
    draft = Program.objects.get(name="Next year's cohort")
    programs_before = Program.objects.count()

    _seed()

    draft.refresh_from_db()
    assert draft.status == Program.Status.DRAFT
    assert not Enrolment.objects.filter(program=draft).exists()
    assert Program.objects.count() == programs_before


def test_seed_demo_leaves_a_program_people_made_alone() -> None:
    """Pairs HR published in a program of their own get no demo meetings or journal."""
    from journal.models import Goal
    from matching.models import Pair
    from meetings.models import Meeting
    from programs.models import Enrolment, Program
    from tests.programs.factories import ProgramFactory, enrol

    _seed()
    today = timezone.localdate()
    own = ProgramFactory(
        name="HR's own program",
        starts_on=today + dt.timedelta(days=500),
        ends_on=today + dt.timedelta(days=700),
        created_by=User.objects.get(email="chiara.rossi@demo.example.com"),
    )
    pair = Pair.objects.create(
        program=own,
        mentee=enrol(own, User.objects.get(email="dmitri.dubois@demo.example.com")),
        mentor=enrol(
            own, User.objects.get(email="yusuf.okafor@demo.example.com"), Enrolment.Role.MENTOR
        ),
        origin=Pair.Origin.MANUAL,
    )
    Program.objects.filter(pk=own.pk).update(status=Program.Status.ACTIVE)

    _seed()

    assert Pair.objects.get(pk=pair.pk).status == Pair.Status.ACTIVE
    assert not Meeting.objects.filter(pair=pair).exists()
    assert not Goal.objects.filter(pair=pair).exists()


def test_seed_demo_runs_again_and_keeps_what_people_changed() -> None:
    from matching.models import Pair
    from matching.services import pair_end
    from meetings.models import Meeting
    from meetings.services import meeting_cancel

    _seed()
    edited = User.objects.get(email="yusuf.okafor@demo.example.com")
    edited.full_name, edited.title = "Yusuf Okafor-Berg", "Senior Financial Analyst"
    edited.save()
    User.objects.filter(email="chiara.novak@demo.example.com").update(is_active=False)
    ended = Pair.objects.filter(status=Pair.Status.ACTIVE).order_by("pk").last()
    assert ended is not None
    pair_end(pair=ended)
    meeting = (
        Meeting.objects.filter(status=Meeting.Status.SCHEDULED, start__gt=timezone.now())
        .exclude(pair=ended)
        .order_by("pk")
        .first()
    )
    assert meeting is not None
    meeting_cancel(meeting=meeting, by=meeting.pair.mentee.person)
    counts = (User.objects.count(), Pair.objects.count())

    _seed()

    edited.refresh_from_db()
    assert (edited.full_name, edited.title) == ("Yusuf Okafor-Berg", "Senior Financial Analyst")
    assert not User.objects.get(email="chiara.novak@demo.example.com").is_active
    assert Pair.objects.get(pk=ended.pk).status == Pair.Status.ENDED
    assert not Meeting.objects.filter(
        pair=ended, status=Meeting.Status.SCHEDULED, start__gt=timezone.now()
    ).exists()
    assert Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.CANCELLED
    assert (User.objects.count(), Pair.objects.count()) == counts


def test_seed_demo_finds_its_programs_after_hr_renames_them() -> None:
    from programs.models import Program

    _seed()
    Program.objects.update(name=Concat(F("name"), Value(" (renamed)")))
    before = Program.objects.count()
    _seed()
    assert Program.objects.count() == before


def test_seed_demo_adopts_the_programs_of_an_earlier_seed_without_markers() -> None:
    """A database seeded before the markers existed gets no second set of programs."""
    from mentoring.models import DemoObject
    from programs.models import Program

    _seed()
    DemoObject.objects.all().delete()
    before = Program.objects.count()
    _seed()
    assert Program.objects.count() == before


def test_seed_demo_does_not_bring_back_a_program_hr_deleted() -> None:
    from programs.models import Program

    _seed()
    Program.objects.filter(matching_mode=Program.MatchingMode.CHOICE).delete()
    _seed()
    assert not Program.objects.filter(matching_mode=Program.MatchingMode.CHOICE).exists()


def test_seed_demo_makes_an_operator_with_the_demo_password() -> None:
    _seed()
    operator = User.objects.get(email="operator@demo.example.com")
    assert (operator.is_staff, operator.is_superuser, operator.is_active) == (True, True, True)
    assert operator.check_password(DEMO_PASSWORD)
    assert operator.emailaddress_set.get().verified


def test_seed_demo_pairs_the_featured_mentee_and_mentor_whatever_the_engine_proposes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """HR sets the featured pair by hand before publishing, as the README promises it."""
    from matching import engine
    from matching.models import Pair

    def engine_proposing_nobody(problem: engine.Problem, **kwargs: object) -> engine.Result:
        return engine.Result(pairs=[], scores=[], unmatched={}, total_score=0.0)

    monkeypatch.setattr(engine, "match", engine_proposing_nobody)
    _seed()
    [pair] = Pair.objects.all()
    assert pair.mentee.person.email == "lars.hernandez@demo.example.com"
    assert pair.mentor.person.email == "bruno.okafor@demo.example.com"
    assert pair.status == Pair.Status.ACTIVE


def test_seed_demo_gives_the_featured_pair_a_meeting_today_or_tomorrow_on_every_run() -> None:
    from meetings.models import Meeting
    from mentoring.demo import featured_pair

    _seed()
    pair = featured_pair()
    assert pair is not None
    now = timezone.now()
    soon = Meeting.objects.filter(
        pair=pair, status=Meeting.Status.SCHEDULED, start__gt=now, start__lt=now + dt.timedelta(2)
    )
    assert soon.count() == 1
    # Days later: the meeting that was soon has passed, and the pair's planned ones are
    # still ahead. (Moving every meeting back by the same days could bring one of the
    # planned ones into the next two days, depending on the hour the test runs at.)
    for meeting in soon.all():  # a copy: ``soon`` itself keeps no cached rows
        Meeting.objects.filter(pk=meeting.pk).update(
            start=meeting.start - dt.timedelta(days=3), end=meeting.end - dt.timedelta(days=3)
        )
    assert not soon.exists()

    output = _seed()

    assert soon.count() == 1
    assert "(planned now)" in output
    assert _seed().count("(planned now)") == 0  # one is enough


def test_seed_demo_people_have_notifications_from_the_real_services() -> None:
    from notifications.models import Notification

    _seed()
    kinds = {
        email: set(
            Notification.objects.filter(recipient__email=email).values_list("kind", flat=True)
        )
        for email in (
            "lars.hernandez@demo.example.com",
            "bruno.okafor@demo.example.com",
            "dmitri.dubois@demo.example.com",
        )
    }
    assert "pair_introduced" in kinds["lars.hernandez@demo.example.com"]
    assert "meeting_planned" in kinds["bruno.okafor@demo.example.com"] or (
        "series_planned" in kinds["bruno.okafor@demo.example.com"]
    )
    assert "nominated" in kinds["dmitri.dubois@demo.example.com"]
    count = Notification.objects.count()
    _seed()
    assert Notification.objects.count() == count  # a second run makes none


def test_seed_demo_gives_hr_released_survey_results() -> None:
    from checkins.aggregates import program_results
    from checkins.models import Survey

    output = _seed()
    assert "Demo check-ins: 10 survey answers" in output
    survey = Survey.objects.get()
    results = program_results(program_id=survey.program_id)
    [mid] = results.surveys
    assert mid.released is not None
    assert mid.released.responses == 10
    assert all(question is not None for question in mid.released.questions)
    hr = Client()
    hr.force_login(User.objects.get(email="chiara.rossi@demo.example.com"))
    url = reverse("hr_view:survey_results", kwargs={"program_id": survey.program_id})
    assert "results-table" in hr.get(url).content.decode()


def test_seed_demo_gives_the_hr_admin_and_operator_a_second_step() -> None:
    import re

    import pyotp
    from allauth.mfa.models import Authenticator

    from people.demo import DEMO_TOTP_SECRET
    from people.mfa import mfa_set_up
    from tests.factories import totp_secret

    output = _seed()
    hr_admin = User.objects.get(email="chiara.rossi@demo.example.com")
    operator = User.objects.get(email="operator@demo.example.com")
    for person in (hr_admin, operator):
        assert mfa_set_up(person)
        assert totp_secret(person) == DEMO_TOTP_SECRET
        assert re.search(rf"{re.escape(person.email)}  recovery code \d{{8}}", output)
    assert DEMO_TOTP_SECRET in output
    assert pyotp.TOTP(DEMO_TOTP_SECRET).now()  # a secret an authenticator app takes
    # Nobody else gets one: it stays optional.
    assert Authenticator.objects.exclude(user__in=[hr_admin, operator]).count() == 0
    # A reset stays a reset on the next run, which then prints no code for that person.
    Authenticator.objects.filter(user=hr_admin).delete()
    again = _seed()
    assert not mfa_set_up(hr_admin)
    assert f"{hr_admin.email}  recovery code" not in again
    assert f"{operator.email}  recovery code" in again
