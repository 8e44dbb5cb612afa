from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from csp.constants import SELF

from lib import sso
from tests.sso.idp import (
    CLIENT_ID,
    CLIENT_SECRET,
    RunningIdP,
    RunningSamlIdP,
    oidc_provider,
    saml_provider,
)


def use_sso_settings(settings: Any) -> None:
    """The settings the app computes at start-up from the (monkeypatched) environment."""
    settings.SOCIALACCOUNT_PROVIDERS = sso.socialaccount_providers()
    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["form-action"] = [SELF, *sso.form_action_origins()]
    settings.CONTENT_SECURITY_POLICY = policy


TESTSERVER_CALLBACK = "http://testserver/accounts/oidc/organisation/login/callback/"


@pytest.fixture(scope="session")
def oidc_idp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningIdP]:
    folder: Path = tmp_path_factory.mktemp("oidc-idp")
    with oidc_provider(
        folder,
        redirect_uris=[TESTSERVER_CALLBACK],
        logout_uris=["http://testserver/accounts/login/"],
    ) as idp:
        yield idp


@pytest.fixture
def oidc_configured(
    oidc_idp: RunningIdP, monkeypatch: pytest.MonkeyPatch, settings: object
) -> RunningIdP:
    """The app configured, through its environment variables, for the test provider."""
    monkeypatch.setenv("MENTORING_SSO_NAME", "Example Corp")
    monkeypatch.setenv("MENTORING_OIDC_DISCOVERY_URL", oidc_idp.base_url + "/o")
    monkeypatch.setenv("MENTORING_OIDC_CLIENT_ID", CLIENT_ID)
    monkeypatch.setenv("MENTORING_OIDC_CLIENT_SECRET", CLIENT_SECRET)
    use_sso_settings(settings)
    return oidc_idp


@pytest.fixture(scope="session")
def saml_idp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSamlIdP]:
    folder: Path = tmp_path_factory.mktemp("saml-idp")
    with saml_provider(folder, sp_base_url="http://testserver") as idp:
        yield idp


@pytest.fixture
def saml_configured(
    saml_idp: RunningSamlIdP, monkeypatch: pytest.MonkeyPatch, settings: object
) -> RunningSamlIdP:
    """The app configured, through its environment variables, for the test SAML IdP."""
    monkeypatch.setenv("MENTORING_SSO_NAME", "Example Corp")
    monkeypatch.setenv("MENTORING_SAML_ENTITY_ID", saml_idp.entity_id)
    monkeypatch.setenv("MENTORING_SAML_SSO_URL", saml_idp.sso_url)
    monkeypatch.setenv("MENTORING_SAML_CERT", saml_idp.certificate)
    use_sso_settings(settings)
    return saml_idp
