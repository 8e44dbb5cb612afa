"""A goal left without an update for a month gets a line on its pair members' home pages:
a count and a link to the journal, never what the goal says, and nothing for anyone else."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from journal.home import STALE_GOAL_DAYS
from journal.models import Goal, GoalUpdate
from journal.services import goal_add
from people.models import User
from tests.meetings.factories import make_pair

pytestmark = pytest.mark.django_db

LONG_AGO = timezone.now() - dt.timedelta(days=STALE_GOAL_DAYS + 5)


def _home(person: User) -> str:
    client = Client()
    client.force_login(person)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def _old_goal(pair: object, by: User, title: str, **fields: object) -> Goal:
    goal = goal_add(pair=pair, by=by, title=title)  # type: ignore[arg-type]
    Goal.objects.filter(pk=goal.pk).update(created_at=LONG_AGO, **fields)
    return goal


def test_both_members_are_told_about_goals_without_an_update_and_nobody_else(
    mentee: User, mentor: User, manager: User, hr_admin: User
) -> None:
    pair = make_pair(mentee, mentor)
    _old_goal(pair, mentee, "CANARY-GOAL-one")
    _old_goal(pair, mentee, "CANARY-GOAL-two", status=Goal.Status.IN_PROGRESS)

    for person, counterpart in ((mentee, mentor), (mentor, mentee)):
        page = _home(person)
        assert (
            f"With {counterpart.full_name}: 2 goals have had no update for over "
            f"{STALE_GOAL_DAYS} days." in page
        )
        assert reverse("journal:pair", args=[pair.pk]) + "#goals" in page
        assert "CANARY-GOAL" not in page
    for person in (manager, hr_admin):
        assert "no update for over" not in _home(person)


def test_a_recent_update_a_new_goal_or_a_closed_goal_needs_nothing(
    mentee: User, mentor: User
) -> None:
    pair = make_pair(mentee, mentor)
    updated = _old_goal(pair, mentee, "Updated")
    GoalUpdate.objects.create(goal=updated, author=mentor, text="Progress")
    goal_add(pair=pair, by=mentee, title="Brand new")
    _old_goal(pair, mentee, "Done", status=Goal.Status.ACHIEVED)
    _old_goal(pair, mentee, "Let go", status=Goal.Status.DROPPED)

    assert "no update for over" not in _home(mentee)

    stale = _old_goal(pair, mentee, "Waiting")
    GoalUpdate.objects.create(goal=stale, author=mentee, text="Old progress")
    GoalUpdate.objects.filter(goal=stale).update(created_at=LONG_AGO)
    assert f"With {mentor.full_name}: a goal has had no update" in _home(mentee)


def test_the_line_is_in_the_viewers_language(mentee: User, mentor: User) -> None:
    pair = make_pair(mentee, mentor)
    _old_goal(pair, mentee, "Ein Ziel")
    mentee.language = "de"
    mentee.save(update_fields=["language"])

    page = _home(mentee)

    assert (
        f"Mit {mentor.full_name}: Ein Ziel hat seit über {STALE_GOAL_DAYS} Tagen keine "
        "Aktualisierung." in page
    )
    assert "Ziele ansehen" in page
    assert "no update for over" not in page
