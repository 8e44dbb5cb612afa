"""HR's participant list at size: a page at a time, with a search by name."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from people.models import User
from programs.models import Enrolment, Program
from programs.views_participants import PER_PAGE
from tests.factories import UserFactory
from tests.programs.factories import ProgramFactory, enrol
from tests.programs.test_participants import count_queries, fill

pytestmark = pytest.mark.django_db


def _as(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _url(program: Program, **query: str) -> str:
    url = reverse("hr_view:participants", kwargs={"program_id": program.pk})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def _rows(html: str) -> int:
    return len(re.findall(r'<th scope="row" class="cell-primary participant-name"', html))


@pytest.fixture
def program(db: None) -> Program:
    return ProgramFactory(name="Company-wide")


@pytest.fixture
def named(program: Program) -> Program:
    for name, email in (
        ("Ada Lovelace", "ada@example.com"),
        ("Adam Smith", "adam@example.com"),
        ("Grace Hopper", "grace.h@example.com"),
        ("", "nameless.adaptor@example.com"),
    ):
        enrol(program, UserFactory(full_name=name, email=email))
    return program


def test_the_list_shows_one_page_at_a_time_and_counts_them_all(
    program: Program, hr_admin: User
) -> None:
    fill(program, PER_PAGE * 2 + 20)
    client = _as(hr_admin)
    first = client.get(_url(program)).content.decode()
    assert _rows(first) == PER_PAGE
    assert f"{PER_PAGE * 2 + 20} participants" in first
    assert 'href="?page=2" rel="next"' in first
    last = client.get(_url(program, page="3")).content.decode()
    assert _rows(last) == 20
    assert 'rel="next"' not in last
    assert 'href="?page=2" rel="prev"' in last
    assert _rows(client.get(_url(program, page="nonsense")).content.decode()) == PER_PAGE


def test_search_finds_part_of_a_name_or_address_whatever_the_case(
    named: Program, hr_admin: User
) -> None:
    client = _as(hr_admin)
    html = client.get(_url(named, name="ADA")).content.decode()
    assert "Ada Lovelace" in html
    assert "Adam Smith" in html
    assert "nameless.adaptor@example.com" in html  # found by the address
    assert "Grace Hopper" not in html
    assert "3 participants match the filters" in html
    assert 'value="ADA"' in html  # the box keeps what was typed
    assert "Grace Hopper" in client.get(_url(named, name="grace.h")).content.decode()


def test_search_and_filters_narrow_together_and_the_pages_keep_both(
    program: Program, hr_admin: User
) -> None:
    for n in range(PER_PAGE + 5):
        role = Enrolment.Role.MENTOR if n % 2 else Enrolment.Role.MENTEE
        enrol(program, UserFactory(full_name=f"Kim {n:03d}"), role=role)
    enrol(program, UserFactory(full_name="Lee Other"))
    html = _as(hr_admin).get(_url(program, name="kim")).content.decode()
    assert _rows(html) == PER_PAGE
    assert 'href="?name=kim&amp;page=2" rel="next"' in html
    assert "Lee Other" not in html
    mentors = _as(hr_admin).get(_url(program, name="kim", role="mentor")).content.decode()
    assert _rows(mentors) == (PER_PAGE + 5) // 2
    assert 'rel="next"' not in mentors


def test_a_search_nobody_matches_says_so(named: Program, hr_admin: User) -> None:
    html = _as(hr_admin).get(_url(named, name="zzz")).content.decode()
    assert "No participants match these filters" in html
    assert _rows(html) == 0


def test_a_search_too_long_is_reported_and_left_out(named: Program, hr_admin: User) -> None:
    response = _as(hr_admin).get(_url(named, name="a" * 101))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ensure this value has at most 100 characters" in html
    assert _rows(html) == 4


def test_the_export_takes_the_search_too(named: Program, hr_admin: User) -> None:
    url = reverse("programs:participants_export", kwargs={"program_id": named.pk})
    response = _as(hr_admin).get(url, {"name": "lovelace"})
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert b"Ada Lovelace" in body
    assert b"Adam Smith" not in body


def test_a_decision_returns_to_the_same_page_and_search(program: Program, hr_admin: User) -> None:
    approval = ProgramFactory(requires_approval=True)
    pending = enrol(approval, UserFactory(full_name="Pat Pending"), status="pending")
    list_url = _url(approval)
    decide = reverse(
        "programs:participant_decide",
        kwargs={"program_id": approval.pk, "enrolment_id": pending.pk},
    )
    response = _as(hr_admin).post(
        decide, {"decision": "approve", "next": f"{list_url}?name=pat&page=2&evil=1"}
    )
    assert response["Location"] == f"{list_url}?name=pat&page=2"


@pytest.mark.parametrize("query", [{}, {"name": "a", "page": "2"}], ids=["first", "searched"])
def test_the_list_runs_the_same_queries_for_60_and_300_participants(
    program: Program, hr_admin: User, query: dict[str, str]
) -> None:
    client = _as(hr_admin)
    fill(program, 60)
    few = count_queries(client, _url(program, **query))
    fill(program, 240)
    many = count_queries(client, _url(program, **query))
    assert few == many
