"""Single sign-on in a real browser: the sign-in page offers the organisation first, the
person signs in at the real OpenID provider (django-oauth-toolkit on 127.0.0.1), lands in
their account, and signs out here and at the provider."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from people.models import User
from tests.browser.conftest import look
from tests.factories import PASSWORD, UserFactory
from tests.sso.conftest import use_sso_settings
from tests.sso.idp import CLIENT_ID, CLIENT_SECRET, IDP_PASSWORD, RunningIdP, oidc_provider

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def provider(
    live_server: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settings: object
) -> Iterator[RunningIdP]:
    base = live_server.url  # type: ignore[attr-defined]
    with oidc_provider(
        tmp_path,
        redirect_uris=[f"{base}/accounts/oidc/organisation/login/callback/"],
        logout_uris=[f"{base}/accounts/login/"],
    ) as idp:
        monkeypatch.setenv("MENTORING_SSO_NAME", "Example Corp")
        monkeypatch.setenv("MENTORING_OIDC_DISCOVERY_URL", f"{idp.base_url}/o")
        monkeypatch.setenv("MENTORING_OIDC_CLIENT_ID", CLIENT_ID)
        monkeypatch.setenv("MENTORING_OIDC_CLIENT_SECRET", CLIENT_SECRET)
        use_sso_settings(settings)
        yield idp


def test_sign_in_through_the_organisation_and_out_again(
    provider: RunningIdP, page: Page, live_server: object
) -> None:  # the provider first: it outlives the page, whose pages are measured at the end
    base = live_server.url  # type: ignore[attr-defined]
    person: User = UserFactory(email="lars.hernandez@example.com", full_name="Lars Hernandez")
    page.goto(f"{base}/accounts/login/")
    sso_button = page.get_by_role("button", name="Sign in with Example Corp")
    expect(sso_button).to_be_visible()
    # The organisation's button comes before the password form.
    first_control = page.locator("main").locator("button, input:not([type=hidden])").first
    expect(first_control).to_have_text("Sign in with Example Corp")
    look(page, "sso-sign-in")

    sso_button.click()
    page.wait_for_url(f"{provider.base_url}/login/**")
    page.get_by_label("E-mail").fill(person.email)
    page.get_by_label("Password").fill(IDP_PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{base}/")
    expect(page.get_by_text("Lars Hernandez").first).to_be_visible()
    look(page, "sso-home-after-sign-in")

    page.goto(f"{base}/accounts/logout/")
    look(page, "sso-sign-out")
    page.get_by_role("button", name="Sign out here and at Example Corp").click()
    page.wait_for_url(f"{provider.base_url}/o/logout/**")
    page.goto(f"{base}/")
    page.wait_for_url(f"{base}/accounts/login/**")


def test_sso_only_folds_the_password_form_away_for_operators(
    provider: RunningIdP, page: Page, live_server: object, settings: object
) -> None:
    settings.MENTORING_SSO_ONLY = True  # type: ignore[attr-defined]
    settings.ACCOUNT_LOGIN_BY_CODE_ENABLED = False  # type: ignore[attr-defined]
    base = live_server.url  # type: ignore[attr-defined]
    operator: User = UserFactory(email="ops@example.com", is_staff=True)
    page.goto(f"{base}/accounts/login/")
    expect(page.get_by_role("button", name="Sign in with Example Corp")).to_be_visible()
    expect(page.get_by_text("Email me a sign-in code")).to_have_count(0)
    expect(page.get_by_label(re.compile("^password", re.I))).to_be_hidden()
    look(page, "sso-only-sign-in")
    page.get_by_text("Operators: sign in with a password").click()
    page.get_by_label(re.compile("e-?mail", re.I)).first.fill(operator.email)
    page.get_by_label(re.compile("^password", re.I)).fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_url(f"{base}/")
