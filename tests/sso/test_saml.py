"""Single sign-on through a real SAML 2.0 identity provider (pysaml2) on 127.0.0.1."""

from __future__ import annotations

import logging
import re
from html import unescape
from urllib.parse import urlsplit

import pytest
import requests
from allauth.socialaccount.models import SocialAccount
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from people.models import User
from tests.factories import UserFactory
from tests.sso.idp import RunningSamlIdP

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _host_header(client: Client) -> None:
    # A browser always sends Host; python3-saml reads it directly (not request.get_host()).
    client.defaults["HTTP_HOST"] = "testserver"


LOGIN = reverse("saml_login", kwargs={"organization_slug": "organisation"})


def _fields(html: str) -> dict[str, str]:
    return {
        name: unescape(value)
        for name, value in re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', html)
    }


def idp_answer(client: Client, idp: RunningSamlIdP, email: str) -> tuple[str, dict[str, str]]:
    """Start at our sign-in, let the IdP sign ``email`` in: where and what it posts back."""
    start = client.post(LOGIN)
    assert start.status_code == 302
    assert str(start["Location"]).startswith(idp.sso_url)
    form_page = requests.get(start["Location"], timeout=10)
    fields = {**_fields(form_page.text), "email": email}
    answer = requests.post(idp.sso_url, data=fields, timeout=10)
    assert answer.status_code == 200, answer.text[:500]
    action = re.search(r'action="([^"]+)"', answer.text)
    assert action
    return urlsplit(unescape(action.group(1))).path, _fields(answer.text)


def post_answer(client: Client, acs: str, fields: dict[str, str]) -> HttpResponse:
    response: HttpResponse = client.post(acs, fields, follow=True)
    return response


def _signed_in_as(client: Client) -> User | None:
    user = client.get(reverse("home")).wsgi_request.user
    return user if user.is_authenticated else None  # type: ignore[return-value]


def test_a_person_lands_in_the_account_hr_made(
    saml_configured: RunningSamlIdP, client: Client
) -> None:
    person = UserFactory(email="chiara.novak@example.com")
    response = post_answer(client, *idp_answer(client, saml_configured, "chiara.novak@example.com"))
    assert response.status_code == 200
    assert _signed_in_as(client) == person
    account = SocialAccount.objects.get(user=person)
    assert account.provider == "saml"
    assert account.uid.startswith("subject-")  # the IdP's persistent NameID


def test_an_unknown_person_is_refused_with_a_clear_page(
    saml_configured: RunningSamlIdP, client: Client
) -> None:
    response = post_answer(client, *idp_answer(client, saml_configured, "nobody@example.com"))
    assert "People are added by your HR team" in response.content.decode()
    assert _signed_in_as(client) is None
    assert not User.objects.exists()


def test_a_deactivated_person_is_refused(saml_configured: RunningSamlIdP, client: Client) -> None:
    UserFactory(email="gone@example.com", is_active=False)
    response = post_answer(client, *idp_answer(client, saml_configured, "gone@example.com"))
    assert response.redirect_chain[-1][0] == reverse("account_inactive")
    assert _signed_in_as(client) is None


@pytest.mark.parametrize(
    ("email", "logged"),
    [
        ("expired-assertion@example.com", "expired"),
        ("other-audience@example.com", "is not a valid audience"),
        ("forged-signature@example.com", "Signature validation failed"),
    ],
)
def test_a_bad_assertion_is_refused_with_a_clear_page_and_a_log_line(
    saml_configured: RunningSamlIdP,
    client: Client,
    caplog: pytest.LogCaptureFixture,
    email: str,
    logged: str,
) -> None:
    UserFactory(email=email)
    with caplog.at_level(logging.WARNING):
        response = post_answer(client, *idp_answer(client, saml_configured, email))
    assert response.status_code < 500
    assert "Single sign-on did not work" in response.content.decode()
    assert _signed_in_as(client) is None
    assert not SocialAccount.objects.exists()
    assert "Single sign-on refused (provider saml)" in caplog.text
    assert logged in caplog.text


def test_a_replayed_assertion_is_refused(
    saml_configured: RunningSamlIdP, client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    person = UserFactory(email="yusuf@example.com")
    acs, fields = idp_answer(client, saml_configured, "yusuf@example.com")
    post_answer(client, acs, fields)
    assert _signed_in_as(client) == person
    # The same browser again, and someone else.
    for replayer in (client, Client(HTTP_HOST="testserver")):
        replayer.logout()
        with caplog.at_level(logging.WARNING):
            replayed = post_answer(replayer, acs, fields)
        assert replayed.status_code < 500
        assert "Single sign-on did not work" in replayed.content.decode()
        assert _signed_in_as(replayer) is None


def test_sign_out_sends_the_browser_to_the_idps_single_logout(
    saml_configured: RunningSamlIdP,
    client: Client,
    monkeypatch: pytest.MonkeyPatch,
    settings: object,
) -> None:
    from tests.sso.conftest import use_sso_settings

    monkeypatch.setenv("MENTORING_SAML_SLO_URL", f"{saml_configured.base_url}/slo")
    use_sso_settings(settings)
    person = UserFactory(email="slo@example.com")
    post_answer(client, *idp_answer(client, saml_configured, "slo@example.com"))
    assert _signed_in_as(client) == person
    page = client.get(reverse("account_logout")).content.decode()
    assert "Sign out here and at Example Corp" in page
    response = client.post(reverse("people:sign_out_everywhere"))
    assert _signed_in_as(client) is None
    assert str(response["Location"]).startswith(f"{saml_configured.base_url}/slo?SAMLRequest=")


def test_without_single_logout_only_the_app_session_ends(
    saml_configured: RunningSamlIdP, client: Client
) -> None:
    UserFactory(email="noslo@example.com")
    post_answer(client, *idp_answer(client, saml_configured, "noslo@example.com"))
    assert "Sign out here and at" not in client.get(reverse("account_logout")).content.decode()
