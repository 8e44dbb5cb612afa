"""Who is in a pair is said once (matching.membership), and every door agrees with it.

The test learns a pair's people from the module only, then knocks on every door that
admits "a person of the pair": each member gets in, the mentee's manager, HR and an
outsider get the 404 of a missing id. A pair of more people is then a change inside the
module, and this test still says what must hold."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.http import Http404
from django.utils import timezone

from journal.access import access_agenda_item_for_member, access_goal_for_member
from journal.services import agenda_item_add, goal_add
from matching import membership
from matching.access import access_own_pair
from meetings.access import access_meeting_for_member, access_pair_for_member
from meetings.calendar import feed_meetings
from meetings.services import meeting_schedule
from people.models import User
from tests.meetings.factories import make_pair, when


@pytest.fixture
def world(mentee: User, mentor: User) -> dict[str, object]:
    pair = make_pair(mentee, mentor)
    people = membership.members(pair)
    day = timezone.localdate() + dt.timedelta(days=7)
    meetings = meeting_schedule(pair=pair, organiser=people[0], when=when(day), place="Room 1")
    meeting = meetings[0]
    return {
        "pair": pair,
        "meeting": meeting,
        "goal": goal_add(pair=pair, by=people[0], title="Speak up in reviews"),
        "item": agenda_item_add(meeting=meeting, author=people[-1], text="Feedback"),
    }


def _doors(world: dict[str, object], person: User) -> dict[str, bool]:
    pair, meeting = world["pair"], world["meeting"]
    checks = {
        "matching pair": lambda: access_own_pair(person, pair.pk),  # type: ignore[attr-defined]
        "meetings pair": lambda: access_pair_for_member(person, pair.pk),  # type: ignore[attr-defined]
        "meeting": lambda: access_meeting_for_member(person, meeting.pk),  # type: ignore[attr-defined]
        "goal": lambda: access_goal_for_member(person, world["goal"].pk),  # type: ignore[attr-defined]
        "agenda item": lambda: access_agenda_item_for_member(person, world["item"].pk),  # type: ignore[attr-defined]
    }
    opened = {}
    for door, knock in checks.items():
        try:
            knock()
        except Http404:
            opened[door] = False
        else:
            opened[door] = True
    opened["own calendar feed"] = feed_meetings(person).filter(pk=meeting.pk).exists()  # type: ignore[attr-defined]
    opened["pairs of"] = membership.pairs_of(person).filter(pk=pair.pk).exists()  # type: ignore[attr-defined]
    return opened


def test_every_member_and_only_members_get_through_every_door(
    world: dict[str, object], manager: User, hr_admin: User, outsider: User
) -> None:
    pair = world["pair"]
    people = membership.members(pair)  # type: ignore[arg-type]
    assert len(people) == len({p.pk for p in people}) >= 2
    for person in people:
        assert membership.is_member(pair, person)  # type: ignore[arg-type]
        assert set(_doors(world, person).values()) == {True}, person
        others = membership.counterparts(pair, person)  # type: ignore[arg-type]
        assert {p.pk for p in others} == {p.pk for p in people} - {person.pk}
    for person in (manager, hr_admin, outsider):
        assert not membership.is_member(pair, person)  # type: ignore[arg-type]
        assert set(_doors(world, person).values()) == {False}, person


def test_the_membership_query_finds_the_same_people_as_the_pair(
    world: dict[str, object],
) -> None:
    from matching.models import Pair

    pair = world["pair"]
    for person in membership.members(pair):  # type: ignore[arg-type]
        assert list(Pair.objects.filter(membership.member_q(person))) == [pair]
        assert list(Pair.objects.filter(membership.member_q(person.pk))) == [pair]


MEMBERSHIP_SPELLED_OUT = re.compile(
    r"Q\((pair__|meeting__pair__)?(mentee|mentor)__person"  # a membership query
    r"|(mentee|mentor)\.person_id (==|!=|in) "  # a membership check
    r"|person(_id|\.pk)? (not )?in \(.*mentee"  # the two people as a tuple
    r"|\(mentee, mentor\), \(mentor, mentee\)"  # a loop over the two people
    r"|mentee\.person, .*mentor\.person[)\]]"  # the two people as a list
    r"|\bpair\.(mentee|mentor)_id\b"  # a pair's people in raw SQL
)


def test_no_module_but_membership_spells_out_who_is_in_a_pair() -> None:
    """The grep of issue 14, kept: who is in a pair is said in matching/membership.py."""
    root = Path(__file__).resolve().parents[2]
    offenders = [
        f"{path.relative_to(root)}:{number}: {line.strip()}"
        for app in ("lib", "people", "programs", "matching", "meetings", "journal",
                    "manager_view", "mentoring")
        for path in sorted((root / app).rglob("*.py"))
        if "migrations" not in path.parts and path.name != "membership.py"
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if MEMBERSHIP_SPELLED_OUT.search(line)
    ]  # fmt: skip
    assert offenders == []


def test_hr_reads_pairs_as_values_named_by_the_others_in_them(
    world: dict[str, object], django_assert_num_queries: object
) -> None:
    from matching.models import Pair

    pair: Pair = world["pair"]  # type: ignore[assignment]
    mentee, mentor = membership.members(pair)
    with django_assert_num_queries(2):  # type: ignore[operator]
        paired = membership.paired_with_by_enrolment(mentee)
    assert paired == {pair.mentee_id: (membership.PairedWith(mentor.full_name, True),)}
    assert membership.active_partners_by_enrolment([pair.mentee_id, pair.mentor_id, 0]) == {
        pair.mentee_id: (mentor.full_name,),
        pair.mentor_id: (mentee.full_name,),
    }
    assert membership.active_partners_by_enrolment([]) == {}
    assert membership.active_pair_count(mentor) == 1
    Pair.objects.filter(pk=pair.pk).update(status=Pair.Status.ENDED)
    assert membership.paired_with_by_enrolment(mentor) == {
        pair.mentor_id: (membership.PairedWith(mentee.full_name, False),)
    }
    assert membership.active_partners_by_enrolment([pair.mentee_id]) == {}
    assert membership.active_pair_count(mentor) == 0
