"""Absolute links for e-mails and calendar files name the configured site, not a request."""

from __future__ import annotations

import pytest
from django.test import override_settings

from lib.links import absolute_url, site_host


@override_settings(BASE_URL="https://mentoring.example.org")
def test_an_absolute_url_is_the_route_on_the_configured_site() -> None:
    assert absolute_url("home") == "https://mentoring.example.org/"
    assert (
        absolute_url("meetings:pair", pair_id=7)
        == "https://mentoring.example.org/meetings/pairs/7/"
    )


@override_settings(BASE_URL="https://mentoring.example.org/")
def test_a_trailing_slash_on_the_site_address_does_not_double() -> None:
    assert absolute_url("matching:requests").startswith("https://mentoring.example.org/matching/")
    assert "//matching" not in absolute_url("matching:requests")


@pytest.mark.parametrize(
    ("base_url", "host"),
    [("https://mentoring.example.org:8443/x", "mentoring.example.org"), ("", "localhost")],
)
def test_the_site_host_names_calendar_event_ids(base_url: str, host: str) -> None:
    with override_settings(BASE_URL=base_url):
        assert site_host() == host
