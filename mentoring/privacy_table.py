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
        hr=_(
            "Per pair: the number of meetings held and the date they last met; otherwise "
            "counts per program (program health, the weekly digest)"
        ),
        operator=_("Yes"),
        stored=("meetings.Meeting.start", "meetings.Meeting.end", "meetings.Meeting.status"),
    ),
    DataRow(
        data=_("Program health: funnel, meeting cadence, mentor load, trends"),
        mentee=_("No"),
        mentor=_("No"),
        manager=_("Never"),
        hr=_(
            "Yes: counts and dates; by department only where each shown department has at "
            "least 5 people"
        ),
        operator=_("Only as an HR admin"),
        stored=(
            "programs.Enrolment.status",
            "programs.Program.stalled_after_days",
            "matching.Pair.started_at",
            "matching.Pair.ended_at",
            "meetings.Meeting.start",
        ),
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
        data=_("In-app notifications"),
        mentee=_("Their own"),
        mentor=_("Their own"),
        manager=_("Their own only, never about a report's mentoring"),
        hr=_("Their own only"),
        operator=_("No"),
        stored=("notifications.Notification.kind", "notifications.Notification.params"),
    ),
    DataRow(
        data=_(
            "Audit log of privileged actions (who, what, when, from where; "
            "ids, counts and field names, no content)"
        ),
        mentee=_("No"),
        mentor=_("No"),
        manager=_("No"),
        hr=_("No (unless also an operator who may read it)"),
        operator=_("Read-only, with the audit log permission; nobody can change or delete a row"),
        stored=(
            "audit.AuditEvent.action",
            "audit.AuditEvent.actor_id",
            "audit.AuditEvent.target_id",
            "audit.AuditEvent.details",
            "audit.AuditEvent.ip",
        ),
    ),
    DataRow(
        data=_("Check-in survey answers"),
        mentee=_("Their own, to change until the survey closes"),
        mentor=_("Their own; never the counterpart's"),
        manager=_("Never"),
        hr=_(
            "Totals of at least 5 answers, released in steps so that no difference "
            "reveals one answer"
        ),
        operator=_("Never"),
        stored=(
            "checkins.SurveyAnswer.value",
            "checkins.PulseAnswer.useful",
            "checkins.PulseAnswer.progress",
        ),
    ),
    DataRow(
        data=_("Two-step sign-in: authenticator app secret, security keys, recovery codes"),
        mentee=_("Their own"),
        mentor=_("Their own"),
        manager=_("No"),
        hr=_("No"),
        operator=_("Which kind and when it was last used, never the secrets; can reset it"),
        stored=("mfa.Authenticator.type", "mfa.Authenticator.data"),
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
