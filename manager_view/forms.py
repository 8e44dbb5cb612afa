"""What the team page reads from its address: the date window, the view, the list page."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

WEEK = "week"
LIST = "list"
# Far enough for any real plan, near enough that a window and its neighbours stay
# within what dates and time zones can represent.
EARLIEST_START = dt.date(1900, 1, 1)
LATEST_START = dt.date(2999, 12, 31)


class WindowForm(forms.Form):
    """Every field is optional and judged on its own: a bad value gets a message and its
    default, while the good ones still apply."""

    start = forms.DateField(
        required=False,
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": _("Enter the start date as YYYY-MM-DD, e.g. 2026-03-02.")},
    )
    view = forms.ChoiceField(
        required=False,
        choices=[(WEEK, _("Week view")), (LIST, _("By person"))],
        error_messages={
            "invalid_choice": _("There is no “%(value)s” view; showing the week view.")
        },
    )
    page = forms.IntegerField(
        required=False,
        min_value=1,
        error_messages={
            "invalid": _("Enter the page as a whole number; showing the first page."),
            "min_value": _("Pages start at 1; showing the first page."),
        },
    )

    def clean_start(self) -> dt.date | None:
        start: dt.date | None = self.cleaned_data["start"]
        if start is not None and not EARLIEST_START <= start <= LATEST_START:
            raise forms.ValidationError(
                _("Choose a start date between %(earliest)s and %(latest)s."),
                code="out_of_range",
                params={"earliest": EARLIEST_START.year, "latest": LATEST_START.year},
            )
        return start
