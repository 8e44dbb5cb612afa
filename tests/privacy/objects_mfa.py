"""Object cases for allauth.mfa's routes with an id (see tests/privacy/objects.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from allauth.mfa.models import Authenticator

from tests.privacy.objects import ObjectCase

OWNER = frozenset({"mentee"})


def _mentees_key(w: Any, p: Any) -> Authenticator:
    """A security key of the mentee's: the row as allauth keeps it, with a made-up
    credential (these pages show its name and never read the credential)."""
    return Authenticator.objects.create(
        user=p["mentee"],
        type=Authenticator.Type.WEBAUTHN,
        data={"name": "Mentee's key", "credential": {}},
    )


CASES: dict[str, Callable[[Any, Any], Any]] = {
    f"mfa_{name}_webauthn": (lambda w, p: ObjectCase({"pk": _mentees_key(w, p).pk}, OWNER))
    for name in ("remove", "edit")
}
