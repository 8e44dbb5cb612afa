"""Who a SCIM request comes from: the bearer token in its Authorization header, and
nothing else. Tokens are not sessions: a signed-in person's cookie grants nothing here."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from scim2_models import UnauthorizedException

from people.models import ScimToken
from people.scim.responses import scim_error_response
from people.scim.services import token_hash


def scim_token_for_request(request: HttpRequest) -> ScimToken | None:
    scheme, _space, secret = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return None
    return ScimToken.objects.usable().filter(token_hash=token_hash(secret.strip())).first()


def scim_client_admit(request: HttpRequest) -> HttpResponse | None:
    """None when the request carries a live token (kept on the request for the view and
    the audit log), else the 401 a SCIM client understands."""
    token = scim_token_for_request(request)
    if token is None:
        error = UnauthorizedException(detail="A valid bearer token is required.")
        response = scim_error_response(error)
        response["WWW-Authenticate"] = 'Bearer realm="SCIM"'
        return response
    request.scim_token = token  # type: ignore[attr-defined]
    return None
