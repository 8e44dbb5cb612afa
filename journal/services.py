"""Every write to the pair's journal. Only the two people of the pair write here;
the views reach objects through access functions first, and each service checks again.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from journal.models import (
    DEFAULT_CONFIDENTIALITY,
    AgendaItem,
    Agreement,
    Goal,
    GoalUpdate,
    PrivateNote,
    SharedFocus,
    SharedNote,
)
from matching.models import Pair
from meetings.models import Meeting
from people.models import User
from programs.models import FocusSuggestion

AGENDA_ITEM_MAX = 500


def _require_member(pair: Pair, person: User) -> None:
    if person.pk not in (pair.mentee.person_id, pair.mentor.person_id):
        raise ValidationError(_("Only the two people of a pair can write in its journal."))


def _require_mentee(pair: Pair, person: User) -> None:
    if person.pk != pair.mentee.person_id:
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


@transaction.atomic
def shared_notes_save(*, meeting: Meeting, by: User, text: str) -> SharedNote:
    _require_member(meeting.pair, by)
    note, _created = SharedNote.objects.update_or_create(
        meeting=meeting, defaults={"text": text.strip(), "updated_by": by}
    )
    return note


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
        agreement.acknowledged_by_mentee_at = None
        agreement.acknowledged_by_mentor_at = None
        agreement.save()
    return agreement


@transaction.atomic
def agreement_acknowledge(*, pair: Pair, by: User) -> Agreement:
    _require_member(pair, by)
    agreement, _created = Agreement.objects.select_for_update().get_or_create(
        pair=pair, defaults={"confidentiality": str(DEFAULT_CONFIDENTIALITY)}
    )
    field = (
        "acknowledged_by_mentee_at"
        if by.pk == pair.mentee.person_id
        else "acknowledged_by_mentor_at"
    )
    if getattr(agreement, field) is None:
        setattr(agreement, field, timezone.now())
        agreement.save(update_fields=[field, "updated_at"])
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
