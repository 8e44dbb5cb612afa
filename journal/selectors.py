"""Reads of the pair's journal, always for one of the two people of the pair.

The private note is selected by author: the other person never gets it from here.
A fixed number of queries whatever the number of goals, notes or meetings.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, fields
from typing import Any

from django.db.models import Model, QuerySet

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
from matching.membership import counterpart, is_mentee, members
from matching.models import Pair
from meetings.models import Meeting
from people.models import User
from programs.models import FocusSuggestion


@dataclass(frozen=True)
class GoalWithUpdates:
    goal: Goal
    updates: list[GoalUpdate]


@dataclass(frozen=True)
class MemberAcknowledgement:
    person: User
    is_mentee: bool
    acknowledged_at: dt.datetime | None  # None: not (yet, or again) for the current text


@dataclass(frozen=True)
class PairJournal:
    pair: Pair
    is_mentee: bool
    counterpart: User
    goals: list[GoalWithUpdates]
    agreement: Agreement | None
    acknowledgements: list[MemberAcknowledgement]  # one per member of the pair, mentee first
    suggestions: list[FocusSuggestion]  # the mentee's own, undismissed, not yet shared here
    shared_focus: list[SharedFocus]
    meetings: list[Meeting]


@dataclass(frozen=True)
class MeetingJournal:
    meeting: Meeting
    counterpart: User
    agenda: list[AgendaItem]
    shared_note: SharedNote | None
    history_count: int  # texts in the shared notes' history, kept ones included
    private_note: PrivateNote | None  # the viewer's own, never the other person's


def _goals_of(pair: Pair) -> list[GoalWithUpdates]:
    goals = list(Goal.objects.filter(pair=pair))
    updates: dict[int, list[GoalUpdate]] = defaultdict(list)
    for update in GoalUpdate.objects.filter(goal__pair=pair).select_related("author"):
        updates[update.goal_id].append(update)
    return [GoalWithUpdates(goal, updates[goal.pk]) for goal in goals]


def _acknowledgements(pair: Pair, agreement: Agreement | None) -> list[MemberAcknowledgement]:
    at: dict[int, dt.datetime] = {}
    if agreement is not None:
        rows = AgreementAcknowledgement.objects.filter(agreement=agreement)
        at = dict(rows.values_list("person_id", "acknowledged_at"))
    return [
        MemberAcknowledgement(person, is_mentee(pair, person), at.get(person.pk))
        for person in members(pair)
    ]


def _suggestions_to_share(pair: Pair, viewer: User) -> list[FocusSuggestion]:
    if not is_mentee(pair, viewer):
        return []
    shared = SharedFocus.objects.filter(pair=pair).values("suggestion_id")
    return list(
        FocusSuggestion.objects.filter(report=viewer, dismissed_at__isnull=True)
        .exclude(pk__in=shared)
        .select_related("manager")
    )


def pair_journal(*, pair: Pair, viewer: User) -> PairJournal:
    agreement = Agreement.objects.filter(pair=pair).first()
    return PairJournal(
        pair=pair,
        is_mentee=is_mentee(pair, viewer),
        counterpart=counterpart(pair, viewer),
        goals=_goals_of(pair),
        agreement=agreement,
        acknowledgements=_acknowledgements(pair, agreement),
        suggestions=_suggestions_to_share(pair, viewer),
        shared_focus=list(SharedFocus.objects.filter(pair=pair)),
        meetings=list(Meeting.objects.filter(pair=pair).order_by("-start")),
    )


def _row_values(row: Model | None, depth: int = 0) -> object:
    """A row's own values and those of the rows loaded with it (select_related), for a
    cache key: whatever a template can show of the row is in here."""
    if row is None or depth > 4:
        return None
    own = tuple(getattr(row, f.attname) for f in row._meta.concrete_fields if f.name != "password")
    loaded = sorted(
        (name, _row_values(related, depth + 1))
        for name, related in row._state.fields_cache.items()
        if related is None or isinstance(related, Model)
    )
    return (row._meta.label, own, tuple(loaded))


def _values(value: Any) -> object:
    if isinstance(value, Model):
        return _row_values(value)
    if isinstance(value, list | tuple):
        return tuple(_values(item) for item in value)
    return value


def meeting_journal_values(journal: MeetingJournal) -> tuple[object, ...]:
    """Everything the meeting's journal page can show, as values: the page is kept
    rendered (people.page_cache) under them, so any change to them makes a new key. Read
    from every field of MeetingJournal, so a field added there is in the key too."""
    return tuple(_values(getattr(journal, f.name)) for f in fields(journal))


def agenda_of(meeting: Meeting) -> QuerySet[AgendaItem]:
    return AgendaItem.objects.filter(meeting=meeting).select_related("author")


def meeting_journal(*, meeting: Meeting, viewer: User) -> MeetingJournal:
    return MeetingJournal(
        meeting=meeting,
        counterpart=counterpart(meeting.pair, viewer),
        agenda=list(agenda_of(meeting)),
        shared_note=SharedNote.objects.filter(meeting=meeting).select_related("updated_by").first(),
        history_count=SharedNoteVersion.objects.filter(meeting=meeting).count(),
        private_note=PrivateNote.objects.filter(meeting=meeting, author=viewer).first(),
    )


@dataclass(frozen=True)
class NotesHistory:
    meeting: Meeting
    counterpart: User
    note: SharedNote | None
    versions: list[SharedNoteVersion]  # newest first, kept texts included


def shared_notes_history(*, meeting: Meeting, viewer: User) -> NotesHistory:
    """Every text the meeting's shared notes have had; for the two people of the pair."""
    return NotesHistory(
        meeting=meeting,
        counterpart=counterpart(meeting.pair, viewer),
        note=SharedNote.objects.filter(meeting=meeting).first(),
        versions=list(SharedNoteVersion.objects.filter(meeting=meeting).select_related("author")),
    )
