"""Every write to the pair's journal. Only the two people of the pair write here;
the views reach objects through access functions first, and each service checks again.
The one exception is deleting: ``pairs_content_delete``, for the retention and the
erasure, which delete a pair's content without a member asking.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from journal.merge import merge_texts, normalised
from journal.models import (
    DEFAULT_CONFIDENTIALITY,
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
from matching.membership import is_member, is_mentee
from matching.models import Pair
from meetings.models import Meeting
from people.models import User
from programs.models import FocusSuggestion

AGENDA_ITEM_MAX = 500
SHARED_NOTES_MAX = 20000


class NotesOutcome(enum.Enum):
    SAVED = "saved"
    MERGED = "merged"  # based on an older version; both people's changes are in
    UNCHANGED = "unchanged"
    CONFLICT = "conflict"  # nothing written; the sent text is kept in the history


@dataclass(frozen=True)
class NotesSave:
    note: SharedNote  # the current notes after the call
    outcome: NotesOutcome
    sent: str  # the text the person sent, as it was kept


def _require_member(pair: Pair, person: User) -> None:
    if not is_member(pair, person):
        raise ValidationError(_("Only the two people of a pair can write in its journal."))


def _require_mentee(pair: Pair, person: User) -> None:
    if not is_mentee(pair, person):
        raise ValidationError(_("Only the mentee can do this: the goals are theirs."))


def _cleaned(text: str, *, required_message: str, limit: int | None = None) -> str:
    text = text.strip()
    if not text:
        raise ValidationError(required_message)
    if limit is not None and len(text) > limit:
        raise ValidationError(_("Keep it to %(limit)d characters or fewer.") % {"limit": limit})
    return text


@transaction.atomic
def agenda_item_add(*, meeting: Meeting, author: User, text: str) -> AgendaItem:
    _require_member(meeting.pair, author)
    text = _cleaned(text, required_message=_("Write the agenda item."), limit=AGENDA_ITEM_MAX)
    return AgendaItem.objects.create(meeting=meeting, author=author, text=text)


@transaction.atomic
def agenda_item_toggle(*, item: AgendaItem, by: User) -> AgendaItem:
    _require_member(item.meeting.pair, by)
    item = AgendaItem.objects.select_for_update().get(pk=item.pk)
    item.done = not item.done
    item.save(update_fields=["done"])
    return item


def _notes_locked(meeting: Meeting) -> SharedNote:
    if not SharedNote.objects.filter(meeting=meeting).exists():
        SharedNote.objects.get_or_create(meeting=meeting)  # safe if both create at once
    return SharedNote.objects.select_for_update().get(meeting=meeting)


def _notes_write(note: SharedNote, *, by: User, text: str, kind: str) -> None:
    note.text, note.updated_by, note.version = text, by, note.version + 1
    note.save()
    SharedNoteVersion.objects.create(
        meeting_id=note.meeting_id, version=note.version, kind=kind, text=text, author=by
    )


def _text_of_version(meeting: Meeting, version: int) -> str | None:
    if version == 0:
        return ""
    found = SharedNoteVersion.objects.filter(meeting=meeting, version=version)
    return found.values_list("text", flat=True).first()


def _keep_unsaved(note: SharedNote, *, by: User, text: str) -> None:
    latest = SharedNoteVersion.objects.filter(meeting_id=note.meeting_id).first()
    if latest is not None and (latest.kind, latest.author_id, latest.text) == (
        SharedNoteVersion.Kind.KEPT,
        by.pk,
        text,
    ):
        return  # the same text sent again: it is kept already
    SharedNoteVersion.objects.create(
        meeting_id=note.meeting_id, kind=SharedNoteVersion.Kind.KEPT, text=text, author=by
    )


def _check_base(note: SharedNote, base_version: int) -> None:
    if not 0 <= base_version <= note.version:
        raise ValidationError(_("These notes have no such version. Reload the page."))


@transaction.atomic
def shared_notes_save(*, meeting: Meeting, by: User, text: str, base_version: int) -> NotesSave:
    """Save the shared notes the person edited from version ``base_version``.

    A save based on an older version never overwrites the newer text: the two edits
    are merged when they touch different lines; otherwise nothing is written, the
    sent text is kept in the history, and the person chooses.
    """
    _require_member(meeting.pair, by)
    sent = normalised(text).strip()
    if len(sent) > SHARED_NOTES_MAX:
        raise ValidationError(
            _("Keep it to %(limit)d characters or fewer.") % {"limit": SHARED_NOTES_MAX}
        )
    note = _notes_locked(meeting)
    _check_base(note, base_version)
    if sent == note.text:
        return NotesSave(note, NotesOutcome.UNCHANGED, sent)
    if base_version == note.version:
        _notes_write(note, by=by, text=sent, kind=SharedNoteVersion.Kind.SAVED)
        return NotesSave(note, NotesOutcome.SAVED, sent)
    base = _text_of_version(meeting, base_version)
    merged = None if base is None else merge_texts(base, sent, note.text)
    if merged is not None and len(merged.strip()) <= SHARED_NOTES_MAX:
        if merged.strip() != note.text:
            _notes_write(note, by=by, text=merged.strip(), kind=SharedNoteVersion.Kind.MERGED)
        return NotesSave(note, NotesOutcome.MERGED, sent)
    _keep_unsaved(note, by=by, text=sent)
    return NotesSave(note, NotesOutcome.CONFLICT, sent)


@transaction.atomic
def shared_notes_restore(
    *, meeting: Meeting, by: User, version: SharedNoteVersion, base_version: int
) -> NotesSave:
    """Make an earlier text (or one kept from a conflict) the current notes again.

    The text it replaces stays in the history, so restoring loses nothing.
    """
    _require_member(meeting.pair, by)
    if version.meeting_id != meeting.pk:
        raise ValidationError(_("This version belongs to other notes."))
    note = _notes_locked(meeting)
    _check_base(note, base_version)
    if base_version != note.version:
        raise ValidationError(
            _("The notes changed since you opened the history. Look again, then restore.")
        )
    if version.text == note.text:
        return NotesSave(note, NotesOutcome.UNCHANGED, version.text)
    _notes_write(note, by=by, text=version.text, kind=SharedNoteVersion.Kind.RESTORED)
    return NotesSave(note, NotesOutcome.SAVED, version.text)


@transaction.atomic
def private_note_save(*, meeting: Meeting, author: User, text: str) -> PrivateNote:
    _require_member(meeting.pair, author)
    note, _created = PrivateNote.objects.update_or_create(
        meeting=meeting, author=author, defaults={"text": text.strip()}
    )
    return note


@transaction.atomic
def goal_add(*, pair: Pair, by: User, title: str, description: str = "") -> Goal:
    _require_mentee(pair, by)
    title = _cleaned(title, required_message=_("Give the goal a title."), limit=200)
    return Goal.objects.create(pair=pair, title=title, description=description.strip())


@transaction.atomic
def goal_update(*, goal: Goal, by: User, status: str = "", note: str = "") -> Goal:
    """Change a goal's status, add a progress note, or both; either person of the pair."""
    _require_member(goal.pair, by)
    note = note.strip()
    if status and status not in Goal.Status.values:
        raise ValidationError(_("Choose one of the listed statuses."))
    changed = bool(status) and status != goal.status
    if not changed and not note:
        raise ValidationError(_("Change the status or write a progress note."))
    if changed:
        goal.status = status
        goal.save(update_fields=["status"])
    if note:
        GoalUpdate.objects.create(goal=goal, author=by, text=note)
    return goal


@transaction.atomic
def agreement_save(
    *, pair: Pair, by: User, expectations: str, cadence: str, confidentiality: str
) -> Agreement:
    """Write the agreement; any change to its text asks both people to acknowledge it again."""
    _require_member(pair, by)
    confidentiality = _cleaned(
        confidentiality, required_message=_("Keep a confidentiality statement.")
    )
    agreement, _created = Agreement.objects.select_for_update().get_or_create(pair=pair)
    text = (expectations.strip(), cadence.strip(), confidentiality)
    if text != (agreement.expectations, agreement.cadence, agreement.confidentiality):
        agreement.expectations, agreement.cadence, agreement.confidentiality = text
        agreement.save()
        AgreementAcknowledgement.objects.filter(agreement=agreement).delete()
    return agreement


@transaction.atomic
def agreement_acknowledge(*, pair: Pair, by: User) -> Agreement:
    _require_member(pair, by)
    agreement, _created = Agreement.objects.select_for_update().get_or_create(
        pair=pair, defaults={"confidentiality": str(DEFAULT_CONFIDENTIALITY)}
    )
    _ack, created = AgreementAcknowledgement.objects.get_or_create(agreement=agreement, person=by)
    if created:
        agreement.save(update_fields=["updated_at"])
    return agreement


@transaction.atomic
def focus_share(*, pair: Pair, by: User, suggestion: FocusSuggestion) -> SharedFocus:
    """The mentee copies their manager's suggestion into the pair: it becomes pair content."""
    _require_mentee(pair, by)
    if suggestion.report_id != by.pk or suggestion.dismissed_at is not None:
        raise ValidationError(_("This suggestion can no longer be shared."))
    if SharedFocus.objects.filter(pair=pair, suggestion=suggestion).exists():
        raise ValidationError(_("You have already shared this suggestion with your mentor."))
    return SharedFocus.objects.create(pair=pair, suggestion=suggestion, text=suggestion.text)


def pairs_content_delete(pair_ids: Iterable[int]) -> dict[str, int]:
    """Every piece of session content of these pairs, with real DELETEs (no flag that
    keeps the text); the caller holds the transaction."""
    ids = list(pair_ids)
    meeting_q = {"meeting__pair_id__in": ids}
    counts = {
        "agenda_items": AgendaItem.objects.filter(**meeting_q).delete()[0],
        "shared_notes": SharedNote.objects.filter(**meeting_q).delete()[0],
        "shared_note_versions": SharedNoteVersion.objects.filter(**meeting_q).delete()[0],
        "private_notes": PrivateNote.objects.filter(**meeting_q).delete()[0],
        "goal_updates": GoalUpdate.objects.filter(goal__pair_id__in=ids).delete()[0],
        "goals": Goal.objects.filter(pair_id__in=ids).delete()[0],
        "acknowledgements": AgreementAcknowledgement.objects.filter(
            agreement__pair_id__in=ids
        ).delete()[0],
        "agreements": Agreement.objects.filter(pair_id__in=ids).delete()[0],
        "shared_focus": SharedFocus.objects.filter(pair_id__in=ids).delete()[0],
    }
    return counts
