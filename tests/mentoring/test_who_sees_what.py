"""The "Who can see what" page must stay true to the access policy table and the privacy
table (docs/who-sees-what.md restates both; tests/mentoring/test_docs.py holds it to them)."""

from __future__ import annotations

import html

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import translation

from mentoring.access_policy import POLICIES
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


def test_the_page_shows_people_no_internal_route_names(outsider: User) -> None:
    """The route table is operators' documentation (docs/who-sees-what.md, held to the
    access policy by tests/mentoring/test_docs.py), not something to show every user."""
    body = client_for(outsider).get(PAGE).content.decode()
    assert [p.route for p in POLICIES if p.route in body] == []
    assert "data-route=" not in body
    assert "Page not found" in html.unescape(body)  # what an outsider meets, in words


def test_every_row_names_data_the_app_really_stores() -> None:
    for row in ROWS:
        assert row.stored, row.data
        for path in row.stored:
            app_label, model, field = path.split(".")
            apps.get_model(app_label, model)._meta.get_field(field)  # raises if it is not


def test_the_page_states_who_sees_check_in_answers(outsider: User) -> None:
    body = html.unescape(client_for(outsider).get(PAGE).content.decode())
    assert "Check-in survey answers" in body
    assert "released in steps so that no difference reveals one answer" in body


def test_the_page_reads_in_the_persons_language(outsider: User) -> None:
    User.objects.filter(pk=outsider.pk).update(language="de")
    client = client_for(outsider)
    body = html.unescape(client.get(PAGE, headers={"accept-language": "de"}).content.decode())
    with translation.override("de"):
        for row in ROWS:
            assert str(row.data) in body
    assert "Wer was sehen kann" in body or "Wer kann was sehen" in body


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
