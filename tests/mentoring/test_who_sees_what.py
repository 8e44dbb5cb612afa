"""The "Who can see what" page must stay true to the access policy table and the privacy
table (docs/who-sees-what.md restates both; tests/mentoring/test_docs.py holds it to them)."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse

from mentoring.access_policy import AUDIENCE_LABELS, POLICIES
from mentoring.privacy_table import ROWS
from people.models import User
from tests.manager_view.helpers import client_for

pytestmark = pytest.mark.django_db

PAGE = reverse("who_sees_what")


@pytest.mark.parametrize("persona", ["mentee", "mentor", "manager", "hr_admin", "outsider"])
def test_everyone_signed_in_can_read_it(persona: str, personas: dict[str, User | None]) -> None:
    assert client_for(personas[persona]).get(PAGE).status_code == 200


def test_anonymous_visitors_are_sent_to_sign_in(db: None) -> None:
    response = client_for(None).get(PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_page_lists_every_policy_row_with_its_audience_and_nothing_else(
    outsider: User,
) -> None:
    body = client_for(outsider).get(PAGE).content.decode()
    shown = re.findall(r'data-route="([^"]+)" data-audience="([^"]+)"', body)
    expected = [(p.route, str(p.audience)) for p in POLICIES]
    assert sorted(shown) == sorted(expected)
    assert len(shown) == len(set(shown))
    for policy in POLICIES:
        assert html.escape(policy.shows) in body or policy.shows in body
    for audience in {p.audience for p in POLICIES}:
        assert html.escape(str(AUDIENCE_LABELS[audience])) in body


def test_the_page_states_the_data_table_in_plain_words(outsider: User) -> None:
    body = html.unescape(client_for(outsider).get(PAGE).content.decode())
    for row in ROWS:
        assert str(row.data) in body
        for _label, answer in row.cells:
            assert str(answer) in body


def test_the_footer_links_to_the_page(outsider: User) -> None:
    body = client_for(outsider).get(reverse("home")).content.decode()
    assert f'href="{PAGE}"' in body


def test_the_old_address_under_the_team_pages_leads_to_the_page(outsider: User) -> None:
    response = client_for(outsider).get("/team/who-can-see-what/")
    assert response.status_code == 301
    assert response["Location"] == PAGE
