from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from people.models import User

pytestmark = pytest.mark.django_db


def test_signed_in_pages_are_never_stored(client: Client, mentee: User) -> None:
    client.force_login(mentee)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_strict_content_security_policy_without_inline_scripts(client: Client) -> None:
    response = client.get(reverse("account_login"))
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp


def test_framing_and_referrer_are_locked_down(client: Client) -> None:
    response = client.get(reverse("account_login"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_pages_have_no_inline_script_or_style(client: Client, hr_admin: User) -> None:
    client.force_login(hr_admin)
    for url in (reverse("home"), reverse("people:import"), reverse("account_login")):
        html = client.get(url).content.decode()
        assert "<script>" not in html, url
        assert " style=" not in html, url
        assert "<style" not in html, url
