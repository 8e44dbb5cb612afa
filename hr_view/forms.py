from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from people.models import User


class EraseForm(forms.Form):
    """Erasing cannot be undone: HR types the person's e-mail address to confirm."""

    confirm = forms.CharField(
        label=_("Type their e-mail address to confirm"), max_length=254, strip=True
    )

    def __init__(self, *args: Any, person: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.person = person

    def clean_confirm(self) -> str:
        typed: str = self.cleaned_data["confirm"]
        if typed.lower() != self.person.email.lower():
            raise forms.ValidationError(_("That is not their e-mail address. Nothing was erased."))
        return typed
