"""Check-ins (issue 16): HR reads released aggregates only, and differencing fails.

- An automated HR admin reads the results page after every single answer while answers
  arrive one by one, and tries to recover each person's answer from the difference
  between two readings. With the step rule it learns nothing; without it (a release on
  every answer once the threshold is reached) the same attack recovers answers.
- The HR page never shows a number made of fewer than the threshold of answers, and
  serving it never reads an answer row (SQL capture).
- Managers and the counterpart reach no answer: their pages are the missing id's 404
  or carry none of the person's choices.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from checkins import release
from checkins.aggregates import program_results
from checkins.models import SurveyQuestion
from checkins.services import pulse_answer, survey_answer
from people.models import User
from tests.checkins.factories import cohort, held_meeting, new_program, open_survey, pair_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ANSWER_TABLES = ("checkins_surveyanswer", "checkins_surveyresponse", "checkins_pulseanswer")
# A distinctive pattern: person i answers (i % 5) + 1 and recommends 10 - (i % 11).
USEFUL = [(i % 5) + 1 for i in range(17)]
RECOMMEND = [10 - (i % 11) for i in range(17)]


def _readings_of_counts(program_id: int) -> dict[tuple[str, str], dict[str, int]]:
    """What HR can read, as (survey or pulse, question) → {answer label: count}."""
    seen: dict[tuple[str, str], dict[str, int]] = {}
    results = program_results(program_id=program_id)
    parts = [(s.kind, s.released) for s in results.surveys] + [("pulse", results.pulse)]
    for where, released in parts:
        for i, question in enumerate(released.questions if released else ()):
            if question is not None:
                seen[(where, str(i))] = {bar.label: bar.count for bar in question.bars}
    return seen


def _difference_attack(readings: list[dict], arrivals: list[int]) -> dict[int, dict]:
    """For each arrival, compare the readings before and after it: where a question's
    counts grew by exactly one answer, that answer is the newcomer's."""
    learnt: dict[int, dict] = {}
    for before, after, person in zip(readings, readings[1:], arrivals, strict=False):
        for key, counts in after.items():
            old = before.get(key, {})
            grown = {label: c - old.get(label, 0) for label, c in counts.items()}
            if sum(grown.values()) == 1 and all(v >= 0 for v in grown.values()):
                label = next(label for label, v in grown.items() if v == 1)
                learnt.setdefault(person, {})[key] = label
    return learnt


def _survey_scenario() -> tuple[dict[int, dict], dict[int, str]]:
    program = new_program()
    people = [p for pair in cohort(program, 9) for p in (pair.mentee.person, pair.mentor.person)]
    survey = open_survey(program, keys=("useful", "recommend"))
    useful_q, recommend_q = SurveyQuestion.objects.filter(survey=survey).order_by("position")
    readings, truth = [_readings_of_counts(program.pk)], {}
    for i, person in enumerate(people[:17]):
        survey_answer(
            survey=survey,
            person=person,
            values={useful_q.pk: USEFUL[i], recommend_q.pk: RECOMMEND[i]},
        )
        truth[i] = str(USEFUL[i])
        readings.append(_readings_of_counts(program.pk))
    return _difference_attack(readings, list(range(17))), truth


def _pulse_scenario() -> dict[int, dict]:
    program = new_program()
    pairs = cohort(program, 9)
    meetings = [held_meeting(pair) for pair in pairs]
    arrivals = [
        (meeting, person)
        for meeting, pair in zip(meetings, pairs, strict=True)
        for person in (pair.mentee.person, pair.mentor.person)
    ]
    readings = [_readings_of_counts(program.pk)]
    for i, (meeting, person) in enumerate(arrivals[:17]):
        pulse_answer(meeting=meeting, person=person, useful=USEFUL[i], progress=i % 3)
        readings.append(_readings_of_counts(program.pk))
    return _difference_attack(readings, list(range(17)))


@contextmanager
def _release_on_every_answer() -> Iterator[None]:
    """The rule taken away: once the threshold is reached, every answer is released."""
    stepped = release._stepped

    def eager(current, last, threshold):  # type: ignore[no-untyped-def]
        return stepped(current, [{**r, "n": 0} for r in last], threshold)

    release._stepped = eager  # type: ignore[assignment]
    try:
        yield
    finally:
        release._stepped = stepped  # type: ignore[assignment]


def test_reading_hr_results_after_every_answer_reveals_no_single_answer() -> None:
    learnt, _truth = _survey_scenario()
    assert learnt == {}
    assert _pulse_scenario() == {}


def test_the_attack_has_teeth_without_the_step_rule() -> None:
    with _release_on_every_answer():
        learnt, truth = _survey_scenario()
        pulse_learnt = _pulse_scenario()
    assert len(learnt) >= 10  # answers 6 to 17 each show up alone
    assert all(found[("mid", "0")] == truth[person] for person, found in learnt.items())
    assert len(pulse_learnt) >= 10


@pytest.fixture
def answered_world(mentee: User, mentor: User, manager: User, hr_admin: User) -> dict:
    program = new_program()
    pair = pair_in(program, mentee=mentee, mentor=mentor)
    others = cohort(program, 2)
    survey = open_survey(program, keys=("recommend",))
    [question] = SurveyQuestion.objects.filter(survey=survey)
    survey_answer(survey=survey, person=mentee, values={question.pk: 3})  # the canary: a 3
    for other in others[:1]:
        for person in (other.mentee.person, other.mentor.person):
            survey_answer(survey=survey, person=person, values={question.pk: 10})
    meeting = held_meeting(pair)
    pulse_answer(meeting=meeting, person=mentee, useful=2, progress=2)
    return {"program": program, "survey": survey, "meeting": meeting, "pair": pair}


def _page(user: User, name: str, **kwargs: object) -> tuple[int, str]:
    client = Client()
    client.force_login(user)
    response = client.get(reverse(name, kwargs=kwargs))
    return response.status_code, response.content.decode()


def test_hr_sees_no_number_below_the_threshold(answered_world: dict, hr_admin: User) -> None:
    status, html = _page(
        hr_admin, "hr_view:survey_results", program_id=answered_world["program"].pk
    )
    assert status == 200
    assert "Not enough answers yet" in html
    assert "results-table" not in html  # three answers: no distribution, no average
    assert not re.search(r"\b3 answers\b|average", html)
    for name in ("hr_view:report", "hr_view:report_csv"):  # the exports: not a number either
        status, text = _page(hr_admin, name, program_id=answered_world["program"].pk)
        assert status == 200
        assert "Mid-program survey" not in text
        assert not re.search(r"recommend|average|pulse|answers\b", text, re.IGNORECASE)


def test_serving_hr_results_never_reads_an_answer_row(answered_world: dict, hr_admin: User) -> None:
    program = answered_world["program"]
    for person in [UserFactory() for _ in range(2)]:
        pair = pair_in(program, mentee=person)
        [question] = SurveyQuestion.objects.filter(survey=answered_world["survey"])
        survey_answer(
            survey=answered_world["survey"], person=pair.mentee.person, values={question.pk: 7}
        )
    client = Client()
    client.force_login(hr_admin)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("hr_view:survey_results", kwargs={"program_id": program.pk}))
    assert response.status_code == 200
    assert "results-table" in response.content.decode()  # five answers: released
    sql = [q["sql"] for q in queries.captured_queries]
    assert any("checkins_release" in s for s in sql)
    assert [s for s in sql if any(table in s for table in ANSWER_TABLES)] == []
    for name in ("hr_view:report", "hr_view:report_csv"):  # the exports read releases too
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse(name, kwargs={"program_id": program.pk}))
        assert response.status_code == 200
        assert "Recommend score" in response.content.decode()  # five answers: released
        sql = [q["sql"] for q in queries.captured_queries]
        assert [s for s in sql if any(table in s for table in ANSWER_TABLES)] == []


def test_managers_and_the_counterpart_reach_no_answer(
    answered_world: dict, mentor: User, manager: User
) -> None:
    survey, meeting = answered_world["survey"], answered_world["meeting"]
    for name, kwargs in (
        ("checkins:survey", {"survey_id": survey.pk}),
        ("checkins:pulse", {"meeting_id": meeting.pk}),
    ):
        assert _page(manager, name, **kwargs)[0] == 404
        status, html = _page(mentor, name, **kwargs)  # the counterpart: their own form only
        assert status == 200
        assert "checked" not in html  # the mentee's choices are not theirs to see
    status, html = _page(manager, "checkins:mine")
    assert status == 200
    assert "checkins/surveys/" not in html


def test_the_person_sees_their_own_answer(answered_world: dict, mentee: User) -> None:
    status, html = _page(mentee, "checkins:survey", survey_id=answered_world["survey"].pk)
    assert status == 200
    assert re.search(r'value="3"[^>]*checked', html)
    status, html = _page(mentee, "checkins:pulse", meeting_id=answered_world["meeting"].pk)
    assert re.search(r'name="useful" value="2"[^>]*checked', html)
