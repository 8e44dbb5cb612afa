"""Subjects rendered from templates become one header line, typography intact."""

from __future__ import annotations

import pytest
from django.core import mail

from lib.mail import subject_line


def test_line_breaks_become_single_spaces() -> None:
    assert subject_line("\nReminder:\n  mentoring  with Ana\r\n") == "Reminder: mentoring  with Ana"


def test_no_break_spaces_stay_for_french_typography() -> None:
    assert subject_line("Rappel\u00a0: « Leaders »\n") == "Rappel\u00a0: « Leaders »"


def test_no_line_separator_survives() -> None:
    rendered = "A\u2028B\x0bC\u0085D\rBcc: someone@example.com"
    assert not any(c in subject_line(rendered) for c in "\r\n\u2028\x0b\u0085")


@pytest.mark.django_db
def test_a_line_break_in_a_name_keeps_every_subject_on_one_line() -> None:
    """A name imported from a spreadsheet cell may hold a line break; a header may not
    (Django refuses to send it, and the task would fail for good)."""
    from matching.notifications import pair_introduction_send
    from programs.notifications import program_invitation_send
    from tests.factories import UserFactory
    from tests.meetings.factories import make_pair
    from tests.programs.factories import ProgramFactory

    mentee = UserFactory(full_name="Ana\nLima", language="en")
    mentor = UserFactory(full_name="Olu\r\nMentor", language="en")
    program_invitation_send(
        program_id=ProgramFactory(name="Spring\nCohort").pk, person_id=mentee.pk
    )
    pair_introduction_send(pair_id=make_pair(mentee, mentor).pk)
    subjects = [message.subject for message in mail.outbox]
    assert subjects == [
        "You're invited to the mentoring program “Spring Cohort”",
        "Meet Olu Mentor, your mentoring partner",
        "Meet Ana Lima, your mentoring partner",
    ]
