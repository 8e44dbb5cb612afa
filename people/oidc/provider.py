"""The organisation's OpenID Connect provider: allauth's, served from ``people.oidc.urls``.

``SOCIALACCOUNT_PROVIDERS["openid_connect"]["provider_class"]`` names this class; allauth
then builds the provider's routes from this package, whose views check every ID token's
signature (see ``people.oidc.views``).
"""

from __future__ import annotations

from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider

from people.oidc.views import SignatureCheckingAdapter


class OrganisationOIDCProvider(OpenIDConnectProvider):
    oauth2_adapter_class = SignatureCheckingAdapter
    package = "people.oidc"
