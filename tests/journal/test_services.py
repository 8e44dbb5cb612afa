"""Journal writes: who may write what, and refusals that change nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from journal import services
from journal.models import AgendaItem, Agreement, Goal, GoalUpdate, PrivateNote, SharedFocus
from people.models import User
from programs.models import FocusSuggestion
from tests.journal.factories import pair_with_meeting

pytestmark = pytest.mark.django_db


def test_either_person_adds_and_ticks_agenda_items(mentee: User, mentor: User) -> None:
    _pair, meeting = pair_with_meeting(mentee, mentor)
    item = services.agenda_item_add(meeting=meeting, author=mentor, text="  Career paths ")
    assert item.text == "Career paths"
    assert services.agenda_item_toggle(item=item, by=mentee).done is True
    assert services.agenda_item_toggle(item=item, by=mentor).done is False


def test_blank_or_long_agenda_item_is_refused(mentee: User, mentor: User) -> None:
    _pair, meeting = pair_with_meeting(mentee, mentor)
    for text in ("   ", "x" * 501):
        with pytest.raises(ValidationError):
            services.agenda_item_add(meeting=meeting, author=mentee, text=text)
    assert not AgendaItem.objects.exists()


def test_someone_outside_the_pair_cannot_write(mentee: User, mentor: User, manager: User) -> None:
    pair, meeting = pair_with_meeting(mentee, mentor)
    with pytest.raises(ValidationError):
        services.agenda_item_add(meeting=meeting, author=manager, text="Hello")
    with pytest.raises(ValidationError):
        services.private_note_save(meeting=meeting, author=manager, text="Hello")
    with pytest.raises(ValidationError):
        services.agreement_acknowledge(pair=pair, by=manager)
    assert not AgendaItem.objects.exists()
    assert not PrivateNote.objects.exists()
    assert not Agreement.objects.exists()


def test_private_notes_are_one_per_author(mentee: User, mentor: User) -> None:
    _pair, meeting = pair_with_meeting(mentee, mentor)
    services.private_note_save(meeting=meeting, author=mentee, text="first")
    services.private_note_save(meeting=meeting, author=mentee, text="second")
    services.private_note_save(meeting=meeting, author=mentor, text="mine")
    notes = dict(PrivateNote.objects.values_list("author_id", "text"))
    assert notes == {mentee.pk: "second", mentor.pk: "mine"}


def test_only_the_mentee_adds_goals(mentee: User, mentor: User) -> None:
    pair, _meeting = pair_with_meeting(mentee, mentor)
    with pytest.raises(ValidationError):
        services.goal_add(pair=pair, by=mentor, title="Delegate more")
    assert not Goal.objects.exists()
    assert services.goal_add(pair=pair, by=mentee, title="Delegate more").status == "not_started"


def test_either_person_updates_a_goal_with_status_and_note(mentee: User, mentor: User) -> None:
    pair, _meeting = pair_with_meeting(mentee, mentor)
    goal = services.goal_add(pair=pair, by=mentee, title="Delegate more")
    services.goal_update(goal=goal, by=mentor, status="in_progress", note="Good start")
    goal.refresh_from_db()
    assert goal.status == "in_progress"
    assert GoalUpdate.objects.get().author == mentor


def test_goal_update_without_change_is_refused(mentee: User, mentor: User) -> None:
    pair, _meeting = pair_with_meeting(mentee, mentor)
    goal = services.goal_add(pair=pair, by=mentee, title="Delegate more")
    with pytest.raises(ValidationError):
        services.goal_update(goal=goal, by=mentee, status="not_started", note="  ")
    with pytest.raises(ValidationError):
        services.goal_update(goal=goal, by=mentee, status="finished")
    assert not GoalUpdate.objects.exists()


def test_editing_the_agreement_asks_both_to_acknowledge_again(mentee: User, mentor: User) -> None:
    pair, _meeting = pair_with_meeting(mentee, mentor)
    agreement = services.agreement_acknowledge(pair=pair, by=mentee)
    assert agreement.confidentiality.startswith("What we discuss stays between us.")
    agreement = services.agreement_acknowledge(pair=pair, by=mentor)
    assert _acknowledged(agreement) == {mentee.pk, mentor.pk}
    services.agreement_acknowledge(pair=pair, by=mentor)  # again: still one row each
    assert agreement.acknowledgements.count() == 2
    kept = services.agreement_save(
        pair=pair, by=mentor, expectations="", cadence="", confidentiality=agreement.confidentiality
    )
    assert _acknowledged(kept) == {mentee.pk, mentor.pk}  # nothing changed, nothing reset
    changed = services.agreement_save(
        pair=pair, by=mentor, expectations="Honesty", cadence="Monthly",
        confidentiality=agreement.confidentiality,
    )  # fmt: skip
    assert _acknowledged(changed) == set()


def _acknowledged(agreement: Agreement) -> set[int]:
    return set(agreement.acknowledgements.values_list("person_id", flat=True))


def test_only_members_of_the_pair_acknowledge(mentee: User, mentor: User, manager: User) -> None:
    pair, _meeting = pair_with_meeting(mentee, mentor)
    with pytest.raises(ValidationError):
        services.agreement_acknowledge(pair=pair, by=manager)
    assert not Agreement.objects.filter(acknowledgements__isnull=False).exists()


def test_agreement_needs_a_confidentiality_statement(mentee: User, mentor: User) -> None:
    pair, _meeting = pair_with_meeting(mentee, mentor)
    with pytest.raises(ValidationError):
        services.agreement_save(
            pair=pair, by=mentee, expectations="x", cadence="", confidentiality=" "
        )
    assert not Agreement.objects.exists()


def test_mentee_shares_their_own_undismissed_suggestion_once(
    mentee: User, mentor: User, manager: User
) -> None:
    pair, _meeting = pair_with_meeting(mentee, mentor)
    suggestion = FocusSuggestion.objects.create(manager=manager, report=mentee, text="Delegation")
    with pytest.raises(ValidationError):
        services.focus_share(pair=pair, by=mentor, suggestion=suggestion)
    shared = services.focus_share(pair=pair, by=mentee, suggestion=suggestion)
    assert shared.text == "Delegation"
    with pytest.raises(ValidationError):
        services.focus_share(pair=pair, by=mentee, suggestion=suggestion)
    assert SharedFocus.objects.count() == 1


def test_dismissed_or_someone_elses_suggestion_cannot_be_shared(
    mentee: User, mentor: User, manager: User
) -> None:
    pair, _meeting = pair_with_meeting(mentee, mentor)
    dismissed = FocusSuggestion.objects.create(
        manager=manager, report=mentee, text="Old", dismissed_at=timezone.now()
    )
    not_theirs = FocusSuggestion.objects.create(manager=manager, report=mentor, text="Other")
    for suggestion in (dismissed, not_theirs):
        with pytest.raises(ValidationError):
            services.focus_share(pair=pair, by=mentee, suggestion=suggestion)
    assert not SharedFocus.objects.exists()
