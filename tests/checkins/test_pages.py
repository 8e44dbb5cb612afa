"""The check-in pages: answering a pulse and a survey, HR's set-up and results."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from checkins.links import PulseChoice, pulse_token
from checkins.models import ProgramCheckins, PulseAnswer, Survey, SurveyQuestion, SurveyResponse
from checkins.services import survey_answer
from people.models import User
from tests.checkins.factories import cohort, held_meeting, new_program, open_survey, pair_in

pytestmark = pytest.mark.django_db


def _client(user: User | None = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def world(mentee: User, mentor: User) -> dict:
    program = new_program()
    pair = pair_in(program, mentee=mentee, mentor=mentor)
    return {"program": program, "pair": pair, "meeting": held_meeting(pair)}


def test_mentee_answers_the_pulse_in_the_app(world: dict, mentee: User) -> None:
    url = reverse("checkins:pulse", kwargs={"meeting_id": world["meeting"].pk})
    page = _client(mentee).get(url).content.decode()
    assert "Who sees your answers" in page
    response = _client(mentee).post(url, {"useful": "4"})
    assert response.status_code == 302
    answer = PulseAnswer.objects.get(person=mentee)
    assert (answer.useful, answer.progress) == (4, None)
    _client(mentee).post(url, {"progress": "1"})  # the other question, later
    answer.refresh_from_db()
    assert (answer.useful, answer.progress) == (4, 1)


def test_bad_pulse_input_changes_nothing(world: dict, mentee: User) -> None:
    url = reverse("checkins:pulse", kwargs={"meeting_id": world["meeting"].pk})
    for data in ({}, {"useful": "9"}, {"useful": "x"}, {"progress": "7"}):
        response = _client(mentee).post(url, data)
        assert response.status_code == 400
        assert 'class="error-summary' in response.content.decode() or "field-errors" in (
            response.content.decode()
        )
    assert not PulseAnswer.objects.exists()


def test_a_future_meeting_has_no_pulse_yet(world: dict, mentee: User) -> None:
    meeting = world["meeting"]
    meeting.start, meeting.end = (timezone.now() + dt.timedelta(days=1),) * 2
    meeting.end += dt.timedelta(hours=1)
    meeting.save()
    url = reverse("checkins:pulse", kwargs={"meeting_id": meeting.pk})
    assert "once the meeting has taken place" in _client(mentee).get(url).content.decode()
    assert _client(mentee).post(url, {"useful": "3"}).status_code == 400
    assert not PulseAnswer.objects.exists()


def test_the_email_link_asks_before_it_records(world: dict, mentee: User) -> None:
    token = pulse_token(PulseChoice(mentee.pk, world["meeting"].pk, "useful", 5))
    url = reverse("checkins:pulse_link", kwargs={"token": token})
    page = Client().get(url)  # a link scanner, signed in as nobody
    assert page.status_code == 200
    assert re.search(r'name="useful" value="5"[^>]*checked', page.content.decode())
    assert not PulseAnswer.objects.exists()
    client = Client()
    client.get(url)
    for _ in range(2):  # pressing twice records once
        assert client.post(url, {"useful": "5"}).status_code == 200
    assert PulseAnswer.objects.get(person=mentee).useful == 5


def test_a_changed_link_is_a_missing_page(world: dict, mentee: User) -> None:
    token = pulse_token(PulseChoice(mentee.pk, world["meeting"].pk, "useful", 5))
    url = reverse("checkins:pulse_link", kwargs={"token": token[:-2] + "xx"})
    assert Client().get(url).status_code == 404
    outsider_token = pulse_token(PulseChoice(987654, world["meeting"].pk, "useful", 5))
    assert Client().get(reverse("checkins:pulse_link", args=[outsider_token])).status_code == 404


def test_mentee_answers_and_changes_a_survey(world: dict, mentee: User) -> None:
    survey = open_survey(world["program"])
    questions = {q.key: q.pk for q in SurveyQuestion.objects.filter(survey=survey)}
    url = reverse("checkins:survey", kwargs={"survey_id": survey.pk})
    data = {f"q{questions['useful']}": "4", f"q{questions['progress']}": "0",
            f"q{questions['recommend']}": "9"}  # fmt: skip
    assert _client(mentee).post(url, data).status_code == 302
    assert _client(mentee).post(url, {**data, f"q{questions['useful']}": "2"}).status_code == 302
    page = _client(mentee).get(url).content.decode()
    assert re.search(rf'name="q{questions["useful"]}" value="2"[^>]*checked', page)
    assert SurveyResponse.objects.count() == 1


def test_a_closed_survey_keeps_its_answers(world: dict, mentee: User) -> None:
    survey = open_survey(world["program"], keys=("useful",))
    [question] = SurveyQuestion.objects.filter(survey=survey)
    survey_answer(survey=survey, person=mentee, values={question.pk: 4})
    Survey.objects.filter(pk=survey.pk).update(closes_at=timezone.now() - dt.timedelta(hours=1))
    url = reverse("checkins:survey", kwargs={"survey_id": survey.pk})
    response = _client(mentee).post(url, {f"q{question.pk}": "1"})
    assert response.status_code == 400
    assert "not open" in response.content.decode()
    assert SurveyResponse.objects.get().answers.get().value == 4


def test_incomplete_survey_answers_are_refused(world: dict, mentee: User) -> None:
    survey = open_survey(world["program"])
    url = reverse("checkins:survey", kwargs={"survey_id": survey.pk})
    response = _client(mentee).post(url, {})
    assert response.status_code == 400
    assert "Please choose an answer." in response.content.decode()
    assert not SurveyResponse.objects.exists()


def test_hr_sets_up_a_survey_and_the_threshold(world: dict, hr_admin: User) -> None:
    program = world["program"]
    url = reverse("checkins:hr_surveys", kwargs={"program_id": program.pk})
    page = _client(hr_admin).get(url).content.decode()
    assert "Why there is no free-text question" in page
    today = timezone.localdate()
    closes = today + dt.timedelta(days=14)
    response = _client(hr_admin).post(url, {
        "form": "mid", "mid-opens_on": str(today), "mid-closes_on": str(closes),
        "mid-keys": ["useful", "recommend"],
    })  # fmt: skip
    assert response.status_code == 302
    survey = Survey.objects.get(program=program)
    assert list(survey.questions.values_list("key", flat=True)) == ["useful", "recommend"]
    refused = _client(hr_admin).post(url, {"form": "threshold", "threshold": "4"})
    assert refused.status_code == 400
    assert "At least 5" in refused.content.decode()
    assert not ProgramCheckins.objects.filter(threshold=4).exists()
    assert _client(hr_admin).post(url, {"form": "threshold", "threshold": "8"}).status_code == 302
    assert ProgramCheckins.objects.get(program=program).threshold == 8


def test_hr_cannot_change_questions_once_answered(
    world: dict, hr_admin: User, mentee: User
) -> None:
    program = world["program"]
    survey = open_survey(program, keys=("useful",))
    [question] = SurveyQuestion.objects.filter(survey=survey)
    survey_answer(survey=survey, person=mentee, values={question.pk: 4})
    url = reverse("checkins:hr_surveys", kwargs={"program_id": program.pk})
    today = timezone.localdate()
    closes = today + dt.timedelta(days=3)
    response = _client(hr_admin).post(url, {
        "form": "mid", "mid-opens_on": str(today), "mid-closes_on": str(closes),
        "mid-keys": ["recommend"],
    })  # fmt: skip
    assert response.status_code == 400
    assert "can no longer change" in response.content.decode()
    assert list(survey.questions.values_list("key", flat=True)) == ["useful"]


def test_dates_in_the_wrong_order_are_refused(world: dict, hr_admin: User) -> None:
    url = reverse("checkins:hr_surveys", kwargs={"program_id": world["program"].pk})
    today = timezone.localdate()
    response = _client(hr_admin).post(url, {
        "form": "end", "end-opens_on": str(today), "end-closes_on": str(today),
        "end-keys": ["useful"],
    })  # fmt: skip
    assert response.status_code == 400
    assert "must close after it opens" in response.content.decode()
    assert not Survey.objects.exists()


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def _answer(survey: Survey, people: list[User]) -> None:
    questions = list(SurveyQuestion.objects.filter(survey=survey))
    for i, person in enumerate(people):
        survey_answer(
            survey=survey,
            person=person,
            values={q.pk: {"useful": 1 + i % 5, "progress": i % 3, "recommend": i % 11}[q.key]
                    for q in questions},
        )  # fmt: skip


def test_the_results_page_runs_the_same_queries_at_two_sizes(hr_admin: User) -> None:
    counts = []
    for size in (3, 12):
        program = new_program()
        pairs = cohort(program, size)
        survey = open_survey(program)
        open_survey(program, kind=Survey.Kind.END)
        _answer(survey, [p for pair in pairs for p in (pair.mentee.person, pair.mentor.person)])
        results = reverse("hr_view:survey_results", kwargs={"program_id": program.pk})
        counts.append(_queries(_client(hr_admin), results))
        assert "results-table" in _client(hr_admin).get(results).content.decode()
    assert counts[0] == counts[1]


def test_own_checkins_run_the_same_queries_at_two_sizes(mentee: User, mentor: User) -> None:
    program = new_program()
    pair = pair_in(program, mentee=mentee, mentor=mentor)
    open_survey(program)
    held_meeting(pair, days_ago=1)
    mine = reverse("checkins:mine")
    few = _queries(_client(mentee), mine)
    for days in range(2, 8):
        held_meeting(pair, days_ago=days)
    open_survey(program, kind=Survey.Kind.END)
    assert _queries(_client(mentee), mine) == few
