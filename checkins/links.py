"""One-click answers from the pulse e-mail: a signed link per answer.

The link names the person, the meeting, the question and the answer, signed so that it
cannot be changed or made up. Opening it (GET) never records anything: mail scanners and
link previews open every link in an e-mail, which would "answer" every choice in turn.
It shows a confirm page with that answer chosen; one press of the button (POST) records
it, idempotently (pressing again changes nothing).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core import signing

from checkins.bank import PULSE_QUESTIONS
from lib.links import absolute_url

SALT = "checkins.pulse"
MAX_AGE = 60 * 60 * 24 * 30  # a pulse link works for 30 days


@dataclass(frozen=True)
class PulseChoice:
    person_id: int
    meeting_id: int
    question: str
    value: int


def pulse_token(choice: PulseChoice) -> str:
    payload = [choice.person_id, choice.meeting_id, choice.question, choice.value]
    return signing.dumps(payload, salt=SALT, compress=True)


def pulse_url(choice: PulseChoice) -> str:
    return absolute_url("checkins:pulse_link", token=pulse_token(choice))


def pulse_choice(token: str) -> PulseChoice | None:
    """What a token says, or None for a changed, made-up or expired one."""
    try:
        value = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        return None
    if not (isinstance(value, list) and len(value) == 4):
        return None
    person_id, meeting_id, question, answer = value
    if question not in PULSE_QUESTIONS or answer not in PULSE_QUESTIONS[question].values():
        return None
    if not (isinstance(person_id, int) and isinstance(meeting_id, int)):
        return None
    return PulseChoice(person_id, meeting_id, question, answer)
