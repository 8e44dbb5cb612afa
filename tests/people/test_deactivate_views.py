"""HR deactivates someone who left, and lets them back in: the confirmation says what
will happen, in numbers; bad requests change nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from matching.models import Pair
from meetings.services import meeting_schedule
from people.models import User
from programs.models import Enrolment
from tests.factories import UserFactory
from tests.meetings.factories import make_pair, when

pytestmark = pytest.mark.django_db


def _as(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _url(name: str, person: User) -> str:
    namespace = "people" if name == "reactivate" else "hr_view"  # HR's read side shows them
    return reverse(f"{namespace}:{name}", kwargs={"person_id": person.pk})


def test_the_confirmation_counts_what_will_end(hr_admin: User, mentee: User, mentor: User) -> None:
    pair = make_pair(mentee, mentor)
    day = timezone.localdate() + dt.timedelta(days=2)
    meeting_schedule(pair=pair, organiser=mentee, when=when(day), every_weeks=1, count=3)
    UserFactory(manager=mentor)
    html = _as(hr_admin).get(_url("deactivate", mentor)).content.decode()
    assert "Their 1 enrolment is withdrawn." in html
    assert "1 pair ends" in html
    assert "3 future meetings are cancelled" in html
    assert "1 person still reports to them" in html
    mentor.refresh_from_db()
    assert mentor.is_active  # looking changes nothing


def test_confirming_deactivates_and_returns_to_the_person(
    hr_admin: User, mentee: User, mentor: User
) -> None:
    pair = make_pair(mentee, mentor)
    response = _as(hr_admin).post(_url("deactivate", mentor))
    assert response.status_code == 302
    assert response["Location"] == _url("person", mentor)
    mentor.refresh_from_db()
    pair.refresh_from_db()
    assert not mentor.is_active
    assert pair.status == Pair.Status.ENDED
    page = _as(hr_admin).get(_url("person", mentor)).content.decode()
    assert "is deactivated" in page
    assert "Let them sign in again" in page


def test_hr_cannot_deactivate_themselves_and_is_told_why(hr_admin: User) -> None:
    client = _as(hr_admin)
    assert (
        "You cannot deactivate yourself."
        in client.get(_url("deactivate", hr_admin)).content.decode()
    )
    response = client.post(_url("deactivate", hr_admin), follow=True)
    assert "You cannot deactivate yourself." in response.content.decode()
    hr_admin.refresh_from_db()
    assert hr_admin.is_active


def test_deactivating_twice_says_so_and_changes_nothing(hr_admin: User, mentee: User) -> None:
    client = _as(hr_admin)
    client.post(_url("deactivate", mentee))
    response = client.post(_url("deactivate", mentee), follow=True)
    assert response.status_code == 200
    assert "already deactivated" in response.content.decode()


def test_reactivating_lets_them_sign_in_again(hr_admin: User, mentee: User) -> None:
    client = _as(hr_admin)
    client.post(_url("deactivate", mentee))
    response = client.post(_url("reactivate", mentee), follow=True)
    assert f"{mentee.full_name} can sign in again." in response.content.decode()
    mentee.refresh_from_db()
    assert mentee.is_active
    assert set(Enrolment.objects.filter(person=mentee).values_list("status", flat=True)) <= {
        Enrolment.Status.WITHDRAWN
    }
    again = client.post(_url("reactivate", mentee), follow=True)
    assert "already active" in again.content.decode()


def test_reactivating_is_a_post_only(hr_admin: User, mentee: User) -> None:
    assert _as(hr_admin).get(_url("reactivate", mentee)).status_code == 405
