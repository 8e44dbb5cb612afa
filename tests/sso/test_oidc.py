"""Single sign-on through a real OpenID Connect provider (django-oauth-toolkit) on 127.0.0.1."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

import pytest
from allauth.socialaccount.models import SocialAccount
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from people.models import User
from tests.factories import PASSWORD, UserFactory
from tests.sso.idp import RunningIdP, idp_session

pytestmark = pytest.mark.django_db

LOGIN = reverse("openid_connect_login", kwargs={"provider_id": "organisation"})


def _to_provider(client: Client) -> str:
    start = client.post(LOGIN)
    assert start.status_code == 302
    return str(start["Location"])


def _provider_answer(idp: RunningIdP, authorize_url: str, email: str) -> str:
    """What the provider sends the browser back with: our callback with a code."""
    answer = idp_session(idp, email).get(authorize_url, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text[:500]
    callback = urlsplit(answer.headers["Location"])
    assert callback.path == reverse(
        "openid_connect_callback", kwargs={"provider_id": "organisation"}
    )
    return f"{callback.path}?{callback.query}"


def sso_sign_in(client: Client, idp: RunningIdP, email: str) -> HttpResponse:
    response: HttpResponse = client.get(
        _provider_answer(idp, _to_provider(client), email), follow=True
    )
    return response


def _signed_in_as(client: Client) -> User | None:
    response = client.get(reverse("home"))
    user = response.wsgi_request.user
    return user if user.is_authenticated else None  # type: ignore[return-value]


def test_a_person_lands_in_the_account_hr_made(oidc_configured: RunningIdP, client: Client) -> None:
    person = UserFactory(email="lars.hernandez@example.com")
    response = sso_sign_in(client, oidc_configured, "lars.hernandez@example.com")
    assert response.status_code == 200
    assert _signed_in_as(client) == person
    account = SocialAccount.objects.get(user=person)
    assert account.provider == "organisation"
    assert account.uid  # the provider's stable subject, kept for the next sign-in
    assert User.objects.count() == 1


def test_the_second_sign_in_finds_the_account_by_its_subject(
    oidc_configured: RunningIdP, client: Client
) -> None:
    person = UserFactory(email="ines.rossi@example.com")
    sso_sign_in(client, oidc_configured, "ines.rossi@example.com")
    client.logout()
    # HR changed the address on record; the subject still finds her.
    User.objects.filter(pk=person.pk).update(email="ines.rossi@new.example.com")
    sso_sign_in(client, oidc_configured, "ines.rossi@example.com")
    assert _signed_in_as(client) == person
    assert SocialAccount.objects.filter(user=person).count() == 1


def test_an_unknown_person_is_refused_with_a_clear_page(
    oidc_configured: RunningIdP, client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="people.adapters"):
        response = sso_sign_in(client, oidc_configured, "stranger@example.com")
    assert "People are added by your HR team" in response.content.decode()
    assert _signed_in_as(client) is None
    assert not User.objects.exists()
    assert "no account for this person" in caplog.text


def test_open_signup_lets_an_unknown_person_in(
    oidc_configured: RunningIdP, client: Client, settings: object
) -> None:
    settings.MENTORING_OPEN_SIGNUP = True  # type: ignore[attr-defined]
    sso_sign_in(client, oidc_configured, "newcomer@example.com")
    user = _signed_in_as(client)
    assert user is not None
    assert user.email == "newcomer@example.com"
    assert user.full_name == "newcomer"


def test_a_deactivated_person_is_refused(oidc_configured: RunningIdP, client: Client) -> None:
    UserFactory(email="left@example.com", is_active=False)
    response = sso_sign_in(client, oidc_configured, "left@example.com")
    assert response.redirect_chain[-1][0] == reverse("account_inactive")
    assert _signed_in_as(client) is None


def test_an_email_the_provider_calls_unverified_does_not_open_an_account(
    oidc_configured: RunningIdP, client: Client
) -> None:
    UserFactory(email="unverified-email@example.com")
    sso_sign_in(client, oidc_configured, "unverified-email@example.com")
    assert _signed_in_as(client) is None
    assert not SocialAccount.objects.exists()


@pytest.mark.parametrize(
    ("email", "logged"),
    [
        ("expired-token@example.com", "Signature has expired"),
        ("other-audience@example.com", "Audience doesn't match"),
        ("forged-signature@example.com", "Signature verification failed"),
    ],
)
def test_a_bad_id_token_is_refused_with_a_clear_page_and_a_log_line(
    oidc_configured: RunningIdP,
    client: Client,
    caplog: pytest.LogCaptureFixture,
    email: str,
    logged: str,
) -> None:
    UserFactory(email=email)
    with caplog.at_level(logging.WARNING, logger="people.adapters"):
        response = sso_sign_in(client, oidc_configured, email)
    assert response.status_code == 401  # allauth's answer: a page, never a 500
    assert "Single sign-on did not work" in response.content.decode()
    assert _signed_in_as(client) is None
    assert not SocialAccount.objects.exists()
    assert "Single sign-on refused (provider organisation)" in caplog.text
    assert logged in caplog.text


def test_a_replayed_answer_is_refused(
    oidc_configured: RunningIdP, client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    person = UserFactory(email="bruno@example.com")
    answer = _provider_answer(oidc_configured, _to_provider(client), "bruno@example.com")
    client.get(answer)
    assert _signed_in_as(client) == person
    # Someone holding the same answer (from a log or the history) tries it again.
    thief = Client()
    with caplog.at_level(logging.WARNING, logger="people.adapters"):
        replayed = thief.get(answer, follow=True)
    assert "Single sign-on did not work" in replayed.content.decode()
    assert _signed_in_as(thief) is None
    assert "Single sign-on refused" in caplog.text


def test_sso_only_refuses_passwords_but_not_an_operators(
    oidc_configured: RunningIdP, client: Client, settings: object
) -> None:
    settings.MENTORING_SSO_ONLY = True  # type: ignore[attr-defined]
    person = UserFactory(email="employee@example.com")
    operator = UserFactory(email="ops@example.com", is_staff=True)
    login = reverse("account_login")

    refused = client.post(login, {"login": person.email, "password": PASSWORD}, follow=True)
    assert refused.status_code == 403
    assert "Passwords and e-mailed codes are turned off" in refused.content.decode()
    assert _signed_in_as(client) is None

    sso_sign_in(client, oidc_configured, "employee@example.com")
    assert _signed_in_as(client) == person
    client.logout()

    client.post(login, {"login": operator.email, "password": PASSWORD})
    assert _signed_in_as(client) == operator


def test_sso_only_refuses_an_emailed_code(
    oidc_configured: RunningIdP, client: Client, settings: object, mailoutbox: list[object]
) -> None:
    settings.MENTORING_SSO_ONLY = True  # type: ignore[attr-defined]
    UserFactory(email="employee@example.com")
    client.post(reverse("account_request_login_code"), {"email": "employee@example.com"})
    code = _code_from(mailoutbox)
    response = client.post(reverse("account_confirm_login_code"), {"code": code}, follow=True)
    assert "Passwords and e-mailed codes are turned off" in response.content.decode()
    assert _signed_in_as(client) is None


def _code_from(mailoutbox: list[object]) -> str:
    import re

    body = str(getattr(mailoutbox[-1], "body", ""))
    match = re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", body, re.MULTILINE)
    assert match, body
    return match.group(1)


def test_the_sign_in_page_offers_the_organisation_first(
    oidc_configured: RunningIdP, client: Client
) -> None:
    page = client.get(reverse("account_login")).content.decode()
    assert "Sign in with Example Corp" in page
    assert page.index("Sign in with Example Corp") < page.index('name="password"')


def test_without_sso_the_sign_in_page_is_as_before(client: Client) -> None:
    page = client.get(reverse("account_login")).content.decode()
    assert "Sign in with Example Corp" not in page
    assert "/accounts/oidc/" not in page
    assert "/accounts/saml/" not in page
    assert 'name="password"' in page


def test_sign_out_offers_the_providers_sign_out_and_ends_both_sessions(
    oidc_configured: RunningIdP, client: Client
) -> None:
    person = UserFactory(email="lars@example.com")
    at_idp = idp_session(oidc_configured, "lars@example.com")
    answer = at_idp.get(_to_provider(client), allow_redirects=False, timeout=10)
    callback = urlsplit(answer.headers["Location"])
    client.get(f"{callback.path}?{callback.query}")
    assert _signed_in_as(client) == person

    page = client.get(reverse("account_logout")).content.decode()
    assert "Sign out here and at Example Corp" in page
    response = client.post(reverse("people:sign_out_everywhere"))
    assert _signed_in_as(client) is None
    end_session = str(response["Location"])
    assert end_session.startswith(f"{oidc_configured.base_url}/o/logout/")
    assert "post_logout_redirect_uri=http%3A%2F%2Ftestserver%2Faccounts%2Flogin%2F" in end_session
    # The provider's own sign-out page answers (it asks the person to confirm there).
    assert at_idp.get(end_session, timeout=10).status_code in {200, 302}


def test_a_password_session_is_not_offered_the_providers_sign_out(
    oidc_configured: RunningIdP, client: Client
) -> None:
    person = UserFactory(email="pw@example.com")
    client.post(reverse("account_login"), {"login": person.email, "password": PASSWORD})
    assert _signed_in_as(client) == person
    assert "Sign out here and at" not in client.get(reverse("account_logout")).content.decode()
    response = client.post(reverse("people:sign_out_everywhere"))
    assert response["Location"] == reverse("account_login")
    assert _signed_in_as(client) is None


def test_an_unreachable_provider_gets_a_clear_page_not_a_server_error(
    client: Client, monkeypatch: pytest.MonkeyPatch, settings: object
) -> None:
    from tests.sso.conftest import use_sso_settings
    from tests.sso.idp import free_port

    monkeypatch.setenv("MENTORING_OIDC_DISCOVERY_URL", f"http://127.0.0.1:{free_port()}/o")
    monkeypatch.setenv("MENTORING_OIDC_CLIENT_ID", "client")
    use_sso_settings(settings)
    response = client.post(LOGIN)
    assert response.status_code < 500
    assert "Single sign-on did not work" in response.content.decode()


def _sign_out_page_queries(client: Client, idp: RunningIdP, others: int) -> int:
    from allauth.socialaccount.models import SocialAccount as Linked
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for n in range(others):
        uid = f"other-{others}-{n}"
        Linked.objects.create(user=UserFactory(), provider="organisation", uid=uid)
    email = f"counted-{others}@example.com"
    UserFactory(email=email)
    sso_sign_in(client, idp, email)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("account_logout")).status_code == 200
    client.logout()
    return len(queries)


def test_sign_in_and_sign_out_pages_run_a_fixed_number_of_queries(
    oidc_configured: RunningIdP, client: Client
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as sign_in_page:
        client.get(reverse("account_login"))
    _sign_out_page_queries(client, oidc_configured, 0)  # warm the process-wide caches
    few = _sign_out_page_queries(client, oidc_configured, 1)
    many = _sign_out_page_queries(client, oidc_configured, 40)
    assert few == many <= 8
    assert len(sign_in_page) <= 3
