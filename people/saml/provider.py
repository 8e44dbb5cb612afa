"""The organisation's SAML identity provider: allauth's, served from ``people.saml.urls``.

``SOCIALACCOUNT_PROVIDERS["saml"]["provider_class"]`` names this class, so allauth builds
the SAML routes from this package (see ``people.saml.views``).
"""

from __future__ import annotations

from allauth.socialaccount.providers.saml.provider import SAMLProvider


class OrganisationSAMLProvider(SAMLProvider):
    package = "people.saml"
