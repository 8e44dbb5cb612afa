"""Single sign-on settings from the environment: allauth's ``SOCIALACCOUNT_PROVIDERS``.

One identity provider per protocol, the organisation's own: OpenID Connect when
``MENTORING_OIDC_DISCOVERY_URL`` is set, SAML 2.0 when ``MENTORING_SAML_METADATA_URL``
or ``MENTORING_SAML_ENTITY_ID`` is set. Neither set: no SSO, sign-in as before.
Apps live in settings (allauth's ``APPS``), so no database rows are needed.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from lib.env import env_bool, env_str, env_url

OIDC_PROVIDER_ID = "organisation"  # /accounts/oidc/organisation/login/
SAML_ORGANISATION = "organisation"  # /accounts/saml/organisation/login/
_HTTP = {"http", "https"}


def _required(name: str, because: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"{name} must be set when {because} is set.")
    return value


def _required_url(name: str, because: str) -> str:
    return env_url(name, _required(name, because), schemes=_HTTP)


def _certificate(name: str, because: str) -> str:
    """A PEM certificate given inline or as a path to a file holding one."""
    raw = _required(name, because)
    if "-----BEGIN" not in raw:
        path = Path(raw)
        if not path.is_file():
            raise ImproperlyConfigured(f"{name} must be a PEM certificate or a path to one.")
        raw = path.read_text()
    if "-----BEGIN CERTIFICATE-----" not in raw:
        raise ImproperlyConfigured(f"{name} must hold a PEM certificate (BEGIN CERTIFICATE).")
    return raw


def oidc_app(name: str) -> dict[str, Any] | None:
    discovery = os.environ.get("MENTORING_OIDC_DISCOVERY_URL", "").strip()
    if not discovery:
        return None
    because = "MENTORING_OIDC_DISCOVERY_URL"
    return {
        "provider_id": OIDC_PROVIDER_ID,
        "name": name,
        "client_id": _required("MENTORING_OIDC_CLIENT_ID", because),
        "secret": os.environ.get("MENTORING_OIDC_CLIENT_SECRET", "").strip(),
        "settings": {
            "server_url": env_url(because, "", schemes=_HTTP),
            "scope": ["openid", "profile", "email"],
        },
    }


def saml_app(name: str) -> dict[str, Any] | None:
    metadata_url = os.environ.get("MENTORING_SAML_METADATA_URL", "").strip()
    entity_id = os.environ.get("MENTORING_SAML_ENTITY_ID", "").strip()
    if not (metadata_url or entity_id):
        return None
    idp: dict[str, Any]
    if metadata_url:
        idp = {
            "metadata_url": env_url("MENTORING_SAML_METADATA_URL", "", schemes=_HTTP),
            "entity_id": entity_id or None,
        }
    else:
        because = "MENTORING_SAML_ENTITY_ID"
        idp = {
            "entity_id": entity_id,
            "sso_url": _required_url("MENTORING_SAML_SSO_URL", because),
            "x509cert": _certificate("MENTORING_SAML_CERT", because),
        }
        if os.environ.get("MENTORING_SAML_SLO_URL", "").strip():
            idp["slo_url"] = env_url("MENTORING_SAML_SLO_URL", "", schemes=_HTTP)
    settings: dict[str, Any] = {
        "idp": idp,
        "attribute_mapping": {
            # Empty: the NameID is the stable subject.
            "uid": [a for a in [env_str("MENTORING_SAML_UID_ATTRIBUTE", "").strip()] if a],
            "email": [
                env_str("MENTORING_SAML_EMAIL_ATTRIBUTE", "email"),
                "urn:oid:0.9.2342.19200300.100.1.3",
                "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
            ],
            "first_name": [
                "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname",
                "urn:oid:2.5.4.42",
            ],
            "last_name": [
                "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname",
                "urn:oid:2.5.4.4",
            ],
        },
        # An assertion counts only when the IdP signed it; an IdP-initiated
        # response (no request of ours to answer) is refused.
        "advanced": {
            "strict": True,
            "want_assertion_signed": True,
            "reject_idp_initiated_sso": True,
            "allow_single_label_domains": True,  # an intranet host such as http://mentoring/
        },
    }
    if os.environ.get("MENTORING_SAML_SP_ENTITY_ID", "").strip():
        settings["sp"] = {"entity_id": os.environ["MENTORING_SAML_SP_ENTITY_ID"].strip()}
    return {"client_id": SAML_ORGANISATION, "name": name, "settings": settings}


def socialaccount_providers() -> dict[str, dict[str, Any]]:
    """allauth's ``SOCIALACCOUNT_PROVIDERS`` for what the environment configures."""
    name = env_str("MENTORING_SSO_NAME", "").strip() or "your organisation"
    # The IdP is the organisation's own directory: the e-mail it asserts is the one
    # HR has on record, unless the IdP itself says it is unverified.
    trust_email = env_bool("MENTORING_SSO_TRUST_EMAIL", True)
    oidc = oidc_app(name)
    providers: dict[str, dict[str, Any]] = {
        "openid_connect": {
            "APPS": [oidc] if oidc else [],
            "OAUTH_PKCE_ENABLED": True,
            "VERIFIED_EMAIL": trust_email,
            # allauth's, except that the ID token's signature is always checked.
            "provider_class": "people.oidc.provider.OrganisationOIDCProvider",
        }
    }
    saml = saml_app(name)
    providers["saml"] = {
        "APPS": [saml] if saml else [],
        "VERIFIED_EMAIL": trust_email,
        # allauth's, except that a replayed answer gets the SSO error page (people/saml/).
        "provider_class": "people.saml.provider.OrganisationSAMLProvider",
    }
    return providers


def form_action_origins() -> list[str]:
    """Origins of the configured IdPs, for the ``form-action`` of the Content-Security-Policy.

    Browsers hold a form's redirects to ``form-action`` too: the sign-in button posts here
    and is redirected to the IdP, and so is the sign-out that ends the IdP's session.
    ``MENTORING_SSO_EXTRA_ORIGINS`` adds origins the IdP's published endpoints use when they
    differ from the configured URL's (comma-separated).
    """
    urls = [
        os.environ.get(name, "").strip()
        for name in (
            "MENTORING_OIDC_DISCOVERY_URL",
            "MENTORING_SAML_METADATA_URL",
            "MENTORING_SAML_SSO_URL",
            "MENTORING_SAML_SLO_URL",
        )
    ]
    urls += [u.strip() for u in os.environ.get("MENTORING_SSO_EXTRA_ORIGINS", "").split(",")]
    origins: list[str] = []
    for url in urls:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if parts.scheme in _HTTP and parts.netloc and origin not in origins:
            origins.append(origin)
    return origins
