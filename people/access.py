"""Who is asking: the signed-in person behind a request."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone

from people.models import DataExport, User


def signed_in_person(request: HttpRequest) -> User:
    """The person behind a request on a route whose access policy requires signing in.

    The access policy middleware sends everybody else to the sign-in page first; should a
    route's policy row ever forget that, this refuses instead of handing on an anonymous user."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


def access_person_for_hr(user: User, person_id: int) -> User:
    # The routes are for HR admins only (access policy); everyone is theirs to look after.
    return get_object_or_404(User.objects.select_related("department", "manager"), pk=person_id)


def access_own_data_export(user: User, export_id: int) -> DataExport:
    """The person's own ready archive whose link has not expired; anyone else's, an
    expired or a missing one are the same 404."""
    return get_object_or_404(
        DataExport,
        pk=export_id,
        person=user,
        status=DataExport.Status.READY,
        expires_at__gt=timezone.now(),
    )
