"""The in-app notifications about pairs and mentee requests (``notifications.kinds``).
Parameters are ids, flags and times; never a request's message or a decline's reason."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from matching.membership import pairs_of
from notifications.kinds import Kind, Names, Params, moment
from people.models import User


def _pair_page(params: Params, person: User) -> str:
    """The pair's meetings while the person is one of its two, else their pairs."""
    pair_id = params.get("pair")
    if isinstance(pair_id, int) and pairs_of(person).filter(pk=pair_id).exists():
        return reverse("meetings:pair", args=[pair_id])
    return reverse("matching:pairs")


def _pairs(params: Params, person: User) -> str:
    return reverse("matching:pairs")


def _requests(params: Params, person: User) -> str:
    return reverse("matching:requests")


def _introduced(params: Params, names: Names) -> str:
    values = {"person": names.person(params), "program": names.program(params)}
    if params.get("mentee"):
        return _("%(person)s is your mentor in “%(program)s”. Plan your first meeting.") % values
    return _("You are now the mentor of %(person)s in “%(program)s”.") % values


def _ended(params: Params, names: Names) -> str:
    return _("Your pair with %(person)s in “%(program)s” has ended.") % {
        "person": names.person(params),
        "program": names.program(params),
    }


def _received(params: Params, names: Names) -> str:
    return _(
        "%(person)s asked you to be their mentor in “%(program)s”. Answer by %(deadline)s."
    ) % {
        "person": names.person(params),
        "program": names.program(params),
        "deadline": moment(params, "deadline"),
    }


def _reminded(params: Params, names: Names) -> str:
    return _("%(person)s is still waiting for your answer. Answer by %(deadline)s.") % {
        "person": names.person(params),
        "deadline": moment(params, "deadline"),
    }


def _declined(params: Params, names: Names) -> str:
    return _("%(person)s cannot be your mentor in “%(program)s”. You can ask someone else.") % {
        "person": names.person(params),
        "program": names.program(params),
    }


def _expired(params: Params, names: Names) -> str:
    return _(
        "Your request to %(person)s in “%(program)s” expired without an answer. You can ask "
        "someone else."
    ) % {"person": names.person(params), "program": names.program(params)}


PAIR_INTRODUCED = Kind("pair_introduced", text=_introduced, target=_pair_page)
PAIR_ENDED = Kind("pair_ended", text=_ended, target=_pairs)
REQUEST_RECEIVED = Kind("request_received", text=_received, target=_requests)
REQUEST_REMINDER = Kind("request_reminder", text=_reminded, target=_requests)
REQUEST_DECLINED = Kind("request_declined", text=_declined, target=_requests)
REQUEST_EXPIRED = Kind("request_expired", text=_expired, target=_requests)

KINDS = (
    PAIR_INTRODUCED,
    PAIR_ENDED,
    REQUEST_RECEIVED,
    REQUEST_REMINDER,
    REQUEST_DECLINED,
    REQUEST_EXPIRED,
)
