"""Demo check-ins: the cohort program's mid-program survey, open, with enough answers
for HR to see released results, and a few pulses about the pairs' past meetings.

The featured pair (the README's mentee and mentor) is left to answer for themselves."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from django.utils import timezone

from checkins.models import Survey, SurveyQuestion
from checkins.services import pulse_answer, survey_answer, survey_save
from matching.membership import members
from matching.models import Pair
from meetings.models import Meeting
from programs.models import Program

SURVEY_KEYS = ("useful", "pair_fit", "cadence", "progress", "recommend")
# Answers per person, by question key, cycled: varied enough to make a readable chart.
PATTERN = {
    "useful": (4, 5, 3, 4, 5, 4, 2, 4, 5, 3),
    "pair_fit": (5, 4, 4, 5, 3, 5, 4, 4, 5, 4),
    "cadence": (1, 1, 0, 1, 1, 2, 1, 0, 1, 1),
    "progress": (0, 0, 1, 0, 2, 0, 1, 0, 0, 1),
    "recommend": (9, 10, 7, 8, 9, 10, 6, 9, 8, 10),
}
SURVEY_ANSWERS = 10  # two steps of five: HR sees results
PULSE_ANSWERS = 6


def checkins_seed(*, program: Program, skip_people: Collection[int] = ()) -> tuple[int, int]:
    """Open the program's mid-program survey and answer it for the first people of its
    pairs; returns (survey answers, pulse answers)."""
    now = timezone.now()
    survey = survey_save(
        program=program,
        kind=Survey.Kind.MID,
        opens_at=now - dt.timedelta(days=7),
        closes_at=now + dt.timedelta(days=21),
        keys=SURVEY_KEYS,
    )
    questions = list(SurveyQuestion.objects.filter(survey=survey))
    pairs = list(Pair.objects.filter(program=program).order_by("pk"))
    people = list(
        {p.pk: p for pair in pairs for p in members(pair) if p.pk not in skip_people}.values()
    )  # a mentor of two mentees answers once
    answered = 0
    for i, person in enumerate(people[:SURVEY_ANSWERS]):
        values = {q.pk: PATTERN[q.key][i % len(PATTERN[q.key])] for q in questions}
        survey_answer(survey=survey, person=person, values=values)
        answered += 1
    pulses = 0
    for i, pair in enumerate(pairs):
        meeting = (
            Meeting.objects.filter(pair=pair, status=Meeting.Status.SCHEDULED, end__lte=now)
            .order_by("-end")
            .first()
        )
        person = pair.mentee.person
        if meeting is None or person.pk in skip_people or pulses >= PULSE_ANSWERS:
            continue
        pulse_answer(
            meeting=meeting,
            person=person,
            useful=PATTERN["useful"][i % 10],
            progress=PATTERN["progress"][i % 10],
        )
        pulses += 1
    return answered, pulses
