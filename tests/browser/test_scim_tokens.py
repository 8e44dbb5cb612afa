"""An operator connects an identity provider: signs in, creates a SCIM token in the admin,
copies its secret (shown once), and revokes it; the endpoint follows at once."""

from __future__ import annotations

import re

import httpx2
import pytest
from playwright.sync_api import Page, expect

from people.models import ScimToken
from tests.browser.conftest import look, sign_in
from tests.factories import UserFactory, with_totp

pytestmark = pytest.mark.django_db(transaction=True)


def test_operator_creates_and_revokes_a_scim_token(page: Page, live_server: object) -> None:
    base = live_server.url  # type: ignore[attr-defined]
    operator = with_totp(UserFactory(full_name="Ops Operator", is_staff=True, is_superuser=True))
    sign_in(page, base, operator)
    page.goto(f"{base}/ops/admin/people/scimtoken/add/")
    page.get_by_label("Name").fill("Entra ID")
    look(page, "scim-token-add")
    page.get_by_role("button", name="Save", exact=True).click()
    message = page.get_by_text(re.compile("it will not be shown again"))
    expect(message).to_be_visible()
    look(page, "scim-token-created")
    secret = re.search(r"(scim_[\w-]+)", message.inner_text())
    assert secret is not None
    endpoint = f"{base}/scim/v2/ServiceProviderConfig"
    headers = {"Authorization": f"Bearer {secret.group(1)}"}
    assert httpx2.get(endpoint, headers=headers).status_code == 200
    assert secret.group(1) not in ScimToken.objects.get().token_hash

    page.goto(f"{base}/ops/admin/people/scimtoken/")
    page.get_by_role("checkbox", name=re.compile("Select this object")).first.check()
    page.get_by_role("combobox", name="Action").select_option(label="Revoke the selected tokens")
    page.get_by_role("button", name="Go").click()
    expect(page.get_by_text("The selected tokens are revoked.")).to_be_visible()
    look(page, "scim-token-revoked")
    refused = httpx2.get(endpoint, headers=headers)
    assert refused.status_code == 401
    assert refused.headers["content-type"] == "application/scim+json"
