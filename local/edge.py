"""CloudFront's part in front of the local API: what the distribution adds to every /api/* request it forwards."""

from __future__ import annotations

import secrets

from handlers.edge import ORIGIN_PROOF, VIEWER_ADDRESS, proof_hash

# A secret of this process, as the stack keeps one in its state: the handlers are given only its hash.
PROOF = secrets.token_urlsafe(32)
PROOF_HASH = proof_hash(PROOF)


def forwarded_headers(headers: dict[str, str], viewer_ip: str) -> dict[str, str]:
    """The viewer's headers as the distribution forwards them: its viewer-request function writes the address it
    received the connection from, and the origin's custom header carries the secret; both replace any header of
    the same name that the viewer sent."""
    own = {ORIGIN_PROOF, VIEWER_ADDRESS}
    return {
        **{k: v for k, v in headers.items() if k.lower() not in own},
        VIEWER_ADDRESS: viewer_ip,
        ORIGIN_PROOF: PROOF,
    }
