"""The introduction e-mail, one person at a time: each send checks the pair and the person
again, because the fan-out that enqueued it may be minutes old."""

from __future__ import annotations

import pytest
from django.core import mail

from matching.models import Pair
from matching.notifications import pair_introduction_recipients, pair_introduction_send_to
from people.models import User
from tests.meetings.factories import make_pair

pytestmark = pytest.mark.django_db


def test_each_person_is_introduced_to_the_other_in_their_own_language(
    mentee: User, mentor: User
) -> None:
    mentor.language = "de"
    mentor.save()
    pair = make_pair(mentee, mentor)
    assert pair_introduction_recipients(pair_id=pair.pk) == [mentee.pk, mentor.pk]
    assert pair_introduction_send_to(pair_id=pair.pk, person_id=mentor.pk) == 1
    [message] = mail.outbox
    assert message.to == [mentor.email]
    assert mentee.full_name in message.body
    assert pair.program.name in message.body


def test_nobody_outside_the_pair_is_introduced(mentee: User, mentor: User, outsider: User) -> None:
    pair = make_pair(mentee, mentor)
    assert pair_introduction_send_to(pair_id=pair.pk, person_id=outsider.pk) == 0
    assert mail.outbox == []


def test_a_person_deactivated_after_the_fan_out_gets_nothing(mentee: User, mentor: User) -> None:
    pair = make_pair(mentee, mentor)
    people = pair_introduction_recipients(pair_id=pair.pk)
    mentee.is_active = False
    mentee.save()
    sent = [pair_introduction_send_to(pair_id=pair.pk, person_id=p) for p in people]
    assert sent == [0, 1]
    assert [m.to for m in mail.outbox] == [[mentor.email]]
    assert pair_introduction_recipients(pair_id=pair.pk) == [mentor.pk]


def test_a_pair_ended_after_the_fan_out_introduces_nobody(mentee: User, mentor: User) -> None:
    pair = make_pair(mentee, mentor)
    Pair.objects.filter(pk=pair.pk).update(status=Pair.Status.ENDED)
    assert pair_introduction_recipients(pair_id=pair.pk) == []
    assert pair_introduction_send_to(pair_id=pair.pk, person_id=mentee.pk) == 0
    assert mail.outbox == []
