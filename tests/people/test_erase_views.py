"""HR erases a person on request: a confirmation that says what happens, the person's
e-mail address typed to confirm, nothing changed on a wrong one."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from audit.models import Action, AuditEvent
from people.models import User

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_confirmation_says_what_happens(hr_admin: User, mentee: User) -> None:
    page = _client(hr_admin).get(reverse("hr_view:erase", kwargs={"person_id": mentee.pk}))
    text = page.content.decode()
    assert "This cannot be undone" in text
    assert "a former participant" in text


def test_a_wrong_address_erases_nothing(hr_admin: User, mentee: User) -> None:
    url = reverse("hr_view:erase", kwargs={"person_id": mentee.pk})
    response = _client(hr_admin).post(url, {"confirm": "someone@else.example"})
    assert response.status_code == 200
    assert "Nothing was erased" in response.content.decode()
    assert User.objects.filter(pk=mentee.pk, is_active=True).exists()
    assert not AuditEvent.objects.filter(action=Action.PERSON_ERASED).exists()


def test_the_right_address_erases_and_records_an_id_only(hr_admin: User, mentee: User) -> None:
    url = reverse("hr_view:erase", kwargs={"person_id": mentee.pk})
    response = _client(hr_admin).post(url, {"confirm": mentee.email.upper()}, follow=True)
    assert "Nothing of them can be restored" in response.content.decode()
    assert not User.objects.filter(pk=mentee.pk).exists()
    [row] = AuditEvent.objects.filter(action=Action.PERSON_ERASED)
    assert row.target_id == mentee.pk
    assert mentee.email not in str(row.details)


def test_hr_cannot_erase_themselves(hr_admin: User) -> None:
    url = reverse("hr_view:erase", kwargs={"person_id": hr_admin.pk})
    response = _client(hr_admin).post(url, {"confirm": hr_admin.email}, follow=True)
    assert "You cannot erase yourself" in response.content.decode()
    assert User.objects.filter(pk=hr_admin.pk).exists()


def test_an_erased_persons_stand_in_is_not_in_the_directory(hr_admin: User, mentee: User) -> None:
    from people.own_data import person_erase
    from people.selectors import people_directory

    person_erase(person=mentee, by=hr_admin)
    assert [p.is_stand_in for p in people_directory()] == [False] * people_directory().count()
    assert not people_directory(search="former participant").exists()
