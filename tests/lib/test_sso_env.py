"""Single sign-on settings from the environment: none, OIDC, SAML, and malformed values."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from lib import sso

CERT = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "MENTORING_SSO_NAME",
        "MENTORING_OIDC_DISCOVERY_URL",
        "MENTORING_OIDC_CLIENT_ID",
        "MENTORING_OIDC_CLIENT_SECRET",
        "MENTORING_SAML_METADATA_URL",
        "MENTORING_SAML_ENTITY_ID",
        "MENTORING_SAML_SSO_URL",
        "MENTORING_SAML_SLO_URL",
        "MENTORING_SAML_CERT",
        "MENTORING_SSO_EXTRA_ORIGINS",
    ):
        monkeypatch.delenv(name, raising=False)


def test_nothing_configured_means_no_identity_provider() -> None:
    providers = sso.socialaccount_providers()
    assert providers["openid_connect"]["APPS"] == []
    assert providers["saml"]["APPS"] == []
    assert sso.form_action_origins() == []


def test_openid_connect_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MENTORING_SSO_NAME", "Example Corp")
    monkeypatch.setenv("MENTORING_OIDC_DISCOVERY_URL", "https://login.example.com/tenant/v2.0")
    monkeypatch.setenv("MENTORING_OIDC_CLIENT_ID", "client")
    monkeypatch.setenv("MENTORING_OIDC_CLIENT_SECRET", "secret")
    [app] = sso.socialaccount_providers()["openid_connect"]["APPS"]
    assert app["name"] == "Example Corp"
    assert app["provider_id"] == "organisation"
    assert app["settings"]["server_url"] == "https://login.example.com/tenant/v2.0"
    assert sso.form_action_origins() == ["https://login.example.com"]


def test_a_discovery_url_without_a_client_id_stops_start_up(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MENTORING_OIDC_DISCOVERY_URL", "https://login.example.com")
    with pytest.raises(ImproperlyConfigured, match="MENTORING_OIDC_CLIENT_ID"):
        sso.socialaccount_providers()


def test_a_discovery_url_that_is_no_url_stops_start_up(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MENTORING_OIDC_DISCOVERY_URL", "login.example.com")
    monkeypatch.setenv("MENTORING_OIDC_CLIENT_ID", "client")
    with pytest.raises(ImproperlyConfigured, match="MENTORING_OIDC_DISCOVERY_URL"):
        sso.socialaccount_providers()


def test_saml_by_entity_id_needs_a_certificate(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MENTORING_SAML_ENTITY_ID", "https://idp.example.com/")
    monkeypatch.setenv("MENTORING_SAML_SSO_URL", "https://idp.example.com/sso")
    monkeypatch.setenv("MENTORING_SAML_CERT", "not a certificate")
    with pytest.raises(ImproperlyConfigured, match="MENTORING_SAML_CERT"):
        sso.socialaccount_providers()


def test_saml_certificate_from_a_file(monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> None:
    path = tmp_path / "idp.pem"  # type: ignore[operator]
    path.write_text(CERT)
    monkeypatch.setenv("MENTORING_SAML_ENTITY_ID", "https://idp.example.com/")
    monkeypatch.setenv("MENTORING_SAML_SSO_URL", "https://idp.example.com/sso")
    monkeypatch.setenv("MENTORING_SAML_SLO_URL", "https://logout.example.com/slo")
    monkeypatch.setenv("MENTORING_SAML_CERT", str(path))
    [app] = sso.socialaccount_providers()["saml"]["APPS"]
    assert app["settings"]["idp"]["x509cert"] == CERT
    assert app["settings"]["idp"]["slo_url"] == "https://logout.example.com/slo"
    assert app["settings"]["advanced"]["want_assertion_signed"] is True
    assert sso.form_action_origins() == ["https://idp.example.com", "https://logout.example.com"]


def test_saml_by_metadata_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(
        "MENTORING_SAML_METADATA_URL", "https://org.okta.com/app/1/sso/saml/metadata"
    )
    [app] = sso.socialaccount_providers()["saml"]["APPS"]
    assert app["settings"]["idp"] == {
        "metadata_url": "https://org.okta.com/app/1/sso/saml/metadata",
        "entity_id": None,
    }
