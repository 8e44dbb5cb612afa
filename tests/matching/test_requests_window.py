"""The requests page at size: open requests first, each list a page at a time."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from matching.models import MentorshipRequest
from matching.views_choice import REQUESTS_PER_PAGE
from people.models import User
from programs.models import Enrolment
from tests.factories import UserFactory
from tests.matching.test_selectors import ask, choice_program
from tests.programs.factories import enrol

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _asked_by(mentor: User, count: int, *, declined: int = 0) -> None:
    """``count`` mentees ask ``mentor``; the first ``declined`` of them were declined."""
    program = choice_program()
    theirs = enrol(program, mentor, role=Enrolment.Role.MENTOR, capacity=5)
    for n in range(count):
        status = (
            MentorshipRequest.Status.DECLINED if n < declined else MentorshipRequest.Status.OPEN
        )
        ask(enrol(program, UserFactory(full_name=f"Asker {n:03d}")), theirs, status=status)


def _cards(html: str) -> list[str]:
    return re.findall(r'<h3 class="card__title">(Asker \d+)</h3>', html)


def test_requests_to_a_mentor_are_paged_with_the_open_ones_first(mentor: User) -> None:
    _asked_by(mentor, REQUESTS_PER_PAGE + 5, declined=10)
    client = _client(mentor)
    first = client.get(reverse("matching:requests")).content.decode()
    assert len(_cards(first)) == REQUESTS_PER_PAGE
    assert first.count('name="decision" value="accept"') == REQUESTS_PER_PAGE + 5 - 10
    assert 'href="?received=2" rel="next"' in first
    second = client.get(reverse("matching:requests"), {"received": "2"}).content.decode()
    assert len(_cards(second)) == 5
    assert 'name="decision" value="accept"' not in second  # the declined ones come last
    assert set(_cards(first)).isdisjoint(_cards(second))


def test_requests_a_mentee_sent_are_paged(mentee: User) -> None:
    program = choice_program()
    mine = enrol(program, mentee)
    for n in range(REQUESTS_PER_PAGE + 3):
        mentor = enrol(program, UserFactory(full_name=f"Mentor {n:03d}"), role="mentor")
        ask(mine, mentor, status=MentorshipRequest.Status.DECLINED)
    client = _client(mentee)
    first = client.get(reverse("matching:requests")).content.decode()
    assert first.count('data-label="Mentor">Mentor ') == REQUESTS_PER_PAGE
    assert 'href="?sent=2" rel="next"' in first
    second = client.get(reverse("matching:requests"), {"sent": "2"}).content.decode()
    assert second.count('data-label="Mentor">Mentor ') == 3


def test_the_requests_page_runs_the_same_queries_at_5_and_60_requests(mentor: User) -> None:
    counts = []
    for size in (5, 55):
        _asked_by(mentor, size, declined=2)
        client = _client(mentor)
        client.get(reverse("matching:requests"))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("matching:requests")).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
