"""Who sees which data, in plain words: DESIGN.md section 2 as data, rendered on the
"Who can see what" page. Each row names the model fields that hold its data (``stored``,
``app_label.Model.field``): a test checks that they exist, so the page never promises
or names data the app does not keep. Rows for data still to come join with its code."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class DataRow:
    data: Promise
    mentee: Promise
    mentor: Promise
    manager: Promise
    hr: Promise
    operator: Promise
    stored: tuple[str, ...]  # the fields that hold it: "app_label.Model.field"

    @property
    def cells(self) -> list[tuple[Promise, Promise]]:
        """(column label, answer) in the order of ``COLUMNS``."""
        return [(label, getattr(self, key)) for key, label in COLUMNS]


COLUMNS: tuple[tuple[str, Promise], ...] = (
    ("mentee", _("Mentee")),
    ("mentor", _("Mentor")),
    ("manager", _("Line manager of either")),
    ("hr", _("HR program admin")),
    ("operator", _("Operator (Django admin)")),
)

ROWS: tuple[DataRow, ...] = (
    DataRow(
        data=_("Own profile, program answers (skills, goals for matching)"),
        mentee=_("Their own"),
        mentor=_("The counterpart's matching profile"),
        manager=_("No"),
        hr=_("Yes"),
        operator=_("Yes"),
        stored=(
            "people.User.full_name",
            "people.User.title",
            "programs.Enrolment.goals",
            "programs.Enrolment.skills",
        ),
    ),
    DataRow(
        data=_("Who is paired with whom"),
        mentee=_("Their own pair"),
        mentor=_("Their own pairs"),
        manager=_("No"),
        hr=_("Yes"),
        operator=_("Yes"),
        stored=("matching.Pair.mentee", "matching.Pair.mentor"),
    ),
    DataRow(
        data=_("Meeting start, end, status"),
        mentee=_("Their own"),
        mentor=_("Their own"),
        manager=_(
            "Their direct reports' meetings: start, end and status only; "
            "no counterpart, no place, no title"
        ),
        hr=_("Counts per program only, in the weekly digest"),
        operator=_("Yes"),
        stored=("meetings.Meeting.start", "meetings.Meeting.end", "meetings.Meeting.status"),
    ),
    DataRow(
        data=_("Meeting place or video link"),
        mentee=_("Their own"),
        mentor=_("Their own"),
        manager=_("No"),
        hr=_("No"),
        operator=_("Yes"),
        stored=("meetings.Meeting.place",),
    ),
    DataRow(
        data=_("Agenda, shared notes and goals of the pair"),
        mentee=_("The pair"),
        mentor=_("The pair"),
        manager=_("Never"),
        hr=_("Never"),
        operator=_("Never, not even in the admin"),
        stored=(
            "journal.AgendaItem.text",
            "journal.SharedNote.text",
            "journal.Goal.title",
            "journal.Goal.description",
        ),
    ),
    DataRow(
        data=_("Private notes"),
        mentee=_("The author"),
        mentor=_("The author"),
        manager=_("Never"),
        hr=_("Never"),
        operator=_("Never"),
        stored=("journal.PrivateNote.text",),
    ),
    DataRow(
        data=_("A manager's focus suggestion to a report"),
        mentee=_("The report"),
        mentor=_("Only if the report shares it"),
        manager=_("The author"),
        hr=_("Never"),
        operator=_("Never"),
        stored=("programs.FocusSuggestion.text",),
    ),
    DataRow(
        data=_(
            "Single sign-on link: the identity provider's stable id for a person and the "
            "claims it sent at the last sign-in (e-mail, name)"
        ),
        mentee=_("Their own"),
        mentor=_("Their own"),
        manager=_("No"),
        hr=_("No"),
        operator=_("Yes"),
        stored=("socialaccount.SocialAccount.uid", "socialaccount.SocialAccount.extra_data"),
    ),
)
