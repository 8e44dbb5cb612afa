"""Second-step secrets stay with their owner: no HR, manager or operator page shows an
authenticator app's secret, a recovery code or a security key's name."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.test import Client
from django.urls import reverse

from people.models import User
from tests.factories import UserFactory, totp_secret, with_totp

pytestmark = pytest.mark.django_db

KEY_CANARY = "canary-key-name-5521"


def test_hr_manager_and_operator_pages_never_show_someone_elses_second_step(
    personas: dict[str, User | None],
) -> None:
    operator = with_totp(UserFactory(is_staff=True, is_superuser=True))
    mentee = personas["mentee"]
    assert mentee is not None
    with_totp(mentee)
    Authenticator.objects.create(
        user=mentee, type="webauthn", data={"name": KEY_CANARY, "credential": {}}
    )
    codes = RecoveryCodes(Authenticator.objects.get(user=mentee, type="recovery_codes"))
    secrets = [totp_secret(mentee), *codes.get_unused_codes()]
    pages = {
        "hr_admin": [
            reverse("hr_view:person", kwargs={"person_id": mentee.pk}),
            reverse("people:directory") + f"?q={mentee.email}",
        ],
        "manager": [reverse("people:team"), reverse("manager_view:team")],
    }
    for persona, urls in pages.items():
        client = Client()
        client.force_login(personas[persona])  # type: ignore[arg-type]
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            html = response.content.decode()
            assert mentee.full_name in html, f"{url} does not show the mentee at all"
            for secret in (*secrets, KEY_CANARY):
                assert secret not in html, f"{persona} sees a second-step secret at {url}"
    admin = Client()
    admin.force_login(operator)
    for url in (
        reverse("admin:people_user_change", args=[mentee.pk]),
        reverse("admin:mfa_authenticator_changelist"),
    ):
        response = admin.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert mentee.full_name in html
        for secret in secrets:
            assert secret not in html, url
