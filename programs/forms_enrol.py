"""The enrolment form: one class, worded for the role (mentee or mentor)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundWidget
from django.utils.translation import gettext_lazy as _

from lib.widgets import CheckboxGroup, RadioGroup
from programs.models import (
    AVAILABILITY_SLOTS,
    DAY_PARTS,
    MENTORING_LANGUAGES,
    WEEKDAYS,
    Enrolment,
    Program,
    Skill,
)

LANGUAGE_CODES = {code for code, _label in MENTORING_LANGUAGES}


@dataclass(frozen=True)
class AvailabilityRow:
    day: str
    boxes: list[BoundWidget]


class EnrolmentForm(forms.Form):
    """Matching answers for one role. ``values()`` and ``skills()`` feed the services."""

    skills = forms.ModelMultipleChoiceField(
        queryset=Skill.objects.order_by("name"),
        widget=CheckboxGroup,
        required=False,
    )
    goals = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), max_length=2000)
    languages = forms.MultipleChoiceField(
        label=_("Languages you can meet in"),
        help_text=_("Choose every language you are comfortable talking in."),
        choices=MENTORING_LANGUAGES,
        widget=CheckboxGroup,
        error_messages={"required": _("Choose at least one language.")},
    )
    meeting_format = forms.ChoiceField(
        label=_("How would you like to meet?"),
        choices=Enrolment.MeetingFormat.choices,
        initial=Enrolment.MeetingFormat.EITHER,
        widget=RadioGroup,
    )
    availability = forms.MultipleChoiceField(
        label=_("When are you usually free to meet?"),
        choices=AVAILABILITY_SLOTS,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    years_experience = forms.IntegerField(
        label=_("Years of work experience"),
        help_text=_("All your working years, not only at this company."),
        min_value=0,
        max_value=60,
        error_messages={
            "required": _("Enter your years of work experience, for example 4."),
            "min_value": _("Enter a number from 0 to 60."),
            "max_value": _("Enter a number from 0 to 60."),
            "invalid": _("Enter a whole number, for example 4."),
        },
    )
    capacity = forms.IntegerField(
        label=_("How many mentees can you take?"),
        help_text=_("You will never be given more mentees than this in this program."),
        min_value=1,
        max_value=20,
        error_messages={
            "required": _("Enter how many mentees you can take, from 1 to 20."),
            "min_value": _("Enter a number from 1 to 20."),
            "max_value": _("Enter a number from 1 to 20."),
            "invalid": _("Enter a whole number from 1 to 20."),
        },
    )

    def __init__(
        self,
        *args: Any,
        role: str,
        program: Program,
        time_zone: str,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.role = role
        self.program = program
        self.time_zone = time_zone
        fields = self.fields
        if role == Enrolment.Role.MENTOR:
            fields["skills"].label = _("Skills you can offer")
            fields["goals"].label = _("What you'd like to offer as a mentor")
            fields["goals"].required = False
            fields["goals"].help_text = _(
                "HR and possible mentees read this to find you a good match. "
                "Your manager does not see it."
            )
            fields["capacity"].initial = program.default_capacity
        else:
            fields["skills"].label = _("Skills you want to grow")
            fields["goals"].label = _("Your development goals")
            fields["goals"].help_text = _(
                "HR and possible mentors read this to find you a good match. "
                "Your manager does not see it."
            )
            fields["goals"].error_messages["required"] = _(
                "Tell possible mentors what you would like to grow in."
            )
            del fields["capacity"]
        fields["availability"].help_text = _(
            "Tick each part of the week that usually works for you, in your time zone: %(zone)s."
        ) % {"zone": time_zone}

    @classmethod
    def initial_from(cls, enrolment: Enrolment) -> dict[str, Any]:
        """The saved answers, to pre-fill the form when editing."""
        return {
            "skills": [skill.pk for skill in enrolment.skills.all()],
            "goals": enrolment.goals,
            "languages": enrolment.languages,
            "meeting_format": enrolment.meeting_format,
            "availability": enrolment.availability,
            "years_experience": enrolment.years_experience,
            "capacity": enrolment.capacity,
        }

    def clean_languages(self) -> list[str]:
        chosen = [code for code in self.cleaned_data["languages"] if code in LANGUAGE_CODES]
        if not chosen:
            raise ValidationError(self.fields["languages"].error_messages["required"])
        return chosen

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        values = {
            "goals": data.get("goals", "").strip(),
            "languages": data["languages"],
            "meeting_format": data["meeting_format"],
            "availability": [
                slot for slot, _label in AVAILABILITY_SLOTS if slot in data["availability"]
            ],
            "years_experience": data["years_experience"],
        }
        if self.role == Enrolment.Role.MENTOR:
            values["capacity"] = data["capacity"]
        return values

    def chosen_skills(self) -> list[Skill]:
        return list(self.cleaned_data["skills"])

    def add_service_error(self, error: ValidationError) -> None:
        """A refusal from a service: field messages on their fields, the rest on top."""
        if hasattr(error, "error_dict"):
            for name, messages in error.message_dict.items():
                self.add_error(name if name in self.fields else None, messages)
        else:
            self.add_error(None, error)

    def availability_rows(self) -> list[AvailabilityRow]:
        """The weekly grid: one row per weekday, one box per part of the day."""
        boxes = {box.data["value"]: box for box in self["availability"]}
        return [
            AvailabilityRow(
                day=str(day_label), boxes=[boxes[f"{day}-{part}"] for part, _label in DAY_PARTS]
            )
            for day, day_label in WEEKDAYS
        ]

    @staticmethod
    def day_parts() -> list[str]:
        return [str(label) for _part, label in DAY_PARTS]
