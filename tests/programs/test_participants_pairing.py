"""The participant list says who is matched and who still waits for a mentor."""

from __future__ import annotations

import re

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from matching.models import Pair
from matching.services import pair_create, pair_end
from people.models import User
from programs.models import Enrolment, Program
from programs.services import enrolment_withdraw
from tests.factories import UserFactory
from tests.programs.factories import ProgramFactory, enrol
from tests.programs.test_participants import count_queries

pytestmark = pytest.mark.django_db


def _as(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _url(program: Program) -> str:
    return reverse("hr_view:participants", kwargs={"program_id": program.pk})


def _pair_cells(html: str) -> dict[str, str]:
    """Each row's name and the text of its Pair cell, tags and spacing stripped."""
    rows = re.findall(
        r'participant-name"[^>]*>\s*<div>\s*([^<]+?)\s*<.*?data-label="Pair">(.*?)</td>',
        html,
        re.S,
    )
    return {name: " ".join(re.sub(r"<[^>]+>", " ", cell).split()) for name, cell in rows}


def _pair(mentee: Enrolment, mentor: Enrolment) -> Pair:
    with transaction.atomic():
        return pair_create(mentee=mentee, mentor=mentor, origin=Pair.Origin.MANUAL)


def test_each_row_says_whom_it_is_matched_with_or_that_it_waits(
    hr_admin: User, mentee: User, mentor: User, outsider: User
) -> None:
    program = ProgramFactory(name="Leaders 2027")
    seat = enrol(program, mentor, role=Enrolment.Role.MENTOR, capacity=2)
    _pair(enrol(program, mentee), seat)
    enrol(program, outsider)  # a mentee without a mentor
    enrol(program, UserFactory(full_name="Mo Free"), role=Enrolment.Role.MENTOR)
    gone = enrol(program, UserFactory(full_name="Wes Withdrawn"))
    enrolment_withdraw(enrolment=gone)
    ended = _pair(enrol(program, UserFactory(full_name="Ela Ended")), seat)
    pair_end(pair=ended)

    cells = _pair_cells(_as(hr_admin).get(_url(program)).content.decode())
    assert cells == {
        "Ela Ended": "Without a mentor",
        "Ezra Mentee": "Matched with Olu Mentor",
        "Mo Free": "No mentee yet",
        "Olu Mentor": "Matched with Ezra Mentee",
        "Otto Outsider": "Without a mentor",
        "Wes Withdrawn": "Not taking part",
    }


def test_the_list_runs_the_same_queries_for_3_and_30_pairs(hr_admin: User) -> None:
    program = ProgramFactory()
    client = _as(hr_admin)

    def pairs(count: int) -> None:
        for _ in range(count):
            _pair(enrol(program, UserFactory()), enrol(program, UserFactory(), role="mentor"))

    pairs(3)
    few = count_queries(client, _url(program))
    pairs(27)
    assert count_queries(client, _url(program)) == few
