"""Every write of check-ins: a person's own pulse and survey answers, HR's survey set-up.

Each answer is saved, and the program's released aggregates stepped if due
(``checkins.release``), in one transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from checkins.bank import BANK, CONFIDENCE_KEYS, PULSE_QUESTIONS
from checkins.models import (
    MIN_THRESHOLD,
    ProgramCheckins,
    PulseAnswer,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
)
from checkins.release import release_if_due
from checkins.selectors import is_program_member, meeting_was_held
from matching.membership import is_member
from meetings.models import Meeting
from people.models import User
from programs.models import Program, Skill


def program_threshold_set(*, program: Program, threshold: int) -> ProgramCheckins:
    if threshold < MIN_THRESHOLD:
        raise ValidationError(
            _("Results need at least %(min)s answers: a smaller group could reveal a person.")
            % {"min": MIN_THRESHOLD}
        )
    with transaction.atomic():
        settings, _created = ProgramCheckins.objects.select_for_update().get_or_create(
            program=program
        )
        settings.threshold = threshold
        settings.full_clean()
        settings.save(update_fields=["threshold"])
    return settings


def survey_save(
    *,
    program: Program,
    kind: str,
    opens_at: dt.datetime,
    closes_at: dt.datetime,
    keys: Sequence[str],
    skills: Sequence[Skill] = (),
) -> Survey:
    """Create or change the program's survey of this kind. Its questions are fixed once
    someone has answered: changing them would mix answers to different questions."""
    if closes_at <= opens_at:
        raise ValidationError(_("The survey must close after it opens."))
    unknown = [key for key in keys if key not in BANK]
    if unknown or not keys:
        raise ValidationError(_("Choose at least one question from the bank."))
    with transaction.atomic():
        survey, _created = Survey.objects.select_for_update().get_or_create(
            program=program, kind=kind, defaults={"opens_at": opens_at, "closes_at": closes_at}
        )
        survey.opens_at, survey.closes_at = opens_at, closes_at
        survey.save(update_fields=["opens_at", "closes_at"])
        wanted = _question_rows(keys, skills)
        have = list(SurveyQuestion.objects.filter(survey=survey).values_list("key", "skill_id"))
        if have != [(key, skill_id) for key, skill_id in wanted]:
            if SurveyResponse.objects.filter(survey=survey).exists():
                raise ValidationError(
                    _("People have answered already: the questions can no longer change.")
                )
            SurveyQuestion.objects.filter(survey=survey).delete()
            SurveyQuestion.objects.bulk_create(
                SurveyQuestion(survey=survey, key=key, skill_id=skill_id, position=i)
                for i, (key, skill_id) in enumerate(wanted)
            )
    return survey


def _question_rows(keys: Sequence[str], skills: Sequence[Skill]) -> list[tuple[str, int | None]]:
    rows: list[tuple[str, int | None]] = []
    for key in BANK:
        if key not in keys:
            continue
        if BANK[key].per_skill:
            rows += [(key, skill.pk) for skill in skills]
        else:
            rows.append((key, None))
    if any(key in CONFIDENCE_KEYS for key in keys) and not skills:
        raise ValidationError(_("Choose the skills to ask about confidence in."))
    return rows


def survey_answer(*, survey: Survey, person: User, values: Mapping[int, int]) -> SurveyResponse:
    """Save the person's answers (question id → value); theirs to change until it closes."""
    now = timezone.now()
    if not survey.is_open(now):
        raise ValidationError(_("This survey is not open, so answers cannot change."))
    if not is_program_member(program_id=survey.program_id, person=person):
        raise ValidationError(_("Only the people of the program's pairs answer its survey."))
    questions = {q.pk: q for q in SurveyQuestion.objects.filter(survey=survey)}
    if set(values) != set(questions):
        raise ValidationError(_("Please answer every question."))
    for question_id, value in values.items():
        if value not in BANK[questions[question_id].key].values():
            raise ValidationError(_("That is not one of the answers offered."))
    with transaction.atomic():
        response, _created = SurveyResponse.objects.get_or_create(survey=survey, person=person)
        response.save(update_fields=["updated_at"])
        for question_id, value in values.items():
            SurveyAnswer.objects.update_or_create(
                response=response, question_id=question_id, defaults={"value": value}
            )
        release_if_due(program_id=survey.program_id, survey=survey)
    return response


def pulse_answer(
    *, meeting: Meeting, person: User, useful: int | None = None, progress: int | None = None
) -> PulseAnswer:
    """Record one or both pulse answers about a held meeting; a question left out keeps its
    earlier answer, so one click per question (from the e-mail) adds up."""
    if not is_member(meeting.pair, person):
        raise ValidationError(_("Only the two people of the pair answer its pulse."))
    if not meeting_was_held(meeting):
        raise ValidationError(_("A pulse can be answered once the meeting has taken place."))
    given = {"useful": useful, "progress": progress}
    for key, value in given.items():
        if value is not None and value not in PULSE_QUESTIONS[key].values():
            raise ValidationError(_("That is not one of the answers offered."))
    if useful is None and progress is None:
        raise ValidationError(_("Choose an answer to at least one question."))
    with transaction.atomic():
        answer, _created = PulseAnswer.objects.select_for_update().get_or_create(
            meeting=meeting, person=person, defaults={"program_id": meeting.pair.program_id}
        )
        changed = [key for key, value in given.items() if value is not None]
        for key in changed:
            setattr(answer, key, given[key])
        answer.answered_at = timezone.now()
        answer.save(update_fields=[*changed, "answered_at"])
        release_if_due(program_id=meeting.pair.program_id, survey=None)
    return answer
