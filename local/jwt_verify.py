"""Bearer-token checks as API Gateway's JWT authorizer makes them: RS256 signature against the pool's JWKS,
issuer, audience (aud, or client_id when there is no aud), expiry, not-before and issued-at. Used by the local
runner on signed-in routes. joserfc checks the signature; the authorizer's own claim rules are spelt out here."""

from __future__ import annotations

import json
import time
import urllib.request
from typing import Any

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet


class InvalidToken(Exception):
    """Why a token was refused (logged by the runner; the caller only sees 401, as from API Gateway)."""


class JwtVerifier:
    def __init__(self, jwks_url: str, issuer: str, audience: str) -> None:
        self.jwks_url, self.issuer, self.audience = jwks_url, issuer, audience
        self._keys: KeySet | None = None

    def _key_set(self) -> KeySet:
        if self._keys is None:
            with urllib.request.urlopen(self.jwks_url, timeout=5) as response:  # noqa: S310  (loopback moto)
                self._keys = KeySet.import_key_set(json.load(response))
        return self._keys

    def claims(self, authorization: str) -> dict[str, Any]:
        """The verified claims of an Authorization header's token, or InvalidToken."""
        token = authorization.removeprefix("Bearer ").strip()
        try:
            claims = jwt.decode(token, self._key_set(), algorithms=["RS256"]).claims
        except (JoseError, ValueError, TypeError, KeyError, RecursionError) as error:
            raise InvalidToken(f"not a valid RS256 token of the pool: {type(error).__name__}") from None
        if not isinstance(claims, dict):
            raise InvalidToken("payload is not a JSON object")
        if claims.get("iss") != self.issuer:
            raise InvalidToken("wrong issuer")
        # API Gateway: the aud claim if the token has one (ID tokens), else client_id (access tokens).
        audiences = claims["aud"] if isinstance(claims.get("aud"), list) else [claims.get("aud")]
        if (self.audience not in audiences) if "aud" in claims else (claims.get("client_id") != self.audience):
            raise InvalidToken("wrong audience")
        now = time.time()
        if not isinstance(claims.get("exp"), int | float) or claims["exp"] <= now:
            raise InvalidToken("expired")
        for early in ("nbf", "iat"):  # when present, each must be in the past
            if early in claims and (not isinstance(claims[early], int | float) or claims[early] > now):
                raise InvalidToken(f"{early} is in the future")
        if claims.get("token_use") not in ("access", "id"):
            raise InvalidToken("not an access or id token")
        return claims
