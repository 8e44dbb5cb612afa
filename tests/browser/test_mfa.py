"""Two-step sign-in in real Chromium: an HR admin is sent to set it up, scans the QR
code (its secret read by pyotp), adds a passkey to Chromium's virtual authenticator and
signs in with it; a person with an authenticator app enters its code at sign-in."""

from __future__ import annotations

import re

import pyotp
import pytest
from playwright.sync_api import CDPSession, Page, expect

from people.mfa import mfa_set_up
from people.models import User
from tests.browser.conftest import look, sign_in
from tests.factories import PASSWORD, UserFactory, make_hr_admin, totp_code, with_totp

pytestmark = pytest.mark.django_db(transaction=True)


def _virtual_authenticator(page: Page) -> tuple[CDPSession, str]:
    """A platform authenticator that holds passkeys and verifies its user (a fingerprint
    that always matches), through the Chrome DevTools Protocol."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    added = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return cdp, added["authenticatorId"]


def _confirm_password_if_asked(page: Page) -> None:
    if "/reauthenticate/" in page.url:
        page.get_by_label(re.compile("^password", re.I)).fill(PASSWORD)
        page.get_by_role("button", name=re.compile("confirm", re.I)).click()


def test_hr_admin_sets_up_an_app_and_a_passkey_then_signs_in_with_the_passkey(
    page: Page, live_server: object
) -> None:
    base = live_server.url  # type: ignore[attr-defined]
    assert base.startswith("http://localhost:")  # WebAuthn takes no IP address as its site
    hr = make_hr_admin(UserFactory(full_name="Hedda HR"), mfa=False)
    cdp, authenticator = _virtual_authenticator(page)
    sign_in(page, base, hr)

    page.goto(f"{base}/people/")
    expect(page).to_have_url(f"{base}/accounts/2fa/")
    expect(page.get_by_text(re.compile("needs two-step sign-in"))).to_be_visible()
    look(page, "mfa-required")

    page.get_by_role("link", name="Activate").click()
    _confirm_password_if_asked(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Authenticator App"))
    look(page, "mfa-totp-activate")
    secret = page.get_by_label("Authenticator secret").input_value()
    page.get_by_label("Authenticator code").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Activate").click()
    assert mfa_set_up(hr)
    page.goto(f"{base}/accounts/2fa/recovery-codes/")
    look(page, "mfa-recovery-codes")

    page.goto(f"{base}/accounts/2fa/webauthn/add/")
    _confirm_password_if_asked(page)
    page.get_by_label("Name").fill("Laptop passkey")
    page.get_by_label("Passwordless").check()
    look(page, "mfa-webauthn-add")
    page.get_by_role("button", name="Add").click()
    expect(page).to_have_url(f"{base}/accounts/2fa/")
    look(page, "mfa-index-set-up")
    page.goto(f"{base}/accounts/2fa/webauthn/")
    expect(page.get_by_text("Laptop passkey")).to_be_visible()
    stored = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})
    assert [c["isResidentCredential"] for c in stored["credentials"]] == [True]
    look(page, "mfa-webauthn-list")

    page.get_by_role("banner").get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"/accounts/login/"))
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    look(page, "mfa-login-with-passkey")
    page.get_by_role("button", name="Sign in with a passkey").click()
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/people/")
    expect(page.get_by_role("heading", level=1)).to_have_text("People")


def test_a_person_with_an_authenticator_app_enters_its_code(
    page: Page, live_server: object, mentee: User
) -> None:
    base = live_server.url  # type: ignore[attr-defined]
    with_totp(mentee)
    page.goto(f"{base}/accounts/login/")
    page.get_by_label(re.compile("e-?mail", re.I)).first.fill(mentee.email)
    page.get_by_label(re.compile("^password", re.I)).fill(PASSWORD)
    page.get_by_role("button", name=re.compile("^sign in$", re.I)).click()
    expect(page).to_have_url(f"{base}/accounts/2fa/authenticate/")
    page.locator("input[name=code]").fill("000000")
    page.get_by_role("button", name=re.compile("^sign in$", re.I)).click()
    expect(page.locator("#id_code_error")).to_contain_text("That code is not right")
    look(page, "mfa-authenticate-wrong-code")
    page.locator("input[name=code]").fill(totp_code(mentee))
    page.get_by_role("button", name=re.compile("^sign in$", re.I)).click()
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/people/settings/email/")
    expect(page.get_by_text("Two-step sign-in is on")).to_be_visible()
