"""Notifications and check-in answers are part of a person's own data: in their archive,
worded as they read them, and gone when they are erased (HR's released totals stay)."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.utils import timezone

from checkins.models import PulseAnswer, Release, SurveyAnswer, SurveyQuestion
from checkins.services import pulse_answer, survey_answer
from lib.personal_data import registrations
from notifications.models import Notification
from people.archive import archive_bytes
from people.own_data import person_erase
from programs.services import program_invite
from tests.checkins.factories import held_meeting, open_survey, pair_in
from tests.factories import UserFactory, make_hr_admin
from tests.programs.factories import ProgramFactory

pytestmark = pytest.mark.django_db


def archive_data(person):  # type: ignore[no-untyped-def]
    raw = archive_bytes(person, now=timezone.now())
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        return json.loads(archive.read("data.json"))


def _answered_pair():  # type: ignore[no-untyped-def]
    program = ProgramFactory()
    pair = pair_in(program)
    mentee = pair.mentee.person
    survey = open_survey(program)
    questions = SurveyQuestion.objects.filter(survey=survey).order_by("position")
    survey_answer(survey=survey, person=mentee, values={q.pk: 1 for q in questions})
    pulse_answer(meeting=held_meeting(pair), person=mentee, useful=4, progress=1)
    invited_to = ProgramFactory(name="Leadership circle")
    program_invite(
        program=invited_to, emails=[mentee.email], invited_by=make_hr_admin(UserFactory())
    )
    return pair, mentee


def test_the_archive_holds_the_persons_notifications_and_check_in_answers() -> None:
    pair, mentee = _answered_pair()
    assert Notification.objects.filter(recipient=mentee).exists()  # the invitation

    data = archive_data(mentee)

    assert {r.key for r in registrations()} >= {"notifications", "checkins"}
    texts = [row["text"] for row in data["notifications"]["notifications"]]
    assert any("Leadership circle" in text for text in texts)
    [pulse] = data["checkins"]["pulse_answers"]
    assert (pulse["useful"], pulse["progress"]) == ("4", "Not yet")
    questions = [row["question"] for row in data["checkins"]["survey_answers"]]
    assert "How useful is the program for you so far?" in questions
    other = archive_data(pair.mentor.person)
    assert other["checkins"] == {"survey_answers": [], "pulse_answers": []}


def test_erasure_deletes_the_answers_and_notifications_and_keeps_released_totals() -> None:
    _pair, mentee = _answered_pair()
    releases = list(Release.objects.values_list("pk", "results"))

    person_erase(person=mentee, by=make_hr_admin(UserFactory()))

    assert not PulseAnswer.objects.filter(person_id=mentee.pk).exists()
    assert not SurveyAnswer.objects.filter(response__person_id=mentee.pk).exists()
    assert not Notification.objects.filter(recipient_id=mentee.pk).exists()
    assert list(Release.objects.values_list("pk", "results")) == releases
