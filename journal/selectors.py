"""Reads of the pair's journal, always for one of the two people of the pair.

The private note is selected by author: the other person never gets it from here.
A fixed number of queries whatever the number of goals, notes or meetings.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import QuerySet

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
from lib.page_cache import columns_of, key_statement, read_key
from matching.membership import counterpart, is_mentee, member_columns, members
from matching.models import Pair
from meetings.models import Meeting, Series
from people.models import User
from programs.models import Enrolment, FocusSuggestion, Program


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


# The meeting, if the viewer is one of its pair (as meetings.access decides): every part
# of the key read below finds its rows through it.
_ALLOWED_MEETING = """
WITH allowed AS (
    SELECT m.id, m.pair_id, m.series_id FROM meetings_meeting m
    WHERE m.id = %(meeting)s AND EXISTS (
        SELECT 1 FROM matching_pair p
        JOIN programs_enrolment e ON e.id IN ({members})
        WHERE p.id = m.pair_id AND e.person_id = %(viewer)s
    )
)""".replace("{members}", member_columns("p"))
_AGENDA = "FROM journal_agendaitem a WHERE a.meeting_id = (SELECT id FROM allowed)"
_SHARED_NOTE = "FROM journal_sharednote n WHERE n.meeting_id = (SELECT id FROM allowed)"
_ENROLMENTS = (
    f"FROM matching_pair p JOIN programs_enrolment e ON e.id IN ({member_columns('p')})"  # noqa: S608
    " WHERE p.id = (SELECT pair_id FROM allowed)"
)

# What meeting_journal reads, row for row: the meeting with the rows loaded with it (pair,
# program, both enrolments, series), the agenda, the shared notes, the count of their
# history, the viewer's private note, and the people these name (the pair's two, the
# agenda's authors, who last edited the notes). Every column of every row (see
# lib.page_cache.columns_of), and every part finds its rows through ``allowed``, so
# nothing is read for someone who is not one of the pair.
_MEETING_JOURNAL_KEY = key_statement(
    [
        (columns_of(Meeting, "m"), "FROM meetings_meeting m WHERE m.id = (SELECT id FROM allowed)"),
        (columns_of(Pair, "p"), "FROM matching_pair p WHERE p.id = (SELECT pair_id FROM allowed)"),
        (
            columns_of(Program, "pr"),
            "FROM programs_program pr WHERE pr.id = (SELECT program_id FROM matching_pair"
            " WHERE id = (SELECT pair_id FROM allowed))",
        ),
        (columns_of(Enrolment, "e"), _ENROLMENTS),
        (
            columns_of(Series, "s"),
            "FROM meetings_series s WHERE s.id = (SELECT series_id FROM allowed)",
        ),
        (columns_of(AgendaItem, "a"), _AGENDA),
        (columns_of(SharedNote, "n"), _SHARED_NOTE),
        (
            ["COUNT(*)"],
            "FROM journal_sharednoteversion v WHERE v.meeting_id = (SELECT id FROM allowed)",
        ),
        (
            columns_of(PrivateNote, "pn"),
            "FROM journal_privatenote pn"
            " WHERE pn.meeting_id = (SELECT id FROM allowed) AND pn.author_id = %(viewer)s",
        ),
        (
            columns_of(User, "u"),
            "FROM people_user u WHERE u.id IN (SELECT e.person_id " + _ENROLMENTS
            + " UNION ALL SELECT a.author_id " + _AGENDA
            + " UNION ALL SELECT n.updated_by_id " + _SHARED_NOTE + ")",
        ),
    ],
    with_=_ALLOWED_MEETING,
)  # fmt: skip


def meeting_journal_key(*, meeting_id: int, viewer: User) -> tuple[object, ...] | None:
    """Every value of every row ``meeting_journal`` reads for this viewer, in one read, as
    the key the page is kept under (lib.page_cache); None when the viewer is not one of
    the meeting's pair, or there is no such meeting. Cheaper than the reads themselves:
    no model is built, and the database plans a few small reads instead of a join of
    seven tables."""
    rows = read_key(_MEETING_JOURNAL_KEY, {"meeting": meeting_id, "viewer": viewer.pk})
    if not rows or rows[0][0] != 0:
        return None
    return rows


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
