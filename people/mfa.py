"""Two-step sign-in (allauth.mfa): whether someone has set it up, and an operator's reset.

allauth owns the authenticators (TOTP apps, security keys and passkeys, recovery codes)
and every flow that adds, uses or removes them; this module holds the two questions the
rest of the project asks about them.
"""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from django.db import transaction
from django.http import HttpRequest

from audit.models import Action
from audit.services import audit_record
from people.models import User

# Recovery codes alone are not a second step: allauth makes them beside a first
# authenticator, and they are what is left when that one is gone.
SECOND_STEPS = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


def mfa_set_up(user: User) -> bool:
    """Whether the person signs in with a second step (an authenticator app or a key)."""
    return Authenticator.objects.filter(user_id=user.pk, type__in=SECOND_STEPS).exists()


def mfa_reset(*, person: User, by: User, request: HttpRequest | None = None) -> int:
    """Remove every authenticator of ``person`` (they sign in with their password or an
    e-mailed code again, and set up a new one), recorded in the audit log with the kinds
    removed and never a secret. Returns how many were removed."""
    with transaction.atomic():
        kinds = sorted(
            set(Authenticator.objects.filter(user_id=person.pk).values_list("type", flat=True))
        )
        removed, _ = Authenticator.objects.filter(user_id=person.pk).delete()
        audit_record(
            action=Action.MFA_RESET,
            actor=by,
            target=person,
            details={"removed": removed, "kinds": kinds},
            request=request,
        )
    return removed
