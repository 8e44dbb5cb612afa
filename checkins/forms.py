"""Thin forms for check-ins: they parse; the services decide. Every answer is a choice
from a fixed scale: there is no free-text field anywhere in this app."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from checkins.bank import BANK, PULSE_PROGRESS, PULSE_USEFUL, RATING_HINT, BankQuestion
from checkins.models import MIN_THRESHOLD, SurveyQuestion
from lib.widgets import CheckboxGroup, RadioGroup
from programs.models import Skill


def _choices(question: BankQuestion) -> list[tuple[str, str]]:
    return [(str(value), question.label(value)) for value in question.values()]


class PulseForm(forms.Form):
    useful = forms.TypedChoiceField(
        label=PULSE_USEFUL.text,
        help_text=RATING_HINT,
        choices=_choices(PULSE_USEFUL),
        coerce=int,
        empty_value=None,
        required=False,
        widget=RadioGroup,
    )
    progress = forms.TypedChoiceField(
        label=PULSE_PROGRESS.text,
        choices=_choices(PULSE_PROGRESS),
        coerce=int,
        empty_value=None,
        required=False,
        widget=RadioGroup,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("useful") is None and data.get("progress") is None:
            raise forms.ValidationError(_("Choose an answer to at least one question."))
        return data


class SurveyForm(forms.Form):
    """One radio group per question, named by the question's id."""

    def __init__(self, *args: Any, questions: Sequence[SurveyQuestion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for question in self.questions:
            bank = BANK[question.key]
            label = f"{bank.text} — {question.skill.name}" if question.skill else bank.text
            self.fields[f"q{question.pk}"] = forms.TypedChoiceField(
                label=label,
                help_text=RATING_HINT if bank.scale == "rating" else "",
                choices=_choices(bank),
                coerce=int,
                widget=RadioGroup,
                error_messages={"required": _("Please choose an answer.")},
            )

    def values(self) -> dict[int, int]:
        return {q.pk: self.cleaned_data[f"q{q.pk}"] for q in self.questions}


class SurveySetupForm(forms.Form):
    opens_on = forms.DateField(
        label=_("Opens on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    closes_on = forms.DateField(
        label=_("Closes on"),
        help_text=_("It closes at the start of this day; answers can change until then."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    keys = forms.MultipleChoiceField(
        label=_("Questions"),
        choices=[(key, q.text) for key, q in BANK.items()],
        widget=CheckboxGroup,
        error_messages={"required": _("Choose at least one question from the bank.")},
    )
    skills = forms.ModelMultipleChoiceField(
        label=_("Skills for the confidence questions"),
        queryset=Skill.objects.none(),
        required=False,
        widget=CheckboxGroup,
    )

    def __init__(self, *args: Any, skills: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["skills"].queryset = skills  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        opens, closes = data.get("opens_on"), data.get("closes_on")
        if opens and closes and closes <= opens:
            self.add_error("closes_on", _("The survey must close after it opens."))
        return data

    @staticmethod
    def moment(day: dt.date) -> dt.datetime:
        """The start of the day on the HR admin's clock."""
        return timezone.make_aware(dt.datetime.combine(day, dt.time()))


class ThresholdForm(forms.Form):
    threshold = forms.IntegerField(
        label=_("Answers needed before HR sees results"),
        min_value=MIN_THRESHOLD,
        max_value=1000,
        help_text=_("At least 5. Results appear, and change, only in steps of this many answers."),
        error_messages={
            "min_value": _("At least 5: a smaller group could reveal a person's answer."),
        },
    )
