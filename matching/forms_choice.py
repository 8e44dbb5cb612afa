"""Forms for mentees asking mentors and mentors answering."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

MESSAGE_LENGTH = 1000


class AskForm(forms.Form):
    message = forms.CharField(
        label=gettext_lazy("Message"),
        required=False,
        max_length=MESSAGE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, mentor_name: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["message"].label = _("Message to %(name)s") % {"name": mentor_name}
        self.fields["message"].help_text = _(
            "What you hope to work on together. Only %(name)s will see it."
        ) % {"name": mentor_name}


class AnswerForm(forms.Form):
    ACCEPT, DECLINE = "accept", "decline"

    decision = forms.ChoiceField(
        choices=[(ACCEPT, gettext_lazy("Accept")), (DECLINE, gettext_lazy("Decline"))]
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        required=False,
        max_length=MESSAGE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, mentee_name: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].help_text = _("Only %(name)s will see this.") % {"name": mentee_name}
