"""Deactivating someone who left, through the wiring table and the real services:
HR deactivates the mentor -> sign-in is blocked -> each of their live enrolments is
withdrawn -> their pairs end -> the pairs' future meetings are cancelled -> pending
reminders are skipped -> the counterparts get their cancellation e-mails after the commit,
and their manager's page no longer shows their meetings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from matching.models import Pair
from matching.services import pair_create
from meetings.models import Meeting, Reminder
from meetings.services import meeting_schedule
from people import events
from people.models import User
from people.services import person_deactivate, person_reactivate
from programs.models import Enrolment, Program
from tests.factories import PASSWORD, UserFactory
from tests.meetings.factories import when
from tests.programs.factories import ProgramFactory, enrol

pytestmark = pytest.mark.django_db


def _pair(program: Program, mentee: User, mentor: Enrolment) -> Pair:
    with transaction.atomic():
        return pair_create(mentee=enrol(program, mentee), mentor=mentor, origin=Pair.Origin.MANUAL)


def _in_days(days: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


@pytest.fixture
def leaver(manager: User) -> User:
    """A mentor who reports to the manager, and is also a mentee elsewhere."""
    return UserFactory(full_name="Lou Leaver", manager=manager)


@pytest.fixture
def cascade(leaver: User, mentee: User, outsider: User) -> dict[str, Any]:
    program, elsewhere, untouched_program = ProgramFactory(), ProgramFactory(), ProgramFactory()
    seat = enrol(program, leaver, role=Enrolment.Role.MENTOR)
    first = _pair(program, mentee, seat)
    other_mentor = UserFactory(full_name="Ines Other")
    second = _pair(elsewhere, leaver, enrol(elsewhere, other_mentor, role=Enrolment.Role.MENTOR))
    untouched = _pair(
        untouched_program, outsider, enrol(untouched_program, other_mentor, role="mentor")
    )
    [soon] = meeting_schedule(pair=first, organiser=mentee, when=when(_in_days(3), 9))
    [later] = meeting_schedule(pair=second, organiser=leaver, when=when(_in_days(4), 11))
    [kept] = meeting_schedule(pair=untouched, organiser=outsider, when=when(_in_days(5), 15))
    return {
        "pairs": (first, second), "untouched": untouched, "cancelled": (soon, later),
        "kept": kept, "other_mentor": other_mentor,
    }  # fmt: skip


def test_deactivating_withdraws_ends_cancels_and_tells_the_counterparts(
    cascade: dict[str, Any],
    leaver: User,
    mentee: User,
    hr_admin: User,
    eager_tasks: None,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        person_deactivate(person=leaver, by=hr_admin)
        assert mail.outbox == []  # nothing leaves before the commit

    leaver.refresh_from_db()
    assert leaver.is_active is False
    statuses = set(Enrolment.objects.filter(person=leaver).values_list("status", flat=True))
    assert statuses == {Enrolment.Status.WITHDRAWN}
    pairs = dict(Pair.objects.values_list("pk", "status"))
    assert [pairs[p.pk] for p in cascade["pairs"]] == ["ended", "ended"]
    assert pairs[cascade["untouched"].pk] == "active"
    meetings = dict(Meeting.objects.values_list("pk", "status"))
    assert [meetings[m.pk] for m in cascade["cancelled"]] == ["cancelled", "cancelled"]
    assert meetings[cascade["kept"].pk] == "scheduled"
    skipped = Reminder.objects.filter(meeting__in=cascade["cancelled"])
    assert skipped.exists()
    assert {row.status for row in skipped} == {"skipped"}
    assert {r.status for r in Reminder.objects.filter(meeting=cascade["kept"])} == {"pending"}

    told = sorted(message.to[0] for message in mail.outbox)
    # One cancellation to each counterpart; none to the address of someone who left.
    assert told == sorted([mentee.email, cascade["other_mentor"].email])
    assert all(message.subject.startswith("Cancelled:") for message in mail.outbox)


def test_the_leavers_meetings_vanish_from_their_managers_page(
    cascade: dict[str, Any], leaver: User, manager: User, hr_admin: User
) -> None:
    client = Client()
    client.force_login(manager)
    team = reverse("manager_view:team")
    assert leaver.full_name in client.get(team).content.decode()
    person_deactivate(person=leaver, by=hr_admin)
    assert leaver.full_name not in client.get(team).content.decode()


def test_a_deactivated_person_is_signed_out_and_cannot_sign_in(
    leaver: User, hr_admin: User
) -> None:
    client = Client()
    client.force_login(leaver)
    assert client.get(reverse("home")).status_code == 200
    person_deactivate(person=leaver, by=hr_admin)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    fresh = Client()
    fresh.post(reverse("account_login"), {"login": leaver.email, "password": PASSWORD})
    assert fresh.get(reverse("home")).status_code == 302


def test_a_failing_receiver_rolls_the_whole_deactivation_back(
    cascade: dict[str, Any], leaver: User, hr_admin: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(_event: events.PersonDeactivated) -> None:
        raise ValidationError("refused")

    monkeypatch.setattr(
        events.person_deactivated, "_receivers", [*events.person_deactivated.receivers, refuse]
    )
    with pytest.raises(ValidationError, match="refused"):
        person_deactivate(person=leaver, by=hr_admin)
    leaver.refresh_from_db()
    assert leaver.is_active is True
    assert Enrolment.Status.WITHDRAWN not in set(
        Enrolment.objects.filter(person=leaver).values_list("status", flat=True)
    )
    assert set(Pair.objects.values_list("status", flat=True)) == {"active"}
    assert set(Meeting.objects.values_list("status", flat=True)) == {"scheduled"}


def test_hr_cannot_deactivate_themselves_nor_anyone_twice(leaver: User, hr_admin: User) -> None:
    with pytest.raises(ValidationError, match="yourself"):
        person_deactivate(person=hr_admin, by=hr_admin)
    person_deactivate(person=leaver, by=hr_admin)
    with pytest.raises(ValidationError, match="already deactivated"):
        person_deactivate(person=leaver, by=hr_admin)


def test_reactivating_lets_them_sign_in_but_brings_no_pair_back(
    cascade: dict[str, Any], leaver: User, hr_admin: User
) -> None:
    person_deactivate(person=leaver, by=hr_admin)
    person_reactivate(person=leaver)
    assert leaver.is_active is True
    assert set(Pair.objects.filter(pk__in=[p.pk for p in cascade["pairs"]]).values_list(
        "status", flat=True
    )) == {"ended"}  # fmt: skip
    with pytest.raises(ValidationError, match="already active"):
        person_reactivate(person=leaver)
