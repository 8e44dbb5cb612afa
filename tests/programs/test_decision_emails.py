"""A person hears HR's decision on their application once, in their own language."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.utils import translation

from people.models import User
from programs import tasks
from programs.models import Enrolment, Program
from programs.notifications import enrolment_decision_send
from programs.services import enrolment_approve, enrolment_decline, enrolment_withdraw
from tests.programs.factories import ProgramFactory, enrol

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The enrolment ids the services queue a decision e-mail for (after commit)."""
    ids: list[int] = []
    monkeypatch.setattr(tasks.send_enrolment_decision, "delay_on_commit", ids.append)
    return ids


@pytest.fixture
def pending(mentee: User) -> Enrolment:
    program: Program = ProgramFactory(name="Leaders 2027", requires_approval=True)  # type: ignore[assignment]
    return enrol(program, mentee)


def _send_queued(ids: list[int]) -> list[Any]:
    mail.outbox.clear()
    for enrolment_id in ids:
        enrolment_decision_send(enrolment_id=enrolment_id)
    return list(mail.outbox)


def test_an_approval_tells_the_person_what_happens_next(
    pending: Enrolment, queued: list[int]
) -> None:
    enrolment_approve(enrolment=pending)
    assert queued == [pending.pk]
    [message] = _send_queued(queued)
    assert message.to == [pending.person.email]
    assert message.subject == "You're in: “Leaders 2027”"
    assert "as mentee is approved" in message.body
    assert f"/programs/{pending.program_id}/" in message.body


def test_a_decline_is_kind_and_points_to_other_programs(
    pending: Enrolment, queued: list[int]
) -> None:
    enrolment_decline(enrolment=pending)
    [message] = _send_queued(queued)
    assert message.subject == "About your application to “Leaders 2027”"
    assert "was not accepted this time" in message.body
    assert "says nothing about you" in message.body
    assert "/programs/\n" in message.body


@pytest.mark.parametrize("decide", [enrolment_approve, enrolment_decline])
def test_a_refused_second_decision_sends_nothing(
    pending: Enrolment, queued: list[int], decide: Callable[..., Enrolment]
) -> None:
    enrolment_approve(enrolment=pending)
    with pytest.raises(Exception, match="waiting for approval"):
        decide(enrolment=pending)
    assert queued == [pending.pk]


def test_nothing_is_sent_when_the_person_withdrew_before_the_e_mail_went(
    pending: Enrolment, queued: list[int]
) -> None:
    enrolment_approve(enrolment=pending)
    enrolment_withdraw(enrolment=pending)
    assert _send_queued(queued) == []


def test_nothing_is_sent_to_someone_who_has_left(pending: Enrolment, queued: list[int]) -> None:
    enrolment_decline(enrolment=pending)
    User.objects.filter(pk=pending.person_id).update(is_active=False)
    assert _send_queued(queued) == []


@pytest.mark.parametrize("language", ["de", "es", "fr", "nl"])
def test_the_decision_is_in_the_persons_language(
    pending: Enrolment, queued: list[int], language: str
) -> None:
    User.objects.filter(pk=pending.person_id).update(language=language)
    enrolment_approve(enrolment=pending)
    [message] = _send_queued(queued)
    with translation.override(language):
        expected = translation.gettext("You're in: “%(program)s”") % {"program": "Leaders 2027"}
    assert message.subject == expected
    assert expected != "You're in: “Leaders 2027”"
