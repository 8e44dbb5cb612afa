from __future__ import annotations

import re
import time
import types

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from people.models import User
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_rate_limits() -> None:
    cache.clear()


def test_sign_in_with_password_lands_on_home(client: Client, mentee: User) -> None:
    response = client.post(
        reverse("account_login"), {"login": mentee.email, "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("home")
    assert response.context["user"] == mentee


def test_wrong_password_keeps_the_e_mail_and_explains(client: Client, mentee: User) -> None:
    response = client.post(reverse("account_login"), {"login": mentee.email, "password": "nope"})
    assert response.status_code == 200
    assert not response.context["user"].is_authenticated
    html = response.content.decode()
    assert mentee.email in html
    assert "not correct" in html


def test_sign_in_by_e_mailed_code(client: Client, mentee: User) -> None:
    response = client.post(reverse("account_request_login_code"), {"email": mentee.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    code = re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", mail.outbox[0].body, re.MULTILINE)
    assert code, mail.outbox[0].body
    response = client.post(reverse("account_confirm_login_code"), {"code": code.group(1)})
    assert response.status_code == 302
    assert client.get(reverse("home")).context["user"] == mentee


def test_open_sign_up_is_off_by_default(client: Client) -> None:
    response = client.post(
        reverse("account_signup"),
        {
            "email": "new@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "full_name": "New Person",
        },
    )
    assert not User.objects.filter(email="new@example.com").exists()
    assert response.status_code == 200
    assert "closed" in response.content.decode().lower()


def test_open_sign_up_requires_e_mail_verification(client: Client, settings: object) -> None:
    settings.MENTORING_OPEN_SIGNUP = True  # type: ignore[attr-defined]
    response = client.post(
        reverse("account_signup"),
        {
            "email": "new@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "full_name": "New Person",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="new@example.com")
    assert user.full_name == "New Person"
    assert client.get(reverse("home")).status_code == 302  # not signed in until verified
    assert len(mail.outbox) == 1


def test_failed_sign_ins_are_rate_limited(client: Client, mentee: User) -> None:
    for _ in range(6):
        client.post(reverse("account_login"), {"login": mentee.email, "password": "wrong"})
    response = client.post(reverse("account_login"), {"login": mentee.email, "password": PASSWORD})
    assert not response.wsgi_request.user.is_authenticated
    assert "Too many failed" in response.content.decode()


def test_admin_login_goes_through_allauth(client: Client) -> None:
    response = client.get(reverse("admin:login"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_password_reset_link_sets_a_new_password(client: Client, mentee: User) -> None:
    client.post(reverse("account_reset_password"), {"email": mentee.email})
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", mail.outbox[0].body)
    assert link
    response = client.get(link.group(1), follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0]
    response = client.post(
        form_url, {"password1": "brand-New-pass-77", "password2": "brand-New-pass-77"}
    )
    assert response.status_code == 302
    mentee.refresh_from_db()
    assert mentee.check_password("brand-New-pass-77")


def test_an_unverified_person_can_sign_in_again_soon_after_a_verification_e_mail(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from allauth.core.internal import ratelimit

    person = UserFactory()
    EmailAddress.objects.filter(user=person).update(verified=False)
    first = Client().post(reverse("account_login"), {"login": person.email, "password": PASSWORD})
    assert first.status_code == 302
    assert len(mail.outbox) == 1
    real_time = time.time
    later = types.SimpleNamespace(
        time=lambda: real_time() + 15, monotonic=time.monotonic, sleep=time.sleep
    )
    monkeypatch.setattr(ratelimit, "time", later)
    again = Client().post(reverse("account_login"), {"login": person.email, "password": PASSWORD})
    assert "Too many failed" not in again.content.decode()
    assert again.status_code == 302
    assert len(mail.outbox) == 2
