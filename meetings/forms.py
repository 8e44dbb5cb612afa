"""Forms for planning meetings: wall-clock times in the person's own time zone."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from lib.widgets import RadioGroup
from meetings.calendar import one_line
from meetings.services import MAX_OCCURRENCES, When, plan_horizon, series_last_day

DURATIONS = [(30, _("30 minutes")), (45, _("45 minutes")), (60, _("1 hour")), (90, _("1½ hours"))]
MAX_REPEATS = MAX_OCCURRENCES


class OneLineField(forms.CharField):
    """Text that stays on one line (a place, a name): line breaks become spaces, other
    control characters go, so it cannot add lines to a plain-text e-mail or a calendar."""

    def to_python(self, value: Any) -> str:
        return one_line(super().to_python(value) or "")


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _time_input() -> forms.TimeInput:
    return forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class WhenForm(forms.Form):
    """A date, a time and a duration; ``fold`` only when the time happens twice."""

    day = forms.DateField(label=_("Date"), widget=_date_input())
    time = forms.TimeField(label=_("Time"), widget=_time_input())
    duration = forms.TypedChoiceField(
        label=_("Duration"), choices=DURATIONS, coerce=int, initial=60
    )
    fold = forms.TypedChoiceField(
        label=_("Which one do you mean?"),
        choices=[],
        coerce=int,
        required=False,
        empty_value=None,
        widget=RadioGroup,
    )

    def __init__(self, *args: Any, time_zone: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.time_zone = time_zone
        self.today = timezone.now().astimezone(zoneinfo.ZoneInfo(time_zone)).date()
        self.fields["time"].help_text = _("In your time zone, %(zone)s.") % {"zone": time_zone}
        self._fold_field().choices = [(0, "0"), (1, "1")]
        first, last = self.day_range()
        self.fields["day"].widget.attrs.update(min=first.isoformat(), max=last.isoformat())
        self.fields["day"].help_text = self.range_help(first, last)

    def day_range(self) -> tuple[dt.date, dt.date]:
        """The first and last date the form takes: from today up to the planning horizon."""
        return self.today, plan_horizon(self.today)

    def range_help(self, first: dt.date, last: dt.date) -> str:
        return _("From today up to two years ahead, %(last)s.") % {"last": date_format(last)}

    def day_out_of_range(self, day: dt.date, first: dt.date, last: dt.date) -> str:
        if day < first:
            return str(
                _(
                    "This date has passed. Choose a date from today on, or log a past "
                    "meeting instead."
                )
            )
        return _("Meetings can be planned up to two years ahead, until %(last)s.") % {
            "last": date_format(last)
        }

    def clean_day(self) -> dt.date:
        day: dt.date = self.cleaned_data["day"]
        first, last = self.day_range()
        if not first <= day <= last:
            raise forms.ValidationError(
                self.day_out_of_range(day, first, last), code="out_of_range"
            )
        return day

    def _fold_field(self) -> forms.TypedChoiceField:
        return cast(forms.TypedChoiceField, self.fields["fold"])

    def ask_fold(self, first: str, second: str) -> None:
        """The time happens twice: show the question with the two readings."""
        self._fold_field().choices = [(0, first), (1, second)]
        self.fields["fold"].required = True
        self.asking_fold = True

    @property
    def fold_hidden(self) -> bool:
        return not getattr(self, "asking_fold", False)

    def when(self) -> When:
        data = self.cleaned_data
        return When(
            day=data["day"],
            time=data["time"],
            duration=dt.timedelta(minutes=data["duration"]),
            time_zone=self.time_zone,
            fold=data.get("fold"),
        )


class ScheduleForm(WhenForm):
    NONE, WEEKLY = "none", "weekly"
    ENDS_COUNT, ENDS_UNTIL = "count", "until"

    place = OneLineField(
        label=_("Place or video link"),
        max_length=300,
        required=False,
        help_text=_("A room, a café, or a link starting with https:// for a video call."),
    )
    repeat = forms.ChoiceField(
        label=_("Repeat"),
        choices=[(NONE, _("Does not repeat")), (WEEKLY, _("Repeats"))],
        initial=NONE,
        widget=RadioGroup,
    )
    every_weeks = forms.TypedChoiceField(
        label=_("Every"),
        choices=[
            (1, _("week")),
            (2, _("2 weeks")),
            (3, _("3 weeks")),
            (4, _("4 weeks")),
        ],
        coerce=int,
        initial=2,
        required=False,
        empty_value=None,
    )
    ends = forms.ChoiceField(
        label=_("Ends"),
        choices=[(ENDS_COUNT, _("After a number of times")), (ENDS_UNTIL, _("On a date"))],
        initial=ENDS_COUNT,
        widget=RadioGroup,
        required=False,
        help_text=_("A series has at most %(max)d meetings.") % {"max": MAX_OCCURRENCES},
    )
    count = forms.IntegerField(
        label=_("Number of times"), min_value=2, max_value=MAX_REPEATS, required=False, initial=6
    )
    until = forms.DateField(
        label=_("Until"),
        required=False,
        widget=_date_input(),
    )

    field_order = ["day", "time", "fold", "duration", "place", "repeat", "every_weeks", "ends"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("repeat") != self.WEEKLY:
            data["every_weeks"] = data["count"] = data["until"] = None
            return data
        if not data.get("every_weeks"):
            self.add_error("every_weeks", _("Choose how often the meeting repeats."))
        if data.get("ends") == self.ENDS_UNTIL:
            data["count"] = None
            if not data.get("until"):
                self.add_error("until", _("Choose the last date of the series."))
            elif data.get("day") and data["until"] <= data["day"]:
                self.add_error("until", _("The last date must come after the first meeting."))
            elif data.get("day") and data.get("every_weeks"):
                self._check_series_length(data["day"], data["until"], data["every_weeks"])
        else:
            data["until"] = None
            if not data.get("count"):
                self.add_error(
                    "count",
                    _("Say how many times, from 2 to %(max)d.") % {"max": MAX_REPEATS},
                )
        return data

    def _check_series_length(self, first: dt.date, until: dt.date, every_weeks: int) -> None:
        last = series_last_day(first, every_weeks)
        if until > last:
            self.add_error(
                "until",
                _(
                    "A series has at most %(max)d meetings: every %(weeks)d weeks from "
                    "%(first)s, the last one can be on %(last)s at the latest."
                )
                % {
                    "max": MAX_OCCURRENCES,
                    "weeks": every_weeks,
                    "first": date_format(first),
                    "last": date_format(last),
                },
            )


class RescheduleForm(WhenForm):
    THIS, FOLLOWING = "this", "following"

    place = ScheduleForm.base_fields["place"]
    scope = forms.ChoiceField(
        label=_("Which meetings?"),
        choices=[(THIS, _("This meeting only")), (FOLLOWING, _("This and the following ones"))],
        initial=THIS,
        widget=RadioGroup,
        required=False,
    )

    def __init__(self, *args: Any, in_series: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not in_series:
            del self.fields["scope"]

    @property
    def following(self) -> bool:
        return self.cleaned_data.get("scope") == self.FOLLOWING


class LogForm(WhenForm):
    """A meeting that already happened: from the day the pair began up to today."""

    def __init__(self, *args: Any, began: dt.date, **kwargs: Any) -> None:
        self.began = began
        super().__init__(*args, **kwargs)

    def day_range(self) -> tuple[dt.date, dt.date]:
        return min(self.began, self.today), self.today

    def range_help(self, first: dt.date, last: dt.date) -> str:
        return _("From the day your pair began, %(first)s, up to today.") % {
            "first": date_format(first)
        }

    def day_out_of_range(self, day: dt.date, first: dt.date, last: dt.date) -> str:
        if day > last:
            return str(_("Only meetings that already happened can be logged. Choose a past date."))
        return _("Your pair began on %(first)s: choose a date from then up to today.") % {
            "first": date_format(first)
        }


class CancelForm(forms.Form):
    scope = RescheduleForm.base_fields["scope"]

    def __init__(self, *args: Any, in_series: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not in_series:
            del self.fields["scope"]

    @property
    def following(self) -> bool:
        return self.cleaned_data.get("scope") == RescheduleForm.FOLLOWING


class RespondForm(forms.Form):
    accept = forms.ChoiceField(choices=[("yes", _("Accept")), ("no", _("Decline"))])
