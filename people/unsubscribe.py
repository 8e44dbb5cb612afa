"""One-click unsubscribe from the optional e-mails (RFC 8058).

A reminder or nudge carries ``List-Unsubscribe: <address>`` and ``List-Unsubscribe-Post:
List-Unsubscribe=One-Click``; the address holds a signed token naming the person and the
kind of e-mail, so a mail program's POST turns that kind off without anyone signing in.
A token cannot be forged or changed (``django.core.signing``): a changed one names nobody.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.core import signing

from lib.links import absolute_url
from people.models import User

SALT = "people.unsubscribe"


class Kind(StrEnum):
    REMINDERS = "reminders"
    NUDGES = "nudges"


@dataclass(frozen=True)
class Unsubscriber:
    person: User
    kind: Kind


def unsubscribe_token(*, person_id: int, kind: Kind) -> str:
    return signing.dumps({"p": person_id, "k": str(kind)}, salt=SALT)


def unsubscribe_url(*, person_id: int, kind: Kind) -> str:
    return absolute_url(
        "people:unsubscribe", token=unsubscribe_token(person_id=person_id, kind=kind)
    )


def unsubscribe_headers(*, person_id: int, kind: Kind) -> dict[str, str]:
    """The two headers of RFC 8058, for an e-mail of this kind to this person."""
    return {
        "List-Unsubscribe": f"<{unsubscribe_url(person_id=person_id, kind=kind)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def unsubscriber(token: str) -> Unsubscriber | None:
    """Whom a token names, and which kind of e-mail: nobody for a changed or made-up one."""
    try:
        value = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    if not isinstance(value, dict) or value.get("k") not in set(Kind):
        return None
    person_id = value.get("p")
    person = User.objects.filter(pk=person_id).first() if isinstance(person_id, int) else None
    return None if person is None else Unsubscriber(person=person, kind=Kind(value["k"]))
