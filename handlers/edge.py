"""The headers CloudFront adds to every API request (docs/security.md): a secret proving the request came through
the distribution, of which the functions hold only hashes, and the address the visitor connected from."""

from __future__ import annotations

import hashlib
import hmac

ORIGIN_PROOF = "x-origin-verify"
VIEWER_ADDRESS = "x-viewer-address"


def proof_hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def through_the_edge(sent: str, accepted: tuple[str, ...]) -> bool:
    """Whether `sent` is an accepted secret; each hash is compared in constant time, whichever matches."""
    digest, matched = proof_hash(sent), False
    for expected in accepted:
        matched |= hmac.compare_digest(digest, expected)
    return matched and bool(sent)
