from __future__ import annotations

from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from people.models import User


class SignupForm(forms.Form):
    """Extra fields for open sign-up (allauth calls ``signup`` after creating the user)."""

    full_name = forms.CharField(label=_("Full name"), max_length=200)

    def signup(self, request: HttpRequest, user: User) -> None:
        user.full_name = self.cleaned_data["full_name"]
        user.save(update_fields=["full_name"])


class PeopleImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("A .csv file saved as UTF-8, with the column names on the first line."),
    )
    send_invitations = forms.BooleanField(
        label=_("E-mail an invitation to people who are new"), required=False, initial=True
    )


class EmailPreferencesForm(forms.Form):
    reminders = forms.BooleanField(
        label=_("Reminders before your mentoring meetings"), required=False
    )
    nudges = forms.BooleanField(
        label=_("Friendly nudges when your pair has not met for a while"), required=False
    )
