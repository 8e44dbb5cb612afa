"""HR admins' form for editing a run's proposals by hand."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from programs.models import Enrolment, Program


class EnrolmentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.person)


def _enrolled(program: Program, role: str) -> Any:
    return (
        Enrolment.objects.filter(program=program, role=role, status=Enrolment.Status.ACCEPTED)
        .select_related("person")
        .order_by("person__full_name", "pk")
    )


class ProposalSetForm(forms.Form):
    """Give a mentee a mentor: a new pair by hand, or another mentor than proposed."""

    mentee = EnrolmentChoiceField(
        label=_("Mentee"), queryset=Enrolment.objects.none(), empty_label=_("Choose a mentee")
    )
    mentor = EnrolmentChoiceField(
        label=_("Mentor"), queryset=Enrolment.objects.none(), empty_label=_("Choose a mentor")
    )

    def __init__(self, *args: Any, program: Program, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["mentee"].queryset = _enrolled(program, Enrolment.Role.MENTEE)  # type: ignore[attr-defined]
        self.fields["mentor"].queryset = _enrolled(program, Enrolment.Role.MENTOR)  # type: ignore[attr-defined]
