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


def _fail_sign_ins(*, count: int, forwarded_for: str | None = None) -> None:
    """``count`` wrong passwords, each for another address (so only the per-address budget
    is spent), from one client: the same socket address, optionally forwarded for one IP."""
    headers = {"HTTP_X_FORWARDED_FOR": forwarded_for} if forwarded_for else {}
    for n in range(count):
        Client().post(
            reverse("account_login"),
            {"login": f"nobody{n}@example.com", "password": "wrong"},
            **headers,  # type: ignore[arg-type]
        )


def test_behind_the_proxy_one_persons_failures_do_not_lock_out_another(
    mentee: User, settings: object
) -> None:
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1  # type: ignore[attr-defined]
    _fail_sign_ins(count=12, forwarded_for="203.0.113.5")
    response = Client().post(
        reverse("account_login"),
        {"login": mentee.email, "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="198.51.100.7",
    )
    assert response.status_code == 302, response.content.decode()
    assert response.wsgi_request.user == mentee
    locked = Client().post(
        reverse("account_login"),
        {"login": mentee.email, "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="203.0.113.5",
    )
    assert "Too many failed" in locked.content.decode()


def test_behind_the_proxy_a_client_cannot_escape_its_budget_by_prepending_addresses(
    mentee: User, settings: object
) -> None:
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1  # type: ignore[attr-defined]
    _fail_sign_ins(count=12, forwarded_for="203.0.113.5")
    # The proxy appends the address it saw; whatever the client wrote before it is ignored.
    response = Client().post(
        reverse("account_login"),
        {"login": mentee.email, "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="192.0.2.99, 203.0.113.5",
    )
    assert "Too many failed" in response.content.decode()


def test_without_the_proxy_a_forged_forwarded_for_header_is_ignored(mentee: User) -> None:
    _fail_sign_ins(count=12, forwarded_for="203.0.113.5")
    response = Client().post(
        reverse("account_login"),
        {"login": mentee.email, "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="198.51.100.7",
    )
    assert not response.wsgi_request.user.is_authenticated
    assert "Too many failed" in response.content.decode()


def test_too_few_forwarded_addresses_fall_back_to_the_socket_address(
    mentee: User, settings: object
) -> None:
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 2  # type: ignore[attr-defined]
    response = Client().post(
        reverse("account_login"),
        {"login": mentee.email, "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="198.51.100.7",
    )
    assert response.status_code == 302
    assert response.wsgi_request.user == mentee


def test_unknown_address_e_mail_points_to_hr_while_sign_up_is_closed(client: Client) -> None:
    client.post(reverse("account_reset_password"), {"email": "stranger@example.com"})
    client.post(reverse("account_request_login_code"), {"email": "stranger2@example.com"})
    assert len(mail.outbox) == 2
    for message in mail.outbox:
        assert reverse("account_signup") not in message.body
        assert "you can sign up" not in message.body.lower()
        assert "ask your HR contact" in message.body
        assert message.subject == "[Mentoring] No account with this e-mail address"


def test_unknown_address_e_mail_links_to_sign_up_when_it_is_open(
    client: Client, settings: object
) -> None:
    settings.MENTORING_OPEN_SIGNUP = True  # type: ignore[attr-defined]
    client.post(reverse("account_reset_password"), {"email": "stranger@example.com"})
    assert len(mail.outbox) == 1
    assert reverse("account_signup") in mail.outbox[0].body
