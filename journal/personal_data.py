"""The journal's part of a person's own data: the session content of their pairs.

In a person's export: the agenda, shared notes (with the versions they saved), goals with
their progress notes, the agreement and the shared focus of each of their pairs (the
pair's content is in both members' exports), and their own private notes, never the other
member's. Erasing a person deletes their private notes; the pair's shared content stays
for the other member, its author shown as a former participant, unless the other member
was erased too: then the pair's content is deleted.

Found and registered by ``lib/personal_data.py`` (the registry looks for a ``personal_data``
module in every app).
"""

from __future__ import annotations

from django.db.models import F
from django.utils.translation import gettext_lazy as _

from journal.models import (
    AgendaItem,
    Agreement,
    AgreementAcknowledgement,
    Goal,
    GoalUpdate,
    PrivateNote,
    SharedFocus,
    SharedNote,
    SharedNoteVersion,
)
from journal.services import pairs_content_delete
from lib.personal_data import ModelFields, Registration, Section, register, render_section
from matching.membership import member_related, members, pairs_of
from people.models import User


def _author(person: User | None) -> str:
    return person.full_name if person is not None else str(_("A former participant"))


def export(person: User) -> Section:
    pairs = pairs_of(person).select_related("program")
    pair_ids = list(pairs.values_list("pk", flat=True))
    agenda = [
        {"meeting_start": item.meeting.start, "author": _author(item.author), "text": item.text,
         "done": item.done}
        for item in AgendaItem.objects.filter(meeting__pair_id__in=pair_ids)
        .select_related("meeting", "author").order_by("meeting__start", "created_at", "pk")
    ]  # fmt: skip
    shared_notes = [
        {"meeting_start": note.meeting.start, "last_edited_by": _author(note.updated_by),
         "text": note.text, "updated": note.updated_at}
        for note in SharedNote.objects.filter(meeting__pair_id__in=pair_ids)
        .select_related("meeting", "updated_by").order_by("meeting__start", "pk")
    ]  # fmt: skip
    versions = list(
        SharedNoteVersion.objects.filter(meeting__pair_id__in=pair_ids, author=person)
        .order_by("created_at", "pk")
        .values(
            "version", "kind", "text", meeting_start=F("meeting__start"), created=F("created_at")
        )
    )
    private = list(
        PrivateNote.objects.filter(author=person)
        .order_by("meeting__start", "pk")
        .values("text", meeting_start=F("meeting__start"), updated=F("updated_at"))
    )
    goals = [
        {"goal": goal.title, "what_it_means": goal.description,
         "status": goal.get_status_display(), "created": goal.created_at}
        for goal in Goal.objects.filter(pair_id__in=pair_ids).order_by("created_at", "pk")
    ]  # fmt: skip
    updates = [
        {"goal": update.goal.title, "author": _author(update.author), "text": update.text,
         "created": update.created_at}
        for update in GoalUpdate.objects.filter(goal__pair_id__in=pair_ids)
        .select_related("goal", "author").order_by("created_at", "pk")
    ]  # fmt: skip
    agreements = list(
        Agreement.objects.filter(pair_id__in=pair_ids)
        .order_by("pk")
        .values(
            "expectations",
            "cadence",
            "confidentiality",
            program=F("pair__program__name"),
            updated=F("updated_at"),
        )
    )
    focus = list(
        SharedFocus.objects.filter(pair_id__in=pair_ids)
        .order_by("shared_at", "pk")
        .values("text", program=F("pair__program__name"), shared=F("shared_at"))
    )
    return render_section(
        {
            "agenda_items": agenda,
            "shared_notes": shared_notes,
            "shared_note_versions_you_saved": versions,
            "your_private_notes": private,
            "goals": goals,
            "goal_progress_notes": updates,
            "agreements": agreements,
            "shared_focus": focus,
        }
    )


def erase(*, person: User, replacement: User) -> dict[str, int]:
    """Runs first, while the person's enrolments still name them."""
    abandoned = [
        pair.pk
        for pair in pairs_of(person).select_related(*member_related())
        if all(other.is_stand_in for other in members(pair) if other.pk != person.pk)
    ]
    counts = pairs_content_delete(abandoned)
    counts["private_notes"] += PrivateNote.objects.filter(author=person).delete()[0]
    AgreementAcknowledgement.objects.filter(person=person).delete()
    counts["pairs_left_by_both"] = len(abandoned)
    return counts


REGISTRATION = Registration(
    key="journal",
    title=_("Your mentoring journal"),
    export=export,
    erase=erase,
    fields=(
        ModelFields(
            "journal.AgendaItem", ("author", "text"), _("What the pair wants to talk about")
        ),
        ModelFields(
            "journal.SharedNote", ("updated_by", "text"), _("The pair's notes of a meeting")
        ),
        ModelFields(
            "journal.SharedNoteVersion", ("author", "text"), _("Earlier texts of those notes")
        ),
        ModelFields("journal.PrivateNote", ("author", "text"), _("A note only its author sees")),
        ModelFields(
            "journal.Goal", ("title", "description", "status"), _("The mentee's growth goals")
        ),
        ModelFields("journal.GoalUpdate", ("author", "text"), _("Progress on a goal")),
        ModelFields(
            "journal.Agreement",
            ("expectations", "cadence", "confidentiality"),
            _("How the pair works together"),
        ),
        ModelFields(
            "journal.SharedFocus", ("text",), _("A manager's suggestion the mentee shared")
        ),
    ),
)


register(REGISTRATION)
