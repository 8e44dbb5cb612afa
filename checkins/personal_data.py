"""Check-ins' part of a person's own data: their survey and pulse answers. Erasing them
leaves HR's released totals as they were (a release holds no individual). Found by
``lib/personal_data.py``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from checkins.bank import BANK, PULSE_QUESTIONS
from checkins.models import PulseAnswer, SurveyAnswer, SurveyResponse
from lib.personal_data import ModelFields, Registration, Section, register, render_section
from people.models import User


def export(person: User) -> Section:
    survey_answers = [
        {
            "program": answer.response.survey.program.name,
            "survey": answer.response.survey.get_kind_display(),
            "question": str(BANK[answer.question.key].text)
            + (f" ({answer.question.skill.name})" if answer.question.skill else ""),
            "your_answer": BANK[answer.question.key].label(answer.value),
            "answered": answer.response.updated_at,
        }
        for answer in SurveyAnswer.objects.filter(response__person=person)
        .select_related("response__survey__program", "question__skill")
        .order_by("response__submitted_at", "question__position", "pk")
        if answer.question.key in BANK
    ]
    pulse_answers = [
        {
            "program": pulse.program.name,
            "meeting_start": pulse.meeting.start,
            "useful": PULSE_QUESTIONS["useful"].label(pulse.useful)
            if pulse.useful is not None
            else "",
            "progress": PULSE_QUESTIONS["progress"].label(pulse.progress)
            if pulse.progress is not None
            else "",
            "answered": pulse.answered_at,
        }
        for pulse in PulseAnswer.objects.filter(person=person)
        .select_related("program", "meeting")
        .order_by("answered_at", "pk")
    ]
    return render_section({"survey_answers": survey_answers, "pulse_answers": pulse_answers})


def erase(*, person: User, replacement: User) -> dict[str, int]:
    """The answers go; the totals HR was already shown stay (they name nobody)."""
    return {
        "pulse_answers": PulseAnswer.objects.filter(person=person).delete()[0],
        "survey_responses": SurveyResponse.objects.filter(person=person).delete()[0],
    }


register(
    Registration(
        key="checkins",
        title=_("Check-ins"),
        export=export,
        erase=erase,
        fields=(
            ModelFields(
                "checkins.SurveyResponse",
                ("person", "survey", "submitted_at", "updated_at"),
                _("That you answered a program survey, and when"),
            ),
            ModelFields(
                "checkins.SurveyAnswer",
                ("response", "question", "value"),
                _("Your survey answers (numbers on fixed scales, never text)"),
            ),
            ModelFields(
                "checkins.PulseAnswer",
                ("person", "meeting", "useful", "progress", "answered_at"),
                _("Your two answers after a meeting"),
            ),
        ),
    )
)
