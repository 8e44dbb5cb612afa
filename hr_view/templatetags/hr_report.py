"""How a value of the program report (``hr_view.report``) reads on the print page: dates
and moments in the viewer's language and zone, numbers with the language's separators."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone
from django.utils.formats import date_format, number_format

register = template.Library()


@register.filter
def report_cell(value: object) -> str:
    if value is None:
        return "\u2013"  # an en dash: nothing to show
    if isinstance(value, dt.datetime):
        return date_format(timezone.localtime(value), "DATETIME_FORMAT")
    if isinstance(value, dt.date):
        return date_format(value, "DATE_FORMAT")
    if isinstance(value, float):
        return number_format(value, decimal_pos=1, use_l10n=True)
    if isinstance(value, int):
        return number_format(value, use_l10n=True)
    return str(value)


@register.filter
def is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
