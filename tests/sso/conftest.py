from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from lib import sso
from tests.sso.idp import CLIENT_ID, CLIENT_SECRET, RunningIdP, oidc_provider

TESTSERVER_CALLBACK = "http://testserver/accounts/oidc/organisation/login/callback/"


@pytest.fixture(scope="session")
def oidc_idp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningIdP]:
    folder: Path = tmp_path_factory.mktemp("oidc-idp")
    with oidc_provider(folder, redirect_uris=[TESTSERVER_CALLBACK]) as idp:
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
    settings.SOCIALACCOUNT_PROVIDERS = sso.socialaccount_providers()  # type: ignore[attr-defined]
    return oidc_idp
