"""Template filters for user text in messages about meetings."""

from __future__ import annotations

from django import template

from meetings.calendar import one_line as one_line_text

register = template.Library()


@register.filter
def one_line(value: object) -> str:
    """A one-line field as one line, whatever an older row holds: ``{{ place|one_line }}``."""
    return one_line_text(str(value or ""))
