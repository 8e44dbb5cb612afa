"""Nudges: one per quiet period, to the pair only, on metadata only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from lib.outbox import outbox_deliver
from matching.models import Pair
from meetings.models import Meeting, NudgeMail
from meetings.nudges import NUDGES, nudges_plan, quiet_pairs
from people.models import User
from programs.models import Program
from tests.meetings.factories import make_pair

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(mentee: User, mentor: User) -> Pair:
    pair = make_pair(mentee, mentor)
    Program.objects.filter(pk=pair.program_id).update(nudge_after_days=14)
    return pair


def _started(pair: Pair, days_ago: int) -> None:
    Pair.objects.filter(pk=pair.pk).update(started_at=timezone.now() - dt.timedelta(days=days_ago))


def _meeting(pair: Pair, days_from_now: float, status: str = "scheduled") -> Meeting:
    start = timezone.now() + dt.timedelta(days=days_from_now)
    return Meeting.objects.create(
        pair=pair, start=start, end=start + dt.timedelta(hours=1), status=status
    )


def test_a_new_pair_is_not_nudged_before_the_threshold(pair: Pair) -> None:
    _started(pair, 13)
    assert nudges_plan(now=timezone.now()) == []


def test_a_quiet_pair_gets_one_nudge_per_period_to_both_people_only(
    pair: Pair, manager: User
) -> None:
    _started(pair, 15)
    mail_ids = nudges_plan(now=timezone.now())
    assert len(mail_ids) == 2  # one e-mail row per member
    assert nudges_plan(now=timezone.now()) == []  # the same period: no second row
    mail.outbox.clear()
    assert outbox_deliver(NUDGES, mail_ids) == 2
    assert outbox_deliver(NUDGES, mail_ids) == 0  # a second delivery sends nothing
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted([pair.mentee.person.email, pair.mentor.person.email])
    assert manager.email not in recipients
    assert all(f"/meetings/pairs/{pair.pk}/schedule/" in str(m.body) for m in mail.outbox)


def test_a_pair_with_a_meeting_booked_ahead_is_not_nudged(pair: Pair) -> None:
    _started(pair, 30)
    _meeting(pair, 3)
    assert nudges_plan(now=timezone.now()) == []


def test_the_quiet_period_starts_after_the_last_meeting(pair: Pair) -> None:
    _started(pair, 60)
    last = _meeting(pair, -10)
    _meeting(pair, -5, status=Meeting.Status.CANCELLED)  # a cancelled one does not count
    assert nudges_plan(now=timezone.now()) == []
    later = timezone.now() + dt.timedelta(days=5)
    [(pair_id, since)] = quiet_pairs(now=later)
    assert pair_id == pair.pk
    assert since == last.end


def test_a_nudge_is_skipped_when_a_meeting_was_booked_meanwhile(pair: Pair) -> None:
    _started(pair, 15)
    mail_ids = nudges_plan(now=timezone.now())
    _meeting(pair, 2)
    mail.outbox.clear()
    assert outbox_deliver(NUDGES, mail_ids) == 0
    assert mail.outbox == []
    statuses = NudgeMail.objects.filter(pk__in=mail_ids).values_list("status", flat=True)
    assert list(statuses) == [NudgeMail.Status.SKIPPED] * 2


def test_ended_pairs_and_closed_programs_are_not_nudged(pair: Pair) -> None:
    _started(pair, 30)
    Program.objects.filter(pk=pair.program_id).update(status=Program.Status.CLOSED)
    assert nudges_plan(now=timezone.now()) == []
    Program.objects.filter(pk=pair.program_id).update(status=Program.Status.OPEN)
    Pair.objects.filter(pk=pair.pk).update(status=Pair.Status.ENDED)
    assert nudges_plan(now=timezone.now()) == []


def test_people_who_turned_e_mails_off_get_no_nudge(pair: Pair) -> None:
    _started(pair, 15)
    User.objects.filter(pk=pair.mentee.person_id).update(email_nudges=False)
    mail_ids = nudges_plan(now=timezone.now())
    mail.outbox.clear()
    assert outbox_deliver(NUDGES, mail_ids) == 1
    assert mail.outbox[0].to == [pair.mentor.person.email]


# ---------------------------------------------------------------- HR digest


def test_hr_admins_get_one_weekly_digest_of_counts_without_names(
    pair: Pair, hr_admin: User, mentee: User, mentor: User, manager: User
) -> None:
    from hr_view.digest import digest_send
    from tests.factories import UserFactory, make_hr_admin

    _meeting(pair, -2)  # held this week
    _meeting(pair, -3, status=Meeting.Status.CANCELLED)
    quiet = make_pair(UserFactory(), UserFactory())
    Program.objects.filter(pk=quiet.program_id).update(name="Quiet program")
    gone = make_hr_admin(UserFactory(is_active=False))
    mail.outbox.clear()

    assert digest_send() == 1
    assert digest_send() == 0  # the same week: nothing again
    [message] = mail.outbox
    assert message.to == [hr_admin.email]
    assert gone.email not in message.to
    body = str(message.body)
    assert pair.program.name in body
    assert "Meetings held in the past 7 days: 1" in body
    assert "Pairs without any meeting yet: 1" in body  # the quiet program's pair
    assert reverse("programs:hr_list") in body  # where HR acts on the counts
    for person in (mentee, mentor, manager, quiet.mentee.person, quiet.mentor.person):
        assert person.full_name not in body
        assert person.email not in body
