"""The invitation e-mail: a link to set a password, in the person's language."""

from __future__ import annotations

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.utils import timezone

from lib.links import absolute_url
from lib.mail import compose, send_once
from people.models import DataExport, User


def person_send_invitation(*, user_id: int) -> bool:
    """Send the invitation e-mail once; False when the person was already invited."""
    claimed_at = timezone.now()
    # The conditional update is the claim: a duplicate or retried task finds no row.
    claimed = User.objects.filter(pk=user_id, invited_at__isnull=True, is_active=True).update(
        invited_at=claimed_at
    )
    if not claimed:
        return False
    try:
        _invitation_send(User.objects.get(pk=user_id))
    except Exception:
        # Give the claim back so that the task's retry can send it.
        User.objects.filter(pk=user_id, invited_at=claimed_at).update(invited_at=None)
        raise
    return True


def _invitation_send(person: User) -> None:
    context = {
        "full_name": person.full_name,
        "set_password_url": _set_password_url(person),
        "login_url": absolute_url("account_login"),
    }
    send_once(compose("people/email/invitation", to=person, context=context))


def _set_password_url(person: User) -> str:
    return absolute_url(
        "account_reset_password_from_key",
        uidb36=user_pk_to_url_str(person),
        key=default_token_generator.make_token(person),
    )


def data_export_ready_send(*, export_id: int) -> bool:
    """Tell the person their archive is ready (a link to the page, not to the file: the
    download needs them signed in). False when the archive is gone or not ready."""
    export = (
        DataExport.objects.filter(pk=export_id, status=DataExport.Status.READY)
        .select_related("person")
        .first()
    )
    if export is None:
        return False
    context = {
        "full_name": export.person.full_name,
        "expires_at": export.expires_at,
        "page_url": absolute_url("people:data_export"),
    }
    send_once(compose("people/email/data_export_ready", to=export.person, context=context))
    return True
