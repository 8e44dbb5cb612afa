"""Step release: HR's numbers change only when a full step of new answers arrived."""

from __future__ import annotations

import pytest

from checkins.aggregates import program_results
from checkins.models import Release, SurveyQuestion
from checkins.services import program_threshold_set, pulse_answer, survey_answer
from tests.checkins.factories import cohort, held_meeting, new_program, open_survey

pytestmark = pytest.mark.django_db


def _answer_all(survey, person, useful: int, progress: int = 0, recommend: int = 9) -> None:
    values = {}
    for q in SurveyQuestion.objects.filter(survey=survey):
        values[q.pk] = {"useful": useful, "progress": progress, "recommend": recommend}[q.key]
    survey_answer(survey=survey, person=person, values=values)


def _useful(results):
    [survey] = results.surveys
    return None if survey.released is None else survey.released.questions[0]


def test_nothing_is_released_below_the_threshold() -> None:
    program = new_program()
    pairs = cohort(program, 3)
    survey = open_survey(program)
    for pair in pairs[:2]:
        _answer_all(survey, pair.mentee.person, 4)
        _answer_all(survey, pair.mentor.person, 4)
    assert _useful(program_results(program_id=program.pk)) is None
    assert not Release.objects.exists()


def test_five_answers_are_released_and_a_sixth_changes_nothing_until_five_more() -> None:
    program = new_program()
    people = [p for pair in cohort(program, 5) for p in (pair.mentee.person, pair.mentor.person)]
    survey = open_survey(program)
    for person in people[:5]:
        _answer_all(survey, person, 4)
    first = _useful(program_results(program_id=program.pk))
    assert first is not None
    assert (first.n, first.mean) == (5, 4.0)

    _answer_all(survey, people[5], 1)  # the sixth
    assert _useful(program_results(program_id=program.pk)) == first
    for person in people[6:9]:  # seventh to ninth
        _answer_all(survey, person, 1)
        assert _useful(program_results(program_id=program.pk)) == first

    _answer_all(survey, people[9], 1)  # the tenth: five new since the release
    second = _useful(program_results(program_id=program.pk))
    assert second is not None
    assert (second.n, second.mean) == (10, 2.5)


def test_a_changed_answer_waits_for_the_next_step() -> None:
    program = new_program()
    people = [p for pair in cohort(program, 3) for p in (pair.mentee.person, pair.mentor.person)]
    survey = open_survey(program)
    for person in people[:5]:
        _answer_all(survey, person, 4)
    released = _useful(program_results(program_id=program.pk))
    _answer_all(survey, people[0], 1)  # the owner changes their answer
    assert _useful(program_results(program_id=program.pk)) == released


def test_a_higher_threshold_sets_the_step() -> None:
    program = new_program()
    program_threshold_set(program=program, threshold=7)
    people = [p for pair in cohort(program, 4) for p in (pair.mentee.person, pair.mentor.person)]
    survey = open_survey(program)
    for person in people[:6]:
        _answer_all(survey, person, 3)
    assert _useful(program_results(program_id=program.pk)) is None
    _answer_all(survey, people[6], 3)
    assert _useful(program_results(program_id=program.pk)).n == 7


def test_the_pulse_is_released_in_steps_per_question() -> None:
    program = new_program()
    pairs = cohort(program, 5)
    meetings = [held_meeting(pair) for pair in pairs]
    people = [(m, p) for m, pair in zip(meetings, pairs, strict=True)
              for p in (pair.mentee.person, pair.mentor.person)]  # fmt: skip
    for meeting, person in people[:5]:
        pulse_answer(meeting=meeting, person=person, useful=5)
    pulse = program_results(program_id=program.pk).pulse
    assert pulse is not None
    useful, progress = pulse.questions
    assert (useful.n, useful.mean) == (5, 5.0)
    assert progress is None  # nobody answered it: not enough answers

    meeting, person = people[0]
    pulse_answer(meeting=meeting, person=person, progress=1)  # one progress answer
    assert program_results(program_id=program.pk).pulse.questions[1] is None
    pulse_answer(meeting=people[5][0], person=people[5][1], useful=1)  # a sixth useful
    assert program_results(program_id=program.pk).pulse.questions[0] == useful


def test_confidence_is_asked_before_and_now_for_each_chosen_skill() -> None:
    import datetime as dt

    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from checkins.services import survey_save
    from tests.programs.factories import SkillFactory

    program = new_program()
    skills = [SkillFactory(name="Negotiation"), SkillFactory(name="Public speaking")]
    now = timezone.now()
    window = {"opens_at": now - dt.timedelta(days=1), "closes_at": now + dt.timedelta(days=5)}
    with pytest.raises(ValidationError):
        survey_save(program=program, kind="end", keys=["confidence_after"], **window)
    survey = survey_save(
        program=program,
        kind="end",
        keys=["confidence_before", "confidence_after"],
        skills=skills,
        **window,
    )
    asked = list(survey.questions.values_list("key", "skill__name"))
    assert asked == [
        ("confidence_before", "Negotiation"),
        ("confidence_before", "Public speaking"),
        ("confidence_after", "Negotiation"),
        ("confidence_after", "Public speaking"),
    ]
    people = [p for pair in cohort(program, 3) for p in (pair.mentee.person, pair.mentor.person)]
    for person in people[:5]:
        values = {q.pk: 2 if q.key == "confidence_before" else 4 for q in survey.questions.all()}
        survey_answer(survey=survey, person=person, values=values)
    [end] = program_results(program_id=program.pk).surveys
    assert [(q.skill, q.mean) for q in end.released.questions] == [
        ("Negotiation", 2.0), ("Public speaking", 2.0), ("Negotiation", 4.0),
        ("Public speaking", 4.0),
    ]  # fmt: skip
