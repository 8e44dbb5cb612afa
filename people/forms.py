from __future__ import annotations

from django import forms
from django.http import HttpRequest
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from lib.widgets import DatalistInput
from people.models import User, language_choices
from people.zones import canonical_zone, canonical_zones


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


SEARCH_MAX = 100


class PeopleSearchForm(forms.Form):
    """The directory's search (GET); a search too long to be a name is reported, not run."""

    q = forms.CharField(
        label=_("Name, e-mail or department"),
        required=False,
        max_length=SEARCH_MAX,
        strip=True,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )

    def search(self) -> str:
        return self.cleaned_data.get("q", "") if self.is_valid() else ""


class EmailPreferencesForm(forms.Form):
    reminders = forms.BooleanField(
        label=_("Reminders before your mentoring meetings"), required=False
    )
    nudges = forms.BooleanField(
        label=_("Friendly nudges when your pair has not met for a while"), required=False
    )


def native_language_choices() -> list[tuple[str, str]]:
    """Each language in its own words ("Deutsch"), as language pickers do."""
    names = [(code, get_language_info(code)["name_local"]) for code, _name in language_choices()]
    return [(code, name[:1].upper() + name[1:]) for code, name in names]


class RegionalSettingsForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language"),
        choices=native_language_choices,
        help_text=_("Pages and e-mails are in this language."),
    )
    time_zone = forms.CharField(
        label=_("Time zone"),
        max_length=64,
        widget=DatalistInput(canonical_zones),
        help_text=_(
            "Meeting times are shown in this time zone, on every page and in e-mails. "
            "Type a city to search, for example Berlin or Singapore."
        ),
    )

    def clean_time_zone(self) -> str:
        """A current zone name; an old alias ("Asia/Calcutta") becomes its current name."""
        zone = canonical_zone(self.cleaned_data["time_zone"])
        if zone is None:
            raise forms.ValidationError(
                _("Choose a time zone from the list, for example Europe/Berlin."),
                code="unknown_zone",
            )
        return zone
