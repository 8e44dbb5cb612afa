"""Subjects rendered from templates become one header line, typography intact."""

from __future__ import annotations

from people.mail import subject_line


def test_line_breaks_become_single_spaces() -> None:
    assert subject_line("\nReminder:\n  mentoring  with Ana\r\n") == "Reminder: mentoring  with Ana"


def test_no_break_spaces_stay_for_french_typography() -> None:
    assert subject_line("Rappel\u00a0: « Leaders »\n") == "Rappel\u00a0: « Leaders »"


def test_no_line_separator_survives() -> None:
    rendered = "A\u2028B\x0bC\u0085D\rBcc: someone@example.com"
    assert not any(c in subject_line(rendered) for c in "\r\n\u2028\x0b\u0085")
