"""E-mails about pairs: names, the program and a link; nothing private."""

from __future__ import annotations

from django.core.mail import EmailMessage
from django.utils import timezone
from django.utils.formats import date_format

from lib.formats import moment_text
from lib.links import absolute_url
from lib.mail import compose, send_once
from matching.membership import counterpart, members
from matching.models import MentorshipRequest, Pair
from people.models import User


def _active_pair(pair_id: int) -> Pair | None:
    return (
        Pair.objects.select_related("program", "mentee__person", "mentor__person")
        .filter(pk=pair_id, status=Pair.Status.ACTIVE)
        .first()
    )


def _introduced(pair: Pair) -> list[tuple[User, User]]:
    """Each active person of the pair, with the one they are introduced to."""
    return [(p, counterpart(pair, p)) for p in members(pair) if p.is_active]


def pair_introduction_recipients(*, pair_id: int) -> list[int]:
    """Who gets an introduction (person ids): the active people of a pair that is still
    active. Each send checks again (``pair_introduction_send_to``)."""
    pair = _active_pair(pair_id)
    return [] if pair is None else [person.pk for person, _other in _introduced(pair)]


def pair_introduction_send_to(*, pair_id: int, person_id: int) -> int:
    """Introduce one person of an active pair to the other, in their own language.

    Returns how many e-mails went out: none if the pair is no longer active, or the person
    is not (or no longer) one of its active people.
    """
    pair = _active_pair(pair_id)
    introduced = {} if pair is None else dict(_introduced(pair))
    person = next((p for p in introduced if p.pk == person_id), None)
    if pair is None or person is None:
        return 0
    context = {
        "person": person,
        "counterpart": introduced[person],
        "program": pair.program,
        "is_mentee": person == pair.mentee.person,
        "url": absolute_url("meetings:pair", pair_id=pair.pk),
    }
    send_once(compose("matching/email/introduction", to=person, context=context))
    return 1


def pair_introduction_send(*, pair_id: int) -> int:
    """Introduce both people here and now, one after the other (tests, a shell). The task
    sends each e-mail as a task of its own (``matching.tasks``), so that its retry resends
    only the one that failed. Returns how many e-mails went out."""
    return sum(
        pair_introduction_send_to(pair_id=pair_id, person_id=person_id)
        for person_id in pair_introduction_recipients(pair_id=pair_id)
    )


def request_reminder_message(*, request: MentorshipRequest, mentor: User) -> EmailMessage:
    """The reminder to the mentor of an unanswered request: the mentee's name, the program,
    the dates and a link; never the request's message. Sent when due from its outbox row
    (``matching.upkeep``)."""

    def context() -> dict[str, object]:  # dates in the mentor's language and time zone
        return {
            "person": mentor,
            "mentee": request.mentee.person.full_name or request.mentee.person.email,
            "program": request.program.name,
            "asked_on": date_format(timezone.localdate(request.created_at)),
            "answer_by": moment_text(request.expires_at),
            "url": absolute_url("matching:requests"),
        }

    return compose("matching/email/request_reminder", to=mentor, context=context)
