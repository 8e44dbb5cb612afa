"""The README's demo tour is true: every account it names exists after seeding, with the
role it claims, the demo password, and the e-mail count it announces."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from pytest_django import DjangoCaptureOnCommitCallbacks

from matching.models import Pair
from meetings.models import Meeting
from mentoring.demo import demo_sign_ins
from people.demo import DEMO_PASSWORD, demo_people
from people.models import User
from people.roles import is_hr_admin, is_manager
from programs.models import Enrolment, Nomination

pytestmark = pytest.mark.django_db
README = (Path(__file__).resolve().parents[2] / "README.md").read_text()


def readme_sign_ins() -> list[tuple[str, str]]:
    """(role, e-mail) for each row of the README's demo sign-in table."""
    section = README.split("### Demo sign-ins", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| ([^|`]+?) \| `([^`@]+@[^`]+)` \|", section, flags=re.MULTILINE)


def _mentee_pair(people: dict[str, User]) -> Pair:
    return Pair.objects.get(mentee__person=people["Mentee"], status=Pair.Status.ACTIVE)


def _meets_today_or_tomorrow(pair: Pair) -> bool:
    now = timezone.now()
    return Meeting.objects.filter(
        pair=pair,
        status=Meeting.Status.SCHEDULED,
        start__gt=now,
        start__lt=now + dt.timedelta(days=2),
    ).exists()


ROLE_CHECKS: dict[str, Callable[[User, dict[str, User]], bool]] = {
    "Mentee": lambda user, people: _meets_today_or_tomorrow(_mentee_pair(people)),
    "Mentor": lambda user, people: _mentee_pair(people).mentor.person == user,
    "Manager of the mentee": lambda user, people: (
        people["Mentee"].manager == user and is_manager(user)
    ),
    "Manager": lambda user, people: is_manager(user),
    "HR admin": lambda user, people: is_hr_admin(user) and not user.is_superuser,
    "Future mentee": lambda user, people: (
        not Enrolment.objects.filter(person=user).exists()
        and Nomination.objects.filter(report=user).exists()
    ),
    "Future mentor": lambda user, people: not Enrolment.objects.filter(person=user).exists(),
    "Operator": lambda user, people: user.is_staff and user.is_superuser,
}


def test_the_readme_names_the_accounts_the_seed_prints() -> None:
    printed = [(s.role, s.email) for s in demo_sign_ins(demo_people())]
    assert readme_sign_ins() == printed


def test_every_account_the_readme_names_exists_with_its_role_after_seeding(
    eager_tasks: None, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=io.StringIO())
    sign_ins = readme_sign_ins()
    assert {role for role, _email in sign_ins} == set(ROLE_CHECKS)
    people = {role: User.objects.get(email=email) for role, email in sign_ins}
    for role, user in people.items():
        assert user.is_active, role
        assert user.check_password(DEMO_PASSWORD), role
        assert EmailAddress.objects.get(user=user, primary=True).verified, role
        assert ROLE_CHECKS[role](user, people), f"{role}: {user.email}"
    announced = re.search(r"Seeding leaves (\d+) e-mails", README)
    assert announced is not None
    assert len(mail.outbox) == int(announced.group(1))
