"""What an identity provider reads through SCIM: people and reporting lines, never
session content. The proof world's canaries (tests/privacy/world.py) sit in every content
field of three pairs; every SCIM answer about everyone in it holds none of them."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from people.models import User
from people.scim.services import scim_token_create
from tests.privacy.crawl import found
from tests.privacy.world import build_proof_world

pytestmark = pytest.mark.django_db


def test_scim_answers_carry_no_canary(personas: dict[str, User | None]) -> None:
    world = build_proof_world(personas, emails=False)
    _token, secret = scim_token_create(name="Entra ID")
    client = Client(headers={"Authorization": f"Bearer {secret}"})
    urls = [
        reverse("scim:users"),
        reverse("scim:service_provider_config"),
        reverse("scim:resource_types"),
        reverse("scim:schemas"),
        *(
            reverse("scim:user", kwargs={"scim_id": pk})
            for pk in User.objects.values_list("pk", flat=True)
        ),
    ]
    texts = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        texts[url] = response.content.decode()
    listed = json.loads(texts[reverse("scim:users")])
    assert listed["totalResults"] == User.objects.count() >= 6
    assert found(texts, world.every_canary()) == []
