"""Reads for the person who answers: only their own answers, never anyone else's."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from checkins.models import PulseAnswer, Survey, SurveyAnswer, SurveyQuestion, SurveyResponse
from matching.membership import member_q, member_related, pairs_of
from meetings.models import Meeting
from people.models import User

PULSE_DAYS = 30  # how long after a meeting its pulse is offered in the app
MY_PULSES_MAX = 20


def meeting_was_held(meeting: Meeting, now: dt.datetime | None = None) -> bool:
    return meeting.status == Meeting.Status.SCHEDULED and meeting.end <= (now or timezone.now())


def is_program_member(*, program_id: int, person: User) -> bool:
    return pairs_of(person).filter(program_id=program_id).exists()


def surveys_of(person: User) -> QuerySet[Survey]:
    """Surveys of the programs the person is or was in a pair of."""
    program_ids = pairs_of(person).values("program_id")
    return Survey.objects.filter(program_id__in=program_ids).select_related("program")


def own_survey_values(*, survey: Survey, person: User) -> dict[int, int]:
    return dict(
        SurveyAnswer.objects.filter(response__survey=survey, response__person=person).values_list(
            "question_id", "value"
        )
    )


def survey_questions(survey: Survey) -> list[SurveyQuestion]:
    return list(SurveyQuestion.objects.filter(survey=survey).select_related("skill"))


def own_pulse(*, meeting: Meeting, person: User) -> PulseAnswer | None:
    return PulseAnswer.objects.filter(meeting=meeting, person=person).first()


@dataclass(frozen=True)
class MyCheckins:
    open_surveys: list[tuple[Survey, bool]]  # (survey, answered already)
    pulses: list[tuple[Meeting, PulseAnswer | None]]  # recent held meetings


def my_checkins(*, person: User, now: dt.datetime | None = None) -> MyCheckins:
    now = now or timezone.now()
    surveys = list(surveys_of(person).filter(opens_at__lte=now, closes_at__gt=now))
    answered = set(
        SurveyResponse.objects.filter(person=person, survey__in=surveys).values_list(
            "survey_id", flat=True
        )
    )
    meetings = list(
        Meeting.objects.filter(
            member_q(person, "pair__"),
            status=Meeting.Status.SCHEDULED,
            end__lte=now,
            end__gt=now - dt.timedelta(days=PULSE_DAYS),
        )
        .select_related("pair__program", *member_related("pair__"))
        .order_by("-end")[:MY_PULSES_MAX]
    )
    pulses = {
        p.meeting_id: p for p in PulseAnswer.objects.filter(person=person, meeting__in=meetings)
    }
    return MyCheckins(
        open_surveys=[(s, s.pk in answered) for s in surveys],
        pulses=[(m, pulses.get(m.pk)) for m in meetings],
    )
