"""Forms HR admins use to configure programs and the skills taxonomy.

Forms parse and check input; every write goes through ``programs.services``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from people.models import Department
from programs.models import KEEP_UNTIL_HR_DELETES, WEIGHT_FIELDS, Program, Skill

MIN_REMINDER_HOURS = Decimal("0.25")
MAX_REMINDER_HOURS = Decimal(336)  # two weeks
MAX_REMINDERS = 5


def hours_text(minutes: list[int]) -> str:
    """[1440, 60] -> "24, 1": how HR enters reminder offsets."""
    return ", ".join(_format_hours(Decimal(m) / 60) for m in minutes)


def _format_hours(hours: Decimal) -> str:
    text = f"{hours.quantize(Decimal('0.01')):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def parse_reminder_hours(text: str) -> list[int]:
    """ "24, 1" -> [1440, 60] minutes, largest first; ValidationError with a clear message."""
    parts = [p.strip() for p in text.split(",")]
    if not any(parts):
        raise forms.ValidationError(_("Enter at least one reminder, e.g. “24, 1”."))
    minutes: list[int] = []
    for part in parts:
        if not part:
            continue
        try:
            hours = Decimal(part)
        except InvalidOperation:
            raise forms.ValidationError(
                _(
                    "“%(value)s” is not a number of hours. "
                    "Separate numbers with commas, e.g. “24, 1”."
                )
                % {"value": part}
            ) from None
        if not hours.is_finite() or not MIN_REMINDER_HOURS <= hours <= MAX_REMINDER_HOURS:
            raise forms.ValidationError(
                _(
                    "Each reminder must be between 0.25 hours (15 minutes) "
                    "and 336 hours (two weeks)."
                )
            )
        minute = int((hours * 60).to_integral_value())
        if minute in minutes:
            raise forms.ValidationError(
                _("%(value)s hours is entered twice. Enter each reminder once.")
                % {"value": _format_hours(hours)}
            )
        minutes.append(minute)
    if len(minutes) > MAX_REMINDERS:
        raise forms.ValidationError(
            _("Enter at most %(max)d reminders; you entered %(count)d.")
            % {"max": MAX_REMINDERS, "count": len(minutes)}
        )
    return sorted(minutes, reverse=True)


@dataclass(frozen=True)
class Section:
    """A group of program settings, shown as a fieldset in the form and on the detail page."""

    key: str
    title: Promise
    description: Promise
    fields: tuple[str, ...]


SECTIONS: tuple[Section, ...] = (
    Section(
        "about",
        _("About the program"),
        _("What people see when they decide whether to join."),
        ("name", "description"),
    ),
    Section(
        "audience",
        _("Audience"),
        _("Only people in the audience see the program and can enrol."),
        ("audience", "departments"),
    ),
    Section(
        "dates",
        _("Dates"),
        _(
            "People can enrol between the first two dates. Enrolment must open on or before "
            "the day the program starts."
        ),
        ("enrolment_opens", "enrolment_closes", "starts_on", "ends_on"),
    ),
    Section(
        "matching",
        _("Enrolment and matching"),
        _("How people get in, and how mentors and mentees are paired."),
        (
            "matching_mode",
            "requires_approval",
            "default_capacity",
            "spread_mentees",
            "request_expiry_days",
        ),
    ),
    Section(
        "meetings",
        _("Meetings and reminders"),
        _("Reminders and nudges carry times and links only, never what a pair discusses."),
        ("cadence_weeks", "reminder_hours", "nudge_after_days", "stalled_after_days"),
    ),
    Section(
        "retention",
        _("Keeping records"),
        _(
            "After a pair ends, what they wrote in their journal is deleted once the first "
            "period has passed; both people are e-mailed a month before, with a link to "
            "download their own copy. Meeting times stay longer for the program's counts."
        ),
        ("journal_retention_months", "meeting_retention_months"),
    ),
    Section(
        "rules",
        _("Matching rules"),
        _("Rules that every pair must meet. Pairs that break a rule are never proposed."),
        (
            "require_different_department",
            "require_shared_language",
            "max_time_zone_hours",
            "min_seniority_gap_years",
        ),
    ),
    Section(
        "weights",
        _("What matters most in a match"),
        _(
            "Among the pairs that meet the rules, matching prefers those that score best. "
            "Give each factor a weight from 0 (ignore it) to 10 (matters most); what counts "
            "is how the weights compare with each other."
        ),
        WEIGHT_FIELDS,
    ),
)

WEIGHT_LABELS = {
    "weight_skills": _("Skills"),
    "weight_goals": _("Goals"),
    "weight_seniority": _("Seniority gap"),
    "weight_time_zone": _("Time-zone overlap"),
    "weight_language": _("Shared languages"),
    "weight_availability": _("Availability overlap"),
    "weight_picks": _("Mentee's own picks"),
}
WEIGHT_HELP = {
    "weight_skills": _("How much a mentor offers the skills the mentee wants to grow."),
    "weight_goals": _("How closely the mentee's goals match what the mentor offers."),
    "weight_seniority": _("Prefer mentors with clearly more years of experience."),
    "weight_time_zone": _("Prefer pairs whose working hours overlap."),
    "weight_language": _("Prefer pairs who share more than one language."),
    "weight_availability": _("Prefer pairs whose weekly free slots overlap."),
    "weight_picks": _("Prefer the mentors a mentee chose or ranked themselves."),
}


PROGRAM_DATE_FIELDS = ("enrolment_opens", "enrolment_closes", "starts_on", "ends_on")
PROGRAM_DATE_YEARS = 5
PROGRAM_DATE_HELP = _("Within five years of today.")


def program_date_range(today: dt.date) -> tuple[dt.date, dt.date]:
    """The dates a program may be set to: five years either side of ``today``. A date an
    existing program already has is kept even when older, so old programs stay editable."""

    def shifted(years: int) -> dt.date:
        try:
            return today.replace(year=today.year + years)
        except ValueError:  # 29 February
            return today.replace(year=today.year + years, day=28)

    return shifted(-PROGRAM_DATE_YEARS), shifted(PROGRAM_DATE_YEARS)


class ProgramForm(forms.ModelForm):
    """Every setting of a program. Saved by ``program_create`` / ``program_update``."""

    reminder_hours = forms.CharField(
        label=_("Reminders (hours before a meeting)"),
        initial="24, 1",
        max_length=60,
        help_text=_(
            "Up to five, separated by commas. “24, 1” reminds people a day before and an "
            "hour before. Use 0.25 for fifteen minutes."
        ),
    )

    class Meta:
        model = Program
        fields = [
            "name",
            "description",
            "audience",
            "departments",
            "enrolment_opens",
            "enrolment_closes",
            "starts_on",
            "ends_on",
            "matching_mode",
            "requires_approval",
            "default_capacity",
            "spread_mentees",
            "cadence_weeks",
            "nudge_after_days",
            "stalled_after_days",
            "request_expiry_days",
            "journal_retention_months",
            "meeting_retention_months",
            "require_different_department",
            "require_shared_language",
            "max_time_zone_hours",
            "min_seniority_gap_years",
            *WEIGHT_FIELDS,
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "audience": forms.RadioSelect,
            "departments": forms.CheckboxSelectMultiple,
            "enrolment_opens": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "enrolment_closes": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "matching_mode": forms.RadioSelect,
            **{
                name: forms.NumberInput(attrs={"min": 0, "max": 10, "inputmode": "numeric"})
                for name in WEIGHT_FIELDS
            },
        }
        labels = {
            "name": _("Name"),
            "description": _("Description"),
            "audience": _("Who may join"),
            "departments": _("Departments"),
            "enrolment_opens": _("Enrolment opens"),
            "enrolment_closes": _("Enrolment closes"),
            "starts_on": _("Program starts"),
            "ends_on": _("Program ends"),
            "matching_mode": _("How pairs are made"),
            "requires_approval": _("Applications need HR approval"),
            "default_capacity": _("Mentees per mentor"),
            "spread_mentees": _("Spread mentees across mentors"),
            "cadence_weeks": _("Pairs meet every (weeks)"),
            "nudge_after_days": _("Nudge a pair after (days without a meeting)"),
            "stalled_after_days": _("Count a pair as stalled after (days without a meeting)"),
            "request_expiry_days": _("Mentee requests expire after (days)"),
            "journal_retention_months": _("Keep session content (journal) after a pair ends"),
            "meeting_retention_months": _("Keep meeting times after a pair ends"),
            "require_different_department": _("Mentor from a different department"),
            "require_shared_language": _("Mentor and mentee share a language"),
            "max_time_zone_hours": _("Largest time-zone difference (hours)"),
            "min_seniority_gap_years": _("Mentor's extra years of experience, at least"),
            **WEIGHT_LABELS,
        }
        help_texts = {
            "name": _("For example “Mentoring 2026, spring cohort”."),
            "description": _("Who the program is for and what people can expect from it."),
            "departments": _("Needed when only chosen departments may join."),
            "enrolment_opens": _("The first day people can sign up."),
            "enrolment_closes": _("The last day people can sign up."),
            "starts_on": _("The first day pairs can meet."),
            "ends_on": _("The last day of the program."),
            "requires_approval": _(
                "When ticked, you approve each application before the person takes part."
            ),
            "default_capacity": _(
                "How many mentees a mentor takes unless they say otherwise (1 to 20)."
            ),
            "spread_mentees": _(
                "When ticked, matching gives every mentor a first mentee before it gives "
                "anyone a second, even if that lowers the total fit a little."
            ),
            "request_expiry_days": _(
                "Only when mentees choose: a request the mentor has not answered in this many "
                "days expires, so the mentee can ask someone else."
            ),
            "cadence_weeks": _("The rhythm suggested to pairs when they plan meetings."),
            "nudge_after_days": _(
                "A friendly reminder goes to the pair (never to a manager) when they have not "
                "met for this long."
            ),
            "stalled_after_days": _(
                "For the program's health page only: pairs without a held meeting for this "
                "long are listed as stalled (7 to 365 days). Nobody is told."
            ),
            "require_different_department": _(
                "Mentors never come from the mentee's own reporting line; this also keeps "
                "them out of the mentee's department."
            ),
            "require_shared_language": _("Both must list at least one language in common."),
            "journal_retention_months": _(
                "Agendas, shared and private notes, goals and the agreement. Default: 12 months."
            ),
            "meeting_retention_months": _(
                "Only start, end and status, for the program's counts. At least as long as "
                "the session content, which belongs to its meetings."
            ),
            "max_time_zone_hours": _(
                "A hard rule: matching never proposes a pair whose time zones are further "
                "apart. Leave empty for no limit."
            ),
            "min_seniority_gap_years": _("0 means any mentor may mentor anyone."),
            **WEIGHT_HELP,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["reminder_hours"] = hours_text(self.instance.reminder_offsets_minutes)
        first, last = program_date_range(timezone.localdate())
        for name in PROGRAM_DATE_FIELDS:
            field = self.fields[name]
            field.widget.attrs.update(min=first.isoformat(), max=last.isoformat())
            field.help_text = format_lazy("{} {}", field.help_text, PROGRAM_DATE_HELP)

    def sections(self) -> list[tuple[Section, list[forms.BoundField]]]:
        return [(s, [self[name] for name in s.fields]) for s in SECTIONS]

    def clean_reminder_hours(self) -> list[int]:
        return parse_reminder_hours(self.cleaned_data["reminder_hours"])

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        self._check_dates(data)
        self._check_retention(data)
        if data.get("audience") == Program.Audience.DEPARTMENTS and not data.get("departments"):
            self.add_error(
                "departments", _("Choose at least one department, or let everyone join.")
            )
        return data

    def _check_retention(self, data: dict[str, Any]) -> None:
        journal, meetings = (
            data.get("journal_retention_months"),
            data.get("meeting_retention_months"),
        )
        if journal is None or meetings is None:
            return
        forever = KEEP_UNTIL_HR_DELETES
        if meetings != forever and (journal == forever or meetings < journal):
            self.add_error(
                "meeting_retention_months",
                _("Keep meeting times at least as long as the session content."),
            )

    def _check_dates(self, data: dict[str, Any]) -> None:
        first, last = program_date_range(timezone.localdate())
        for name in PROGRAM_DATE_FIELDS:
            day: dt.date | None = data.get(name)
            unchanged = self.instance.pk is not None and day == getattr(self.instance, name)
            if day is not None and not unchanged and not first <= day <= last:
                self.add_error(
                    name,
                    forms.ValidationError(
                        _("Choose a date within five years of today, from %(first)s to %(last)s."),
                        code="out_of_range",
                        params={"first": date_format(first), "last": date_format(last)},
                    ),
                )  # add_error drops the date, so the order checks below skip it
        opens: dt.date | None = data.get("enrolment_opens")
        closes: dt.date | None = data.get("enrolment_closes")
        starts: dt.date | None = data.get("starts_on")
        ends: dt.date | None = data.get("ends_on")
        if opens and closes and closes < opens:
            self.add_error(
                "enrolment_closes", _("Enrolment cannot close before it opens. Pick a later date.")
            )
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The program cannot end before it starts."))
        if opens and starts and opens > starts:
            self.add_error(
                "enrolment_opens",
                _("Enrolment must open on or before the day the program starts."),
            )

    def service_values(self) -> dict[str, Any]:
        """The cleaned settings as the services take them (departments apart)."""
        values = {
            name: self.cleaned_data[name] for name in self.Meta.fields if name != "departments"
        }
        values["reminder_offsets_minutes"] = self.cleaned_data["reminder_hours"]
        return values

    def chosen_departments(self) -> list[Department]:
        if self.cleaned_data["audience"] != Program.Audience.DEPARTMENTS:
            return []  # a program open to everyone keeps no stale department choice
        return list(self.cleaned_data["departments"])


@dataclass(frozen=True)
class SettingRow:
    label: str | Promise
    value: str | Promise


def reminders_text(minutes: list[int]) -> str:
    if not minutes:
        return str(_("None"))
    parts = []
    for m in minutes:
        if m % 60:
            parts.append(ngettext("%(n)d minute", "%(n)d minutes", m) % {"n": m})
        else:
            parts.append(ngettext("%(n)d hour", "%(n)d hours", m // 60) % {"n": m // 60})
    return str(_("%(list)s before each meeting") % {"list": ", ".join(parts)})


def program_settings(program: Program) -> list[tuple[Section, list[SettingRow]]]:
    """The program's settings in the form's groups, as plain text for the summary."""
    form = ProgramForm(instance=program)
    departments = list(program.departments.all())
    groups = []
    for section in SECTIONS:
        rows = [
            SettingRow(form.fields[name].label or name, _setting_text(program, name, departments))
            for name in section.fields
        ]
        groups.append((section, rows))
    return groups


def _setting_text(program: Program, name: str, departments: list[Department]) -> str | Promise:
    value = getattr(program, name, None)
    if name == "reminder_hours":
        return reminders_text(program.reminder_offsets_minutes)
    if name == "departments":
        return ", ".join(d.name for d in departments) or _("Not limited to departments")
    if name == "description":
        return program.description or _("No description yet")
    if name == "max_time_zone_hours":
        if value is None:
            return _("No limit")
        return ngettext("At most %(hours)d hour apart", "At most %(hours)d hours apart", value) % {
            "hours": value
        }
    if name in WEIGHT_FIELDS:
        return _("%(weight)s of 10") % {"weight": value}
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, dt.date):
        return date_format(value, "SHORT_DATE_FORMAT")
    display = getattr(program, f"get_{name}_display", None)
    return str(display()) if display else str(value)


class SkillForm(forms.Form):
    name = forms.CharField(label=_("Skill name"), max_length=80)


class SkillMergeForm(forms.Form):
    target = forms.ModelChoiceField(
        label=_("Merge into"),
        queryset=Skill.objects.none(),
        empty_label=_("Choose a skill"),
        help_text=_(
            "Everyone who has this skill will have the chosen one instead (once, even if they "
            "had both). This skill is then removed from the list. This cannot be undone."
        ),
    )

    def __init__(self, *args: Any, skill: Skill, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        target = self.fields["target"]
        assert isinstance(target, forms.ModelChoiceField)  # noqa: S101 - narrows the type
        target.queryset = Skill.objects.exclude(pk=skill.pk).order_by("name")
