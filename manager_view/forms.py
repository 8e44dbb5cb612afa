"""The date window of the team page."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class WindowForm(forms.Form):
    start = forms.DateField(
        required=False,
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": _("Enter the start date as YYYY-MM-DD, e.g. 2026-03-02.")},
    )
