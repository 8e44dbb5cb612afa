"""Notifications carry no session content and nothing of another pair.

The proof world (``tests/privacy/world.py``) plants canaries in every content field, the
meeting place and a decline's reason; here a request's message and a nomination's note
carry canaries too. Every notification anyone got is then read by its recipient, in
English and German, on the list page: no canary. Managers and HR admins get only their
own notifications, and their list names none of the pairs' people.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from matching.services import pair_end, request_create
from matching.upkeep import requests_expire
from meetings.services import meeting_cancel
from notifications.models import Notification
from people.models import User
from programs.models import Enrolment, Program
from programs.services import nomination_create
from tests.factories import UserFactory
from tests.notifications.helpers import texts
from tests.privacy.world import OBSERVERS, build_proof_world
from tests.programs.factories import ProgramFactory, enrol

pytestmark = pytest.mark.django_db


def _list_page(person: User) -> str:
    client = Client()
    client.force_login(person)
    return client.get(reverse("notifications:list")).content.decode()


def test_no_notification_carries_content_or_another_pairs_details(
    personas: dict[str, User | None],
) -> None:
    world = build_proof_world(personas, emails=False)
    mentee, manager = personas["mentee"], personas["manager"]
    assert mentee is not None
    assert manager is not None
    note, message = "CANARY-nomination-note", "CANARY-request-message"
    nomination_create(
        manager=manager, report=mentee, program=ProgramFactory(name="Lead"), note=note
    )
    choice = ProgramFactory(name="Choose", matching_mode=Program.MatchingMode.CHOICE)
    chosen = enrol(choice, UserFactory(full_name="Cleo Choice"), role=Enrolment.Role.MENTOR)
    request_create(mentee=enrol(choice, mentee), mentor=chosen, message=message)
    canaries = (*world.every_canary(), note, message)

    rows = list(Notification.objects.select_related("recipient"))
    kinds = {row.kind for row in rows}
    assert {"meeting_planned", "request_declined", "nominated", "request_received"} <= kinds
    assert {"program_invited"} <= kinds
    for row in rows:
        assert not any(c in str(row.params) for c in canaries), row.kind
    for person in {row.recipient for row in rows}:
        for language in ("en", "de"):
            read = " ".join(texts(person, language, "Asia/Tokyo"))
            assert not [c for c in canaries if c in read], (person, language)
        page = _list_page(person)
        assert not [c for c in canaries if c in page], person

    people_of_pairs = {
        name
        for objects in world.pairs.values()
        for name in (objects.pair.mentee.person.full_name, objects.pair.mentor.person.full_name)
    }
    for name in OBSERVERS:
        observer = world.people[name]
        assert observer is not None
        mine = Notification.objects.filter(recipient=observer)
        assert set(mine.values_list("kind", flat=True)) == {"program_invited"}, name
        page = _list_page(observer)
        assert "Grow Together" in page  # their own invitation is there
        assert [n for n in people_of_pairs if n in page] == [], name
        assert not [c for c in canaries if c in page], name


def test_a_manager_is_not_told_about_a_reports_pair_or_meetings(
    personas: dict[str, User | None],
) -> None:
    """The report's meetings, requests and their pair's end are the pair's: the manager and
    HR get no notification of any of it."""
    world = build_proof_world(personas, emails=False)
    manager, hr_admin = personas["manager"], personas["hr_admin"]
    assert manager is not None
    assert hr_admin is not None
    before = Notification.objects.filter(recipient__in=[manager, hr_admin]).count()
    own = world.pairs["own"]
    meeting_cancel(meeting=own.meeting, by=own.pair.mentor.person)
    requests_expire(now=timezone.now() + dt.timedelta(days=30))
    pair_end(pair=own.pair)
    assert Notification.objects.filter(recipient__in=[manager, hr_admin]).count() == before
    told = set(
        Notification.objects.filter(recipient=own.pair.mentee.person).values_list("kind", flat=True)
    )
    assert {"meeting_cancelled", "pair_ended"} <= told  # the pair itself was told
