"""Demo journal content: agendas, notes, goals and agreements for the demo pairs.

Written through the journal's own services; nothing outside the journal imports it
(seed_demo runs it by command name)."""

from __future__ import annotations

from django.utils import timezone

from journal.models import Goal
from journal.services import (
    agenda_item_add,
    agenda_item_toggle,
    agreement_acknowledge,
    agreement_save,
    goal_add,
    goal_update,
    shared_notes_save,
)
from matching.models import Pair
from meetings.models import Meeting

AGENDA = [
    "How the last stakeholder review went",
    "Preparing for the quarterly presentation",
    "Books or talks worth a look",
]
GOALS = [
    ("Present with confidence to the leadership group", "in_progress"),
    ("Build a network outside my department", "not_started"),
]


def seed_journal(*, pair_ids: list[int]) -> int:
    """Journal content for the given demo pairs (the new ones seed_demo names; never pairs
    people made in the app) that are active and have none yet; returns how many got it."""
    seeded = 0
    pairs = Pair.objects.filter(pk__in=pair_ids, status=Pair.Status.ACTIVE).select_related(
        "mentee__person", "mentor__person", "program"
    )
    for pair in pairs:
        if Goal.objects.filter(pair=pair).exists():
            continue
        _pair_journal(pair)
        seeded += 1
    return seeded


def _pair_journal(pair: Pair) -> None:
    mentee, mentor = pair.mentee.person, pair.mentor.person
    agreement_save(
        pair=pair,
        by=mentee,
        expectations="Come prepared with one topic each; be honest when something isn't useful.",
        cadence=f"Every {pair.program.cadence_weeks} weeks, 45 minutes, by video.",
        confidentiality="What we discuss stays between us. Neither of us shares it with "
        "managers or HR.",
    )
    agreement_acknowledge(pair=pair, by=mentee)
    agreement_acknowledge(pair=pair, by=mentor)
    for title, status in GOALS:
        goal = goal_add(pair=pair, by=mentee, title=title)
        if status != "not_started":
            goal_update(goal=goal, by=mentee, status=status, note="Tried the two-minute opener.")
    meetings = list(Meeting.objects.filter(pair=pair).order_by("start"))
    past = [m for m in meetings if m.end < timezone.now()]
    upcoming = [m for m in meetings if m.start > timezone.now()]
    if past:
        for text in AGENDA[:2]:
            item = agenda_item_add(meeting=past[0], author=mentee, text=text)
            agenda_item_toggle(item=item, by=mentor)
        shared_notes_save(
            meeting=past[0],
            by=mentor,
            base_version=0,
            text="Practise the opening twice before the review; send the deck a day early.",
        )
    if upcoming:
        agenda_item_add(meeting=upcoming[0], author=mentor, text=AGENDA[2])
