"""The signed-in person of a request: one helper for every view."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory

from people.access import signed_in_person
from people.models import User


def test_the_signed_in_person_is_the_requests_user(mentee: User) -> None:
    request = RequestFactory().get("/")
    request.user = mentee
    assert signed_in_person(request) == mentee


def test_an_anonymous_request_is_refused_not_handed_on() -> None:
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    with pytest.raises(PermissionDenied):
        signed_in_person(request)
