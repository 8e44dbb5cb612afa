"""Claims for the test provider's people, and the faults some of them come with.

A person's e-mail picks what the provider does wrong for them, so one provider process
serves every test: ``expired-token@`` gets an ID token that expired ten minutes ago,
``other-audience@`` one issued to another client, ``forged-signature@`` one signed with a
key the provider does not publish (under the published key's id).
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from django.db import router, transaction
from django.utils import timezone
from jwcrypto import jwk, jwt
from oauth2_provider.models import IDToken
from oauth2_provider.oauth2_validators import OAuth2Validator

FORGER_KEY = jwk.JWK.generate(kty="RSA", size=2048)


def _fault(request: Any) -> str:
    return str(request.user.email).partition("@")[0]


class FaultyOnRequestValidator(OAuth2Validator):
    oidc_claim_scope = None  # every claim below, whatever the scope

    def get_additional_claims(self, request: Any) -> dict[str, Any]:
        user = request.user
        return {
            "email": user.email,
            "email_verified": _fault(request) != "unverified-email",
            "given_name": user.first_name,
            "family_name": user.last_name,
        }

    def get_id_token_dictionary(
        self, token: Any, token_handler: Any, request: Any
    ) -> tuple[dict[str, Any], Any]:
        claims, expiration_time = super().get_id_token_dictionary(token, token_handler, request)
        fault = _fault(request)
        if fault == "expired-token":
            past = timezone.now() - timedelta(minutes=10)
            claims["exp"] = int(past.timestamp())
            claims["iat"] = int((past - timedelta(minutes=5)).timestamp())
        if fault == "other-audience":
            claims["aud"] = "another-client"
        return claims, expiration_time

    def finalize_id_token(
        self, id_token: dict[str, Any], token: Any, token_handler: Any, request: Any
    ) -> str:
        claims, expiration_time = self.get_id_token_dictionary(token, token_handler, request)
        id_token.update(**claims)
        if "nonce" not in id_token and request.nonce:
            id_token["nonce"] = request.nonce
        published = request.client.jwk_key
        header = {"typ": "JWT", "alg": "RS256", "kid": published.thumbprint()}
        signed = jwt.JWT(header=json.dumps(header), claims=json.dumps(id_token, default=str))
        signed.make_signed_token(FORGER_KEY if _fault(request) == "forged-signature" else published)
        with transaction.atomic(using=router.db_for_write(IDToken)):
            saved = self._save_id_token(id_token["jti"], request, expiration_time)
        request.access_token = saved
        request.id_token = saved
        return str(signed.serialize())
