"""Signing out at the organisation's identity provider too, when it offers that.

The session remembers how it signed in (allauth's authentication records). An OpenID
provider that publishes an ``end_session_endpoint``, or a SAML IdP with a single logout
service, gets the browser after the app's own sign-out, and sends it back to sign-in.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from urllib.parse import urlencode

import requests
from allauth.account.internal.flows.login import get_authentication_records
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.saml.utils import build_auth
from django.core.cache import cache
from django.http import HttpRequest
from django.urls import reverse
from onelogin.saml2.errors import OneLogin_Saml2_Error

logger = logging.getLogger(__name__)
_DISCOVERY_CACHE_SECONDS = 3600


@dataclass(frozen=True)
class IdpSignOut:
    organisation: str  # the provider's name, as on the sign-in button
    url: str  # where the browser goes after the app's own sign-out


def _last_sso_sign_in(request: HttpRequest) -> dict[str, str] | None:
    records = get_authentication_records(request, request.user)
    sso = [r for r in records if r.get("method") == "socialaccount"]
    return sso[-1] if sso else None


def _end_session_endpoint(request: HttpRequest, provider: object) -> str | None:
    oauth2 = provider.get_oauth2_adapter(request)  # type: ignore[attr-defined]
    server_url = provider.app.settings["server_url"]  # type: ignore[attr-defined]
    key = "sso:end-session:" + hashlib.sha256(server_url.encode()).hexdigest()
    endpoint = cache.get(key)
    if endpoint is None:
        try:
            endpoint = oauth2.openid_config.get("end_session_endpoint") or ""
        except (requests.RequestException, ValueError) as error:
            logger.warning("OpenID provider discovery failed on sign-out: %s", error)
            return None
        cache.set(key, endpoint, _DISCOVERY_CACHE_SECONDS)
    return str(endpoint) or None


def idp_sign_out(request: HttpRequest) -> IdpSignOut | None:
    """The IdP's sign-out for this session, if it signed in through one that has it."""
    record = _last_sso_sign_in(request)
    if record is None:
        return None
    back = request.build_absolute_uri(reverse("account_login"))
    try:
        provider = get_adapter(request).get_provider(request, record["provider"])
    except SocialApp.DoesNotExist:
        return None  # the IdP is no longer configured
    if provider.id == "saml":
        auth = build_auth(request, provider)
        if not auth.get_settings().get_idp_slo_url():
            return None
        try:
            url = auth.logout(return_to=back, name_id=record.get("uid"))
        except OneLogin_Saml2_Error as error:
            logger.warning("SAML single logout unavailable: %s", error)
            return None
        return IdpSignOut(provider.name, str(url))
    endpoint = _end_session_endpoint(request, provider)
    if endpoint is None:
        return None
    query = urlencode({"client_id": provider.app.client_id, "post_logout_redirect_uri": back})
    return IdpSignOut(provider.name, f"{endpoint}?{query}")
