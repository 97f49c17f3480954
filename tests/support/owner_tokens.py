"""Owner tokens the local pool signs, for tests that call the owner routes as the dashboard does, or with claims
the pool would never issue."""

from __future__ import annotations

import gzip
import json
import time
import uuid
from importlib import resources

from joserfc import jwt
from joserfc.jwk import RSAKey

from local import owner_session
from local.background import Runner


def pool_signed(claims: dict, key: RSAKey | None = None) -> str:
    """A token signed with the local pool's own key (moto's), to test claims the pool would never issue."""
    if key is None:
        raw = resources.files("moto.cognitoidp").joinpath("resources/jwks-private.json.gz").read_bytes()
        key = RSAKey.import_key(json.loads(gzip.decompress(raw)))
    return jwt.encode({"alg": "RS256", "kid": "dummy"}, claims, key)


def claims_like(runner: Runner, **changes: object) -> dict:
    config = owner_session.page_config(runner.url)
    now = int(time.time())
    claims = {
        "iss": f"https://cognito-idp.{config['region']}.amazonaws.com/{config['userPoolId']}",
        "sub": str(uuid.uuid4()),
        "client_id": config["clientId"],
        "token_use": "access",
        "iat": now,
        "exp": now + 600,
    }
    claims.update(changes)
    return claims


def stored(site: Runner) -> list[dict]:
    """Every submission (all statuses), read through the owner API with a token the local pool signed."""
    return owner_session.all_submissions(site.url, pool_signed(claims_like(site)))
