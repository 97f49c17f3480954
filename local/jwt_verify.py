"""Bearer-token checks as API Gateway's JWT authorizer makes them: RS256 signature against the pool's JWKS,
issuer, audience (aud or client_id), expiry. Used by the local runner on signed-in routes."""

from __future__ import annotations

import base64
import json
import time
import urllib.request
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa


class InvalidToken(Exception):
    """Why a token was refused (logged by the runner; the caller only sees 401, as from API Gateway)."""


def _b64(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def _public_key(jwk: dict[str, str]) -> rsa.RSAPublicKey:
    n, e = (int.from_bytes(_b64(jwk[k]), "big") for k in ("n", "e"))
    return rsa.RSAPublicNumbers(e, n).public_key()


class JwtVerifier:
    def __init__(self, jwks_url: str, issuer: str, audience: str) -> None:
        self.jwks_url, self.issuer, self.audience = jwks_url, issuer, audience
        self._keys: dict[str, rsa.RSAPublicKey] | None = None

    def _key(self, kid: str) -> rsa.RSAPublicKey:
        if self._keys is None:
            with urllib.request.urlopen(self.jwks_url, timeout=5) as response:  # noqa: S310  (loopback moto)
                self._keys = {k["kid"]: _public_key(k) for k in json.load(response)["keys"] if k.get("kty") == "RSA"}
        if kid not in self._keys:
            raise InvalidToken(f"no key {kid!r} in the pool's JWKS")
        return self._keys[kid]

    def claims(self, authorization: str) -> dict[str, Any]:
        """The verified claims of an Authorization header's token, or InvalidToken."""
        token = authorization.removeprefix("Bearer ").strip()
        parts = token.split(".")
        if len(parts) != 3:
            raise InvalidToken("not a JWT")
        try:
            header, claims = json.loads(_b64(parts[0])), json.loads(_b64(parts[1]))
            signature = _b64(parts[2])
        except (ValueError, RecursionError):
            raise InvalidToken("undecodable JWT") from None
        if not isinstance(header, dict) or not isinstance(claims, dict):
            raise InvalidToken("header or payload is not a JSON object")
        if header.get("alg") != "RS256":
            raise InvalidToken(f"algorithm {header.get('alg')!r} is not RS256")
        try:
            self._key(str(header.get("kid"))).verify(
                signature, f"{parts[0]}.{parts[1]}".encode(), padding.PKCS1v15(), hashes.SHA256()
            )
        except InvalidSignature:
            raise InvalidToken("bad signature") from None
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
