"""Forms for what a manager may suggest to a direct report: a program, a focus."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import formats
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from people.models import User
from programs.models import FocusSuggestion, Nomination, Program


class _ProgramChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Program) -> str:
        closes = formats.date_format(obj.enrolment_closes, "DATE_FORMAT")
        return _("%(name)s (enrolment closes %(date)s)") % {"name": obj.name, "date": closes}


class NominationForm(forms.Form):
    program = _ProgramChoiceField(
        label=_("Program"), queryset=Program.objects.none(), widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=Nomination._meta.get_field("note").max_length,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(
        self,
        *args: Any,
        report: User,
        open_programs: QuerySet[Program],
        offered: Sequence[Program],
        **kwargs: Any,
    ) -> None:
        """``open_programs`` decides what is accepted; ``offered`` is what is shown.

        Accepting every open program lets the service explain a second nomination
        ("already nominated") instead of a bare "not a valid choice".
        """
        super().__init__(*args, **kwargs)
        name = report.get_short_name()
        program = self.fields["program"]
        program.queryset = open_programs  # type: ignore[attr-defined]
        program.widget.choices = [
            (p.pk, program.label_from_instance(p))  # type: ignore[attr-defined]
            for p in offered
        ]
        program.error_messages = {
            "required": _("Choose a program."),
            # Django fills in %(value)s afterwards, so a "%" in a name must be escaped.
            "invalid_choice": _("Choose a program that is open to %(name)s right now.")
            % {"name": name.replace("%", "%%")},
        }
        self.fields["note"].label = _("Note to %(name)s") % {"name": name}
        # Help text is rendered as HTML (includes/field.html), so the name is escaped.
        self.fields["note"].help_text = _("Your note is only shown to %(name)s.") % {
            "name": escape(name)
        }


class FocusSuggestionForm(forms.Form):
    text = forms.CharField(
        label=_("Areas you might explore with your mentor"),
        max_length=FocusSuggestion._meta.get_field("text").max_length,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Write a suggestion first.")},
    )

    def __init__(self, *args: Any, report: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["text"].help_text = _(
            "For example: skills to grow, situations to practise, people to learn from. "
            "Only %(name)s sees this."
        ) % {"name": escape(report.get_short_name())}
