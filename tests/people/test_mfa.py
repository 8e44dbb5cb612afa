"""Two-step sign-in through allauth.mfa, driven with a real one-time-password library."""

from __future__ import annotations

import re
import time

import pyotp
import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from audit.models import Action, AuditEvent
from people.mfa import mfa_set_up
from people.models import User
from tests.factories import PASSWORD, UserFactory, totp_code, totp_secret, with_totp

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_rate_limits() -> None:
    cache.clear()


def _password_step(client: Client, user: User) -> None:
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert not client.get(reverse("home")).wsgi_request.user.is_authenticated


def _signed_in_as(client: Client) -> User | None:
    user = client.get(reverse("who_sees_what")).wsgi_request.user
    return user if user.is_authenticated else None


def test_a_person_sets_up_an_authenticator_app_from_the_qr_page(client: Client) -> None:
    person = UserFactory()
    client.post(reverse("account_login"), {"login": person.email, "password": PASSWORD})
    page = client.get(reverse("mfa_activate_totp"))
    if page.status_code == 302:  # allauth asks to confirm the password first
        assert page["Location"].startswith(reverse("account_reauthenticate"))
        client.post(page["Location"], {"password": PASSWORD})
        page = client.get(reverse("mfa_activate_totp"))
    html = page.content.decode()
    assert 'src="data:image/svg+xml;base64,' in html  # the QR code, drawn by allauth
    secret = page.context["form"].secret
    assert secret in html  # for apps that cannot scan
    response = client.post(reverse("mfa_activate_totp"), {"code": "000000"})
    assert not mfa_set_up(person)
    assert "That code is not right" in response.content.decode()
    response = client.post(reverse("mfa_activate_totp"), {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302
    assert mfa_set_up(person)
    assert totp_secret(person) == secret
    # allauth makes recovery codes beside the first authenticator.
    assert Authenticator.objects.filter(user=person, type="recovery_codes").exists()


def test_sign_in_asks_for_the_authenticator_code_after_the_password(client: Client) -> None:
    person = with_totp(UserFactory())
    _password_step(client, person)
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(person)})
    assert response.status_code == 302
    assert _signed_in_as(client) == person


def test_a_wrong_code_is_refused_with_a_clear_message(client: Client) -> None:
    person = with_totp(UserFactory())
    _password_step(client, person)
    wrong = pyotp.TOTP(pyotp.random_base32()).now()
    response = client.post(reverse("mfa_authenticate"), {"code": wrong})
    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    assert _signed_in_as(client) is None


def test_a_code_is_accepted_once(client: Client) -> None:
    person = with_totp(UserFactory())
    code = pyotp.TOTP(totp_secret(person)).now()
    _password_step(client, person)
    assert client.post(reverse("mfa_authenticate"), {"code": code}).status_code == 302
    other = Client()
    _password_step(other, person)
    response = other.post(reverse("mfa_authenticate"), {"code": code})
    assert response.status_code == 200
    assert _signed_in_as(other) is None


def test_a_recovery_code_signs_in_once(client: Client) -> None:
    person = with_totp(UserFactory())
    codes = RecoveryCodes(
        Authenticator.objects.get(user=person, type="recovery_codes")
    ).get_unused_codes()
    _password_step(client, person)
    assert client.post(reverse("mfa_authenticate"), {"code": codes[0]}).status_code == 302
    assert _signed_in_as(client) == person
    again = Client()
    _password_step(again, person)
    response = again.post(reverse("mfa_authenticate"), {"code": codes[0]})
    assert "That code is not right" in response.content.decode()
    assert _signed_in_as(again) is None


def test_guessing_codes_is_rate_limited(client: Client) -> None:
    """Five wrong codes per account in five minutes (ACCOUNT_RATE_LIMITS "login_failed");
    after that even the right code waits."""
    person = with_totp(UserFactory())
    _password_step(client, person)
    for guess in range(5):
        response = client.post(reverse("mfa_authenticate"), {"code": f"{guess:06d}"})
        assert "That code is not right" in response.content.decode()
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(person)})
    assert response.status_code == 200
    assert "Too many failed" in response.content.decode()
    assert _signed_in_as(client) is None


def test_an_operator_resets_mfa_in_the_admin_and_it_is_audited(client: Client) -> None:
    operator = with_totp(UserFactory(is_staff=True, is_superuser=True))
    person = with_totp(UserFactory())
    secret = totp_secret(person)
    codes = RecoveryCodes(
        Authenticator.objects.get(user=person, type="recovery_codes")
    ).get_unused_codes()
    client.force_login(operator)
    response = client.post(
        reverse("admin:people_user_changelist"),
        {"action": "reset_mfa", "_selected_action": [person.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert "Two-step sign-in reset for 1 person." in response.content.decode()
    assert not Authenticator.objects.filter(user=person).exists()
    [event] = AuditEvent.objects.filter(action=Action.MFA_RESET)
    assert (event.actor_id, event.target_type, event.target_id) == (
        operator.pk,
        "user",
        person.pk,
    )
    assert event.details == {"removed": 2, "kinds": ["recovery_codes", "totp"]}
    stored = repr(AuditEvent.objects.filter(pk=event.pk).values().get())
    for secret_part in (secret, *codes):
        assert secret_part not in stored
    # Without a second step, the person signs in with the password alone, and sets one up.
    fresh = Client()
    fresh.post(reverse("account_login"), {"login": person.email, "password": PASSWORD})
    assert _signed_in_as(fresh) == person


def test_only_operators_reach_the_reset(client: Client, hr_admin: User) -> None:
    person = with_totp(UserFactory())
    client.force_login(hr_admin)  # an HR admin is no operator: the admin is not theirs
    response = client.post(
        reverse("admin:people_user_changelist"),
        {"action": "reset_mfa", "_selected_action": [person.pk]},
    )
    assert response.status_code == 404
    assert mfa_set_up(person)
    assert not AuditEvent.objects.filter(action=Action.MFA_RESET).exists()


def test_an_hr_admin_signing_in_without_mfa_is_sent_to_set_it_up(client: Client) -> None:
    from tests.factories import make_hr_admin

    hr = make_hr_admin(UserFactory(), mfa=False)
    client.post(reverse("account_login"), {"login": hr.email, "password": PASSWORD})
    response = client.get(reverse("people:directory"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_index")
    html = client.get(reverse("mfa_index")).content.decode()
    assert re.search(r"needs\s+two-step sign-in", html)
    # Their own pages as an employee stay open.
    assert client.get(reverse("home")).status_code == 200


def test_totp_codes_from_the_previous_step_still_count() -> None:
    """MFA_TOTP_TOLERANCE = 1: a phone clock a few seconds behind still signs in."""
    person = with_totp(UserFactory())
    earlier = pyotp.TOTP(totp_secret(person)).at(int(time.time()) - 30)
    client = Client()
    _password_step(client, person)
    assert client.post(reverse("mfa_authenticate"), {"code": earlier}).status_code == 302


def test_the_admin_shows_an_authenticator_but_never_its_secret(client: Client) -> None:
    operator = with_totp(UserFactory(is_staff=True, is_superuser=True))
    person = with_totp(UserFactory())
    totp = Authenticator.objects.get(user=person, type="totp")
    client.force_login(operator)
    listing = client.get(reverse("admin:mfa_authenticator_changelist")).content.decode()
    page = client.get(reverse("admin:mfa_authenticator_change", args=[totp.pk]))
    assert page.status_code == 200
    for html in (listing, page.content.decode()):
        assert totp_secret(person) not in html
        assert "seed" not in html
    assert client.post(reverse("admin:mfa_authenticator_delete", args=[totp.pk])).status_code == 403
    assert mfa_set_up(person)


def test_an_e_mailed_sign_in_code_is_followed_by_the_second_step(client: Client) -> None:
    from django.core import mail

    person = with_totp(UserFactory())
    client.post(reverse("account_request_login_code"), {"email": person.email})
    code = re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", mail.outbox[-1].body, re.MULTILINE)
    assert code
    response = client.post(reverse("account_confirm_login_code"), {"code": code.group(1)})
    assert response["Location"] == reverse("mfa_authenticate")
    assert _signed_in_as(client) is None
    client.post(reverse("mfa_authenticate"), {"code": totp_code(person)})
    assert _signed_in_as(client) == person
