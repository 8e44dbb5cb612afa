"""SCIM answers run a fixed number of queries, however many people there are, and a
list is a window of at most 200 Users."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from people.models import User
from people.scim.services import scim_token_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _queries(client: Client, url: str) -> tuple[int, dict[str, object]]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(captured), json.loads(response.content)


def _grow(count: int) -> None:
    managers = UserFactory.create_batch(2)
    for index in range(count):
        UserFactory(manager=managers[index % 2])


def test_list_and_get_run_fixed_queries_at_two_sizes() -> None:
    _token, secret = scim_token_create(name="Entra ID")
    client = Client(headers={"Authorization": f"Bearer {secret}"})
    _grow(3)
    someone = User.objects.filter(manager__isnull=False).first()
    assert someone is not None
    user_url = reverse("scim:user", kwargs={"scim_id": someone.pk})
    small_list, small = _queries(client, reverse("scim:users"))
    small_get, _body = _queries(client, user_url)
    assert small["itemsPerPage"] == User.objects.count()
    _grow(230)
    large_list, large = _queries(client, reverse("scim:users"))
    large_get, _body = _queries(client, user_url)
    assert large_list == small_list <= 3  # the token, the count, the window
    assert large_get == small_get <= 2
    assert large["totalResults"] == User.objects.count() > 200
    assert large["itemsPerPage"] == len(large["Resources"]) == 200  # type: ignore[arg-type]
